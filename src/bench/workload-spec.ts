/**
 * The benchmark harness's workloads.json (../shared/bench/workloads.json):
 * its types, its check, and the FLOPs of a workload. Platform-free, so the
 * browser benchmark page checks the same file the same way as `fovea bench`
 * (which reads it from disk with readWorkloadFile, src/bench/workload-file.ts).
 */
import { ModelFileError } from '../io/io-error.js';
import type { WorkloadLayer } from '../nn/models.js';

/** One fixed workload: input [C, H, W], class count, and the layers `fromWorkload` builds. */
export interface Workload {
  input: [number, number, number];
  classes: number;
  layers: WorkloadLayer[];
}

/** The whole file: shared settings (batches, SGD's lr and momentum, the sanity check) and the named workloads. */
export interface WorkloadFile {
  settings: { train_batch: number; infer_batch: number; latency_batch: number; lr: number; momentum: number;
    sanity: { workload: string; batch: number; steps: number; pass_if_final_below_fraction_of_initial: number } };
  workloads: Record<string, Workload>;
}

const LAYER_TYPES: readonly WorkloadLayer['type'][] = ['conv2d', 'relu', 'maxpool', 'flatten', 'linear'];
/** Sizes above this are not a benchmark but a typo (or an attack): refused before a weight is allocated. */
const MAX_DIM = 65_536;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, max = MAX_DIM): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

/**
 * Checks parsed workloads JSON: fields of the wrong type or range are refused
 * with a message naming `file` and the field, before anything is built.
 * @throws {ModelFileError} naming the file and the field at fault.
 * @example
 * const spec = checkWorkloadFile(JSON.parse(text), 'workloads.json');
 * Object.keys(spec.workloads); // ['lenet', 'convnet', 'cifar']
 */
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

/**
 * Forward FLOPs per image of a workload: 2 x multiply-adds of its conv and
 * linear layers (the harness's count; bias, ReLU and pooling not counted).
 *
 * Shape: input [C, H, W]; conv2d (stride 1) gives H + 2 pad - kernel + 1,
 * maxpool size s gives floor(H / s).
 * @example
 * forwardFlops(spec.workloads['convnet']!); // 22190080 (22.19 M)
 */
export function forwardFlops(w: Workload): number {
  let [h, wd] = [w.input[1], w.input[2]];
  let flops = 0;
  for (const l of w.layers) {
    if (l.type === 'conv2d') {
      const ho = h + 2 * (l.pad ?? 0) - l.kernel! + 1;
      const wo = wd + 2 * (l.pad ?? 0) - l.kernel! + 1;
      flops += 2 * l.out! * ho * wo * l.in! * l.kernel! * l.kernel!;
      [h, wd] = [ho, wo];
    } else if (l.type === 'maxpool') {
      h = Math.floor(h / (l.size ?? 2));
      wd = Math.floor(wd / (l.size ?? 2));
    } else if (l.type === 'linear') flops += 2 * l.in! * l.out!;
  }
  return flops;
}
