/**
 * The kernel conformance suite, written once and run for every backend (the
 * Keras 3 habit): each case runs one kernel on seeded inputs, and
 * `runConformance` compares a candidate backend's outputs with the reference
 * (js) backend's, element by element, within rel 1e-4 + abs 1e-5.
 *
 * A kernel the candidate does not implement is reported as 'missing': the
 * registry serves it from the reference, so it is a fallback, not a failure.
 *
 * @example
 * const results = runConformance(wasm.kernels, createJsBackend().kernels);
 * for (const r of results) console.log(r.kernel, r.status, r.failures[0]?.message ?? '');
 */
import { KERNEL_NAMES, type F32, type KernelName, type KernelTable } from './kernels.js';
import { conformanceCases } from './conformance-cases.js';
import type { ConformanceCase } from './conformance-case.js';

export { conformanceCases } from './conformance-cases.js';
export type { ConformanceCase } from './conformance-case.js';

export interface ConformanceOptions {
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Only these kernels (default: every kernel in KERNEL_NAMES). */
  kernels?: readonly KernelName[];
  /** The cases to run (default: `conformanceCases()`). */
  cases?: readonly ConformanceCase[];
}

export interface CaseFailure {
  /** The case's description, e.g. 'conv2d: 3x3 stride 2 pad 1, odd 7x9'. */
  case: string;
  message: string;
}

export interface ConformanceResult {
  kernel: KernelName;
  /** 'missing': the candidate lacks the kernel and the reference serves it (fallback). */
  status: 'pass' | 'fail' | 'missing';
  /** Number of cases run for this kernel (0 when missing). */
  cases: number;
  failures: CaseFailure[];
}

/** |got - want| <= atol + rtol * |want|; NaN matches only NaN, an infinity only the same infinity. */
export function close(got: number, want: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got);
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === want;
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

/** Compares two output lists; returns a description of the first problem, or null when they agree. */
export function compareOutputs(got: readonly F32[], want: readonly F32[], rtol: number, atol: number): string | null {
  if (got.length !== want.length) return `returned ${got.length} output buffers, reference returned ${want.length}`;
  for (let o = 0; o < want.length; o++) {
    const g = got[o]!;
    const w = want[o]!;
    if (g.length !== w.length) return `output ${o} has ${g.length} elements, reference has ${w.length}`;
    let bad = 0;
    let first = -1;
    let worst = 0;
    for (let i = 0; i < w.length; i++) {
      if (close(g[i]!, w[i]!, rtol, atol)) continue;
      bad++;
      if (first < 0) first = i;
      const d = Math.abs(g[i]! - w[i]!);
      if (!(d <= worst)) worst = d;
    }
    if (bad > 0) {
      return `output ${o}: ${bad} of ${w.length} elements differ (max |diff| ${worst}); ` +
        `first at flat index ${first}: got ${g[first]}, expected ${w[first]} (tolerance rel ${rtol} + abs ${atol})`;
    }
  }
  return null;
}

/**
 * Runs every case of every kernel on `candidate` and on `reference` and
 * compares the outputs. One result per kernel, in KERNEL_NAMES order.
 */
export function runConformance(
  candidate: Partial<KernelTable>, reference: KernelTable, opts: ConformanceOptions = {},
): ConformanceResult[] {
  const rtol = opts.rtol ?? 1e-4;
  const atol = opts.atol ?? 1e-5;
  const cases = opts.cases ?? conformanceCases();
  const names = opts.kernels ?? KERNEL_NAMES;
  return names.map((kernel) => {
    const mine = cases.filter((c) => c.kernel === kernel);
    if (typeof candidate[kernel] !== 'function') return { kernel, status: 'missing', cases: 0, failures: [] };
    const failures: CaseFailure[] = [];
    for (const c of mine) {
      const label = `${kernel}: ${c.name}`;
      let want: F32[];
      try {
        want = c.run(reference);
      } catch (e) {
        failures.push({ case: label, message: `the reference itself failed: ${errorText(e)}` });
        continue;
      }
      let got: F32[];
      try {
        got = c.run(candidate);
      } catch (e) {
        failures.push({ case: label, message: `threw ${errorText(e)}` });
        continue;
      }
      const problem = compareOutputs(got, want, rtol, atol);
      if (problem) failures.push({ case: label, message: problem });
    }
    return { kernel, status: failures.length ? 'fail' : 'pass', cases: mine.length, failures };
  });
}

/** One line per kernel: `conv2d  pass  20 cases`, with the first failure when failing. */
export function formatConformance(results: readonly ConformanceResult[]): string {
  const width = Math.max(...results.map((r) => r.kernel.length));
  return results
    .map((r) => {
      const head = `${r.kernel.padEnd(width)}  ${r.status === 'missing' ? 'missing (reference fallback)' : r.status}`;
      if (r.status === 'missing') return head;
      const tail = r.failures.length ? `; ${r.failures.length} failing, first: ${r.failures[0]!.case}: ${r.failures[0]!.message}` : '';
      return `${head}  ${r.cases} cases${tail}`;
    })
    .join('\n');
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
