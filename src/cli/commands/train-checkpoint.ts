/**
 * `fovea train --checkpoint / --resume`: which command-line options a
 * checkpoint carries, and how a resumed run's command line is merged with
 * them. A resumed run must compute exactly what the interrupted one would
 * have, so the options that decide the result are fixed by the checkpoint;
 * only where files go, the report and the backend may change.
 */
import { resolve } from 'node:path';
import { UsageError } from '../cli-error.js';

/** Options that decide the run's result: taken from the checkpoint, refused when given with another value. */
export const RUN_OPTIONS: readonly string[] = [
  'dataset', 'data', 'model', 'epochs', 'batch-size', 'optimizer', 'lr', 'momentum', 'weight-decay', 'schedule',
  'label-smoothing', 'val-split', 'limit', 'seed', 'size', 'channels', 'split', 'augment', 'skip-unreadable',
];

/** Options that name files: stored absolute, so a resume works from any directory. */
const PATHS = new Set(['data', 'out', 'checkpoint']);

/** Not stored: they are about this invocation only. */
const PER_INVOCATION = new Set(['resume', 'json']);

type Values = Record<string, string | boolean | undefined>;

/**
 * The option values to store in a checkpoint: every option given (paths made
 * absolute) except `--resume` and `--json`.
 * @example checkpointOptions({ epochs: '2', out: 'm.fovea', json: true })  // { epochs: '2', out: '/cwd/m.fovea' }
 */
export function checkpointOptions(v: Values): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || PER_INVOCATION.has(k)) continue;
    out[k] = typeof x === 'string' && PATHS.has(k) ? resolve(x) : x;
  }
  return out;
}

/**
 * The options of a resumed run: the checkpoint's, overridden by the
 * per-invocation ones given now (`--out`, `--checkpoint`, `--backend` ...).
 * A result-deciding option given with a value other than the checkpoint's is
 * a UsageError naming both values.
 * @example resumedOptions(ckpt.options, { resume: 'm.ckpt', json: true }, 'm.ckpt')
 */
export function resumedOptions(stored: Record<string, unknown>, given: Values, file: string): Values {
  const merged: Values = {};
  for (const [k, x] of Object.entries(stored)) if (typeof x === 'string' || typeof x === 'boolean') merged[k] = x;
  for (const [k, x] of Object.entries(given)) {
    if (x === undefined || k === 'resume') continue;
    const now = typeof x === 'string' && PATHS.has(k) ? resolve(x) : x;
    if (RUN_OPTIONS.includes(k) && now !== merged[k]) {
      const was = merged[k] === undefined ? 'the default' : merged[k] === true ? `--${k}` : `--${k} ${String(merged[k])}`;
      const is = x === true ? `--${k}` : `--${k} ${String(x)}`;
      throw new UsageError(`${is} conflicts with the checkpoint ${file}, whose run used ${was}; a resumed run keeps the options it started with (leave ${`--${k}`} out, or start a new run)`);
    }
    merged[k] = now;
  }
  return merged;
}
