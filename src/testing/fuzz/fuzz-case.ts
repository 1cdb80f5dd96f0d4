/**
 * What one fuzz input is and how its outcome is judged (issue 14). A case
 * either throws or returns. A throw must be a clean error: one of fovea's
 * error classes, with a message that names the input (the file, the option)
 * and no JavaScript internals. A return must pass the case's own check
 * (finite outputs, the shape it should have); a case without a check may not
 * return at all, because its input is one that must be refused.
 */
import { FoveaError } from '../../errors.js';
import { Generator } from '../../util/random.js';

export interface FuzzCase {
  /** A short description of the input, unique within its category: "png: IHDR 100000x100000". */
  name: string;
  /** Every clean error must contain this (the file path or the option name). */
  names: string;
  /** Runs the input through the library (or the CLI); returns what `check` judges. */
  run(): unknown;
  /**
   * Judges a result: null when correct, else what is wrong ("NaN in the output").
   * Absent: the input must be refused, so any result is a lie.
   */
  check?: (result: unknown) => string | null;
  /** Error classes other than FoveaError that count as clean (the CLI's UsageError). */
  alsoClean?: readonly (new (...a: never[]) => Error)[];
}

/** How a case ended. A clean error and a correct result pass; the rest are failures. */
export type Verdict =
  | { kind: 'error' | 'result' }
  | { kind: 'crash' | 'lie' | 'hang' | 'oom'; detail: string };

/** Words that only a JavaScript internal, never a message of ours, would put in front of a user. */
const INTERNALS = /is not a function|is not iterable|Cannot read propert|Cannot set propert|undefined is not|Invalid typed array length|Invalid array length|Array buffer allocation failed|Maximum call stack|out of memory|got NaN|NaN\/NaN|NaN%|\[object Object\]|unknown format 'undefined'|invalid \w+ undefined/i;

/** The verdict on an error a case threw. */
export function judgeError(c: FuzzCase, e: unknown): Verdict {
  const clean = e instanceof FoveaError || (c.alsoClean ?? []).some((k) => e instanceof k);
  const msg = e instanceof Error ? e.message : String(e);
  if (!clean) return { kind: 'crash', detail: `${e instanceof Error ? e.name : typeof e}: ${msg}`.slice(0, 300) };
  if (!msg.includes(c.names)) return { kind: 'lie', detail: `the message does not name ${c.names}: ${msg}`.slice(0, 300) };
  const internal = INTERNALS.exec(msg);
  if (internal) return { kind: 'lie', detail: `the message leaks an internal ('${internal[0]}'): ${msg}`.slice(0, 300) };
  return { kind: 'error' };
}

/** The verdict on what a case returned. */
export function judgeResult(c: FuzzCase, result: unknown): Verdict {
  if (!c.check) return { kind: 'lie', detail: 'accepted an input that must be refused' };
  const wrong = c.check(result);
  return wrong === null ? { kind: 'result' } : { kind: 'lie', detail: wrong };
}

/** Runs one case and judges it (a hang is judged by the runner, which watches the clock). */
export async function judge(c: FuzzCase): Promise<Verdict> {
  let result: unknown;
  try {
    result = await c.run();
  } catch (e) {
    return judgeError(c, e);
  }
  return judgeResult(c, result);
}

/** A finite-values check for the float outputs a case returns: null, or what is wrong. */
export function finiteCheck(values: ArrayLike<number>, what: string): string | null {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return `${what}: ${values[i]} at index ${i}`;
  return null;
}

/** The seeded random source of a category: the same seed gives the same inputs. */
export class FuzzRandom {
  private readonly g: Generator;
  constructor(seed: number) {
    this.g = new Generator(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return this.g.randint(n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** A copy of `bytes` with 1 to `max` bits flipped at random offsets at or after `from`. */
  flipBits(bytes: Uint8Array, max = 4, from = 0): Uint8Array {
    const out = bytes.slice();
    const n = 1 + this.int(max);
    for (let k = 0; k < n; k++) {
      const at = from + this.int(Math.max(1, out.length - from));
      out[at] = out[at]! ^ (1 << this.int(8));
    }
    return out;
  }
  /** A copy cut to a random length in [0, length). */
  truncate(bytes: Uint8Array): Uint8Array {
    return bytes.slice(0, this.int(bytes.length));
  }
  /** A copy with a run of 1 to 8 bytes overwritten with 0x00, 0xff or random bytes. */
  smash(bytes: Uint8Array, from = 0): Uint8Array {
    const out = bytes.slice();
    const at = from + this.int(Math.max(1, out.length - from));
    const fill = this.int(3);
    for (let k = 0, n = 1 + this.int(8); k < n && at + k < out.length; k++) out[at + k] = fill === 0 ? 0 : fill === 1 ? 0xff : this.int(256);
    return out;
  }
  /** One of the mutations above, chosen at random. */
  mutate(bytes: Uint8Array, from = 0): { bytes: Uint8Array; how: string } {
    const k = this.int(3);
    if (k === 0) return { bytes: this.flipBits(bytes, 4, from), how: 'bit flips' };
    if (k === 1) return { bytes: this.truncate(bytes), how: 'truncated' };
    return { bytes: this.smash(bytes, from), how: 'bytes overwritten' };
  }
}
