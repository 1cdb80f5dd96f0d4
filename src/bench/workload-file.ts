/**
 * The benchmark harness's workloads.json, read and checked: a missing file, a
 * file that is not JSON, or fields of the wrong type or range are refused
 * with a message naming the file and the field, before anything is built.
 */
import { readFileSync } from 'node:fs';
import { ModelFileError } from '../io/io-error.js';
import type { WorkloadLayer } from '../nn/models.js';
import type { WorkloadFile } from './run-bench.js';

const LAYER_TYPES: readonly WorkloadLayer['type'][] = ['conv2d', 'relu', 'maxpool', 'flatten', 'linear'];
/** Sizes above this are not a benchmark but a typo (or an attack): refused before a weight is allocated. */
const MAX_DIM = 65_536;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, max = MAX_DIM): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

/**
 * Reads and checks a workloads file.
 * @throws {ModelFileError} naming the file and the field at fault.
 * @example
 * const spec = readWorkloadFile('bench/workloads.json');
 * Object.keys(spec.workloads); // ['lenet', 'convnet', 'cifar']
 */
export function readWorkloadFile(file: string): WorkloadFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelFileError(file, `cannot read the workloads file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(file, `not a JSON workloads file: ${(e as Error).message}`);
  }
  return checkWorkloadFile(json, file);
}

/** Checks parsed workloads JSON (see {@link readWorkloadFile}). */
export function checkWorkloadFile(json: unknown, file: string): WorkloadFile {
  const fail = (field: string, want: string, got: unknown): never => {
    throw new ModelFileError(file, `${field}: expected ${want}, ${got === undefined ? 'but it is missing' : `got ${JSON.stringify(got).slice(0, 80)}`}`);
  };
  if (!isObject(json)) return fail('the file', 'an object with "settings" and "workloads"', json);
  const s = json['settings'];
  if (!isObject(s)) return fail('settings', 'an object', s);
  for (const k of ['train_batch', 'infer_batch', 'latency_batch'] as const) if (!isCount(s[k], 4096)) fail(`settings.${k}`, 'an integer from 1 to 4096', s[k]);
  for (const k of ['lr', 'momentum'] as const) if (typeof s[k] !== 'number' || !Number.isFinite(s[k]) || s[k] < 0) fail(`settings.${k}`, 'a finite number >= 0', s[k]);
  const sanity = s['sanity'];
  if (!isObject(sanity)) return fail('settings.sanity', 'an object', sanity);
  if (typeof sanity['workload'] !== 'string') fail('settings.sanity.workload', 'a workload name', sanity['workload']);
  for (const k of ['batch', 'steps'] as const) if (!isCount(sanity[k], 100_000)) fail(`settings.sanity.${k}`, 'an integer from 1 to 100000', sanity[k]);
  const w = json['workloads'];
  if (!isObject(w) || Object.keys(w).length === 0) return fail('workloads', 'an object of named workloads', w);
  for (const [name, wl] of Object.entries(w)) {
    const at = `workloads.${name}`;
    if (!isObject(wl)) return fail(at, 'an object', wl);
    const input = wl['input'];
    if (!Array.isArray(input) || input.length !== 3 || !input.every((d) => isCount(d, 4096))) fail(`${at}.input`, '[C, H, W], each an integer from 1 to 4096', input);
    if (!isCount(wl['classes'])) fail(`${at}.classes`, `an integer from 1 to ${MAX_DIM}`, wl['classes']);
    const layers = wl['layers'];
    if (!Array.isArray(layers) || layers.length === 0) return fail(`${at}.layers`, 'a non-empty array', layers);
    layers.forEach((l: unknown, i) => {
      const li = `${at}.layers[${i}]`;
      if (!isObject(l)) return fail(li, 'an object', l);
      if (!LAYER_TYPES.includes(l['type'] as WorkloadLayer['type'])) fail(`${li}.type`, LAYER_TYPES.join(', '), l['type']);
      const needs = l['type'] === 'conv2d' ? ['in', 'out', 'kernel'] : l['type'] === 'linear' ? ['in', 'out'] : [];
      for (const k of needs) if (!isCount(l[k])) fail(`${li}.${k}`, `an integer from 1 to ${MAX_DIM}`, l[k]);
      for (const k of ['pad', 'size']) if (l[k] !== undefined && !(Number.isInteger(l[k]) && (l[k] as number) >= 0 && (l[k] as number) <= 4096)) fail(`${li}.${k}`, 'an integer from 0 to 4096', l[k]);
    });
  }
  return json as unknown as WorkloadFile;
}
