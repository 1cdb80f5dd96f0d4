/**
 * One conformance case and the seeded input factory its body draws from.
 * Each case draws its inputs from a Generator seeded by its own name, so a
 * run is reproducible and adding a case never changes the others. Outputs
 * start filled with NaN, so a kernel that leaves an element unwritten (or
 * assumes zeroed memory) fails; inputs are checked unchanged after the call.
 */
import { Generator } from '../util/random.js';
import type { F32, KernelName, KernelTable, Shape } from './kernels.js';

export interface ConformanceCase {
  readonly kernel: KernelName;
  /** What the case exercises, e.g. '3x3 stride 2 pad 1, odd 7x9'. */
  readonly name: string;
  /**
   * Runs the kernel of `k` on fresh copies of the case's inputs and returns
   * the output buffers (for in-place kernels: the updated state buffers).
   * Throws if the kernel is absent or modified one of its inputs.
   */
  run(k: Partial<KernelTable>): F32[];
}

/** Input factory handed to each case body: seeded draws, input tracking, NaN-filled outputs. */
export class Inputs {
  private readonly tracked: [F32, F32, string][] = [];
  constructor(readonly g: Generator) {}

  /** Registers `a` as an input: it must be unchanged after the kernel ran. */
  input(a: F32, label = 'input'): F32 {
    this.tracked.push([a, a.slice(), label]);
    return a;
  }
  normal(n: number, scale = 1, shift = 0): F32 {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = shift + scale * this.g.normal();
    return this.input(a);
  }
  uniform(n: number, lo: number, hi: number): F32 {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * this.g.random();
    return this.input(a);
  }
  /** Values with |v| >= min (divisors, and inputs kept off a kink). */
  awayFromZero(n: number, min = 0.25): F32 {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (this.g.random() < 0.5 ? -1 : 1) * (min + Math.abs(this.g.normal()));
    return this.input(a);
  }
  /** Small integers / 2, so that maxima tie. */
  ties(n: number): F32 {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.round(this.g.normal() * 2) / 2;
    return this.input(a);
  }
  /** Normal values with NaN at every `every`-th position, starting at `first`. */
  withNaN(n: number, every: number, first = 1): F32 {
    const a = this.state(n);
    for (let i = first; i < n; i += every) a[i] = NaN;
    return this.input(a);
  }
  /** State that the kernel updates in place (not checked as an input). */
  state(n: number, scale = 1, positive = false): F32 {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = scale * this.g.normal();
      a[i] = positive ? v * v : v;
    }
    return a;
  }
  out(n: number): F32 {
    return new Float32Array(n).fill(NaN);
  }
  verify(kernel: string): void {
    for (const [a, copy, label] of this.tracked) {
      for (let i = 0; i < a.length; i++) {
        if (!Object.is(a[i], copy[i])) throw new Error(`${kernel} modified its ${label} (flat index ${i}: ${copy[i]} became ${a[i]})`);
      }
    }
  }
}

/** FNV-1a of the case label: each case's own seed. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function numel(s: Shape): number {
  return s.reduce((a, b) => a * b, 1);
}

/** A case whose `run` draws fresh seeded inputs, calls `body`, and checks the inputs were left alone. */
export function makeCase(kernel: KernelName, name: string, body: (k: KernelTable, x: Inputs) => F32[]): ConformanceCase {
  return {
    kernel,
    name,
    run(k: Partial<KernelTable>): F32[] {
      if (typeof k[kernel] !== 'function') throw new Error(`kernel '${kernel}' is missing from this kernel table (the registry serves it from the js reference)`);
      const inputs = new Inputs(new Generator(seedOf(`${kernel}: ${name}`)));
      const outs = body(k as KernelTable, inputs);
      inputs.verify(kernel);
      return outs;
    },
  };
}

/** A shape as PyTorch users read it, for case names. */
export function fmt(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}
