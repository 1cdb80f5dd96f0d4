/**
 * Checks on a model file's contents that run before (or right after) the
 * architecture is built, so a corrupt or hostile file fails with a message
 * naming the field at fault instead of a stack trace, NaN predictions or a
 * gigabyte allocation. Platform-free; used by model-file.ts.
 */
import type { Module, ModuleSpec } from '../nn/module.js';
import { MAX_SPEC_DEPTH } from '../nn/spec.js';
import type { DecodedTensor } from './safetensors.js';
import { ModelFileError } from './io-error.js';
import { noGrad } from '../tensor/grad-mode.js';
import { zeros } from '../tensor/ops/creation.js';

/** The largest input height/width/channels a model file may declare. */
export const MAX_INPUT_DIM = 65536;
/** The largest number of values (C·H·W) one input may have: 2^28, a 1 GiB float32 image. */
export const MAX_INPUT_VALUES = 2 ** 28;

/**
 * `inputShape` must be [C, H, W] of positive integers, each ≤ 65536 and
 * with at most 2^28 values in all: one image is allocated from it before the
 * model runs.
 */
export function checkInputShape(shape: unknown, source: string): [number, number, number] {
  const ok = Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok) throw new ModelFileError(source, `invalid inputShape ${JSON.stringify(shape)} (expected [C, H, W] of positive integers)`);
  const dims = shape as [number, number, number];
  if (dims.some((d) => d > MAX_INPUT_DIM)) {
    throw new ModelFileError(source, `invalid inputShape ${JSON.stringify(dims)}: each dimension must be at most ${MAX_INPUT_DIM}`);
  }
  const total = dims[0] * dims[1] * dims[2];
  if (total > MAX_INPUT_VALUES) {
    throw new ModelFileError(source, `invalid inputShape ${JSON.stringify(dims)}: ${total} values per image, more than the limit of ${MAX_INPUT_VALUES} (2^28)`);
  }
  return dims;
}

/** `normalize` must be `{ mean, std }` with one finite mean and one finite std > 0 per channel. */
export function checkNormalize(n: unknown, channels: number, source: string): { mean: number[]; std: number[] } {
  const bad = (why: string): never => {
    throw new ModelFileError(source, n === undefined ? `normalize is missing: ${why}` : `invalid normalize ${JSON.stringify(n)}: ${why}`);
  };
  if (n === null || typeof n !== 'object' || Array.isArray(n)) return bad(`expected an object { mean, std } with ${channels} numbers each`);
  const { mean, std } = n as Record<string, unknown>;
  for (const [key, v] of [['mean', mean], ['std', std]] as const) {
    if (!Array.isArray(v) || v.length !== channels) return bad(`${key} needs ${channels} number${channels === 1 ? '' : 's'} (one per input channel)`);
    const i = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (i >= 0) return bad(`${key}[${i}] is ${JSON.stringify(v[i]) ?? String(v[i])}, not a finite number`);
  }
  const zero = (std as number[]).findIndex((s) => !(s > 0));
  if (zero >= 0) bad(`std[${zero}] is ${(std as number[])[zero]}; every std must be > 0 (pixels are divided by it)`);
  return { mean: [...(mean as number[])], std: [...(std as number[])] };
}

/** Every weight must be finite: a NaN or ±Inf weight makes every prediction NaN. */
export function checkFiniteWeights(tensors: ReadonlyMap<string, DecodedTensor>, source: string): void {
  for (const [name, t] of tensors) {
    let nan = 0;
    let inf = 0;
    for (const v of t.data) {
      if (Number.isNaN(v)) nan++;
      else if (v === Infinity || v === -Infinity) inf++;
    }
    if (nan + inf > 0) {
      const what = [nan ? `${nan} NaN` : '', inf ? `${inf} infinite` : ''].filter(Boolean).join(' and ');
      throw new ModelFileError(source, `tensor ${JSON.stringify(name)} holds ${what} value${nan + inf === 1 ? '' : 's'} (of ${t.data.length}); the weights are corrupt or training diverged`);
    }
  }
}

/** The class names must be strings, one per output of a classifier (output [N, classes]). */
export function checkClassNames(names: unknown, model: Module, inputShape: readonly number[], source: string): string[] {
  if (!Array.isArray(names) || names.some((s) => typeof s !== 'string')) {
    throw new ModelFileError(source, 'invalid classNames (expected an array of strings)');
  }
  let out: number[];
  try {
    out = model.outputShape([1, ...inputShape]);
  } catch {
    // Some modules' outputShape is stricter than their forward (a head that flattens inside forward): a forward
    // on zeros decides. An architecture that cannot run on its own input shape is refused here, naming the file,
    // rather than at the first prediction.
    const training = model.training;
    try {
      out = noGrad(() => model.eval().forward(zeros([1, ...inputShape]))).shape.slice();
    } catch (e) {
      throw new ModelFileError(source, `the architecture does not run on its input shape [${inputShape.join(', ')}]: ${(e as Error).message}`);
    } finally {
      model.train(training);
    }
  }
  // Only a classifier's output, [N, classes], names its outputs; an image-to-image model's does not.
  const outputs = out[1];
  if (out.length === 2 && outputs !== undefined && names.length !== outputs) {
    throw new ModelFileError(source, `${names.length} class name${names.length === 1 ? '' : 's'} but the model has ${outputs} outputs (output shape [${out.join(', ')}] for one image)`);
  }
  return names as string[];
}

/**
 * Compares the weight shapes the big layers of `spec` (Linear, Conv2d,
 * ConvTranspose2d) will allocate with the tensors stored in the file, before
 * any layer is built: a small file declaring Linear(20000, 20000) would
 * otherwise allocate 1.6 GB before the mismatch is found. Other layers are
 * checked by `loadStateDict` after building.
 */
export function checkSpecWeights(spec: unknown, tensors: ReadonlyMap<string, DecodedTensor>, source: string, path = '', depth = 0): void {
  if (spec === null || typeof spec !== 'object') return;
  if (depth > MAX_SPEC_DEPTH) throw new ModelFileError(source, `the architecture is nested more than ${MAX_SPEC_DEPTH} levels deep (at '${path}')`);
  const { type, args, children } = spec as ModuleSpec;
  const expected = weightShape(type, args ?? {});
  if (expected !== undefined) {
    const name = path ? `${path}.weight` : 'weight';
    const stored = tensors.get(name);
    const want = `[${expected.join(', ')}]`;
    if (stored === undefined) {
      throw new ModelFileError(source, `weights do not match the architecture: ${type} at '${path || '<root>'}' needs ${JSON.stringify(name)} ${want}, which the file does not hold`);
    }
    if (stored.shape.length !== expected.length || stored.shape.some((d, i) => d !== expected[i])) {
      throw new ModelFileError(source, `weights do not match the architecture: ${type} at '${path || '<root>'}' needs ${JSON.stringify(name)} ${want}, the file holds [${stored.shape.join(', ')}]`);
    }
  }
  if (!Array.isArray(children)) return;
  for (const child of children) {
    if (Array.isArray(child) && typeof child[0] === 'string') checkSpecWeights(child[1], tensors, source, path ? `${path}.${child[0]}` : child[0], depth + 1);
  }
}

/** The weight shape a layer's constructor allocates, or undefined when unknown or the args are not plain numbers (the constructor reports those). */
function weightShape(type: string, args: Record<string, unknown>): number[] | undefined {
  const int = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  if (type === 'Linear') {
    const { inFeatures, outFeatures } = args;
    return int(inFeatures) && int(outFeatures) ? [outFeatures, inFeatures] : undefined;
  }
  if (type !== 'Conv2d' && type !== 'ConvTranspose2d') return undefined;
  const { inChannels, outChannels, kernelSize } = args;
  const groups = (args['options'] as { groups?: unknown } | undefined)?.groups ?? 1;
  const k: unknown = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  if (!int(inChannels) || !int(outChannels) || !int(groups) || !Array.isArray(k) || k.length !== 2) return undefined;
  const [kh, kw] = k as unknown[];
  if (!int(kh) || !int(kw)) return undefined;
  if (inChannels % groups !== 0 || outChannels % groups !== 0) return undefined;
  // Conv2d: [out, in/groups, kH, kW]; ConvTranspose2d (as PyTorch): [in, out/groups, kH, kW].
  return type === 'Conv2d' ? [outChannels, inChannels / groups, kh, kw] : [inChannels, outChannels / groups, kh, kw];
}
