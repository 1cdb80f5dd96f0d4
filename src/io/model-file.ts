/**
 * The fovea model file: one self-describing safetensors file. Weights are
 * stored under PyTorch-style names (`features.0.weight`), so Python's
 * `safetensors` reads them; the header's `__metadata__.fovea` holds, as JSON,
 * the architecture, input shape, preprocessing, class names and training
 * metadata, so nothing else is needed to run the model. Platform-free
 * (bytes in, bytes out); see model-file-node.ts for paths.
 */
import type { Module, ModuleSpec } from '../nn/module.js';
import { moduleFromSpec } from '../nn/spec.js';
import { decodeSafetensors, encodeSafetensors, type DecodedTensor, type SafetensorsInput } from './safetensors.js';
import { ModelFileError } from './io-error.js';
import { checkClassNames, checkFiniteWeights, checkInputShape, checkNormalize, checkSpecWeights } from './model-file-checks.js';
import { IMAGE_FITS, type ImageFit } from '../vision/load-image-options.js';

export const MODEL_FORMAT = 'fovea-model';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelMeta {
  /** Input [C, H, W] the model expects. */
  inputShape: [number, number, number];
  /** Per-channel normalisation applied after scaling pixels to [0, 1]. */
  normalize: { mean: number[]; std: number[] };
  classNames: string[];
  /**
   * How a picture is resized to the input's [H, W] (`loadImageFile`'s `fit`):
   * `'fill'` stretches it (the default, also when absent), `'cover'` cuts out
   * the centre first. `predict`, `explain` and the web app use it.
   */
  fit?: ImageFit;
  /** Free-form: dataset, epochs, seed, accuracy, date ... */
  training?: Record<string, unknown>;
}

interface Header extends ModelMeta {
  format: string;
  version: number;
  architecture: ModuleSpec;
}

/** Serialises a model and its metadata to the bytes of a .fovea file. */
export function encodeModel(model: Module, meta: ModelMeta): Uint8Array {
  const { tensors, metadata } = modelParts(model, meta);
  return encodeSafetensors(tensors, metadata);
}

/**
 * The safetensors tensors and `__metadata__` of a model file, for formats
 * that add to them (training checkpoints).
 * @example const { tensors, metadata } = modelParts(model, meta); encodeSafetensors({ ...tensors, ...extra }, { ...metadata, mine: '{}' });
 */
export function modelParts(model: Module, meta: ModelMeta): { tensors: Record<string, SafetensorsInput>; metadata: Record<string, string> } {
  const tensors: Record<string, SafetensorsInput> = {};
  for (const [name, t] of model.stateDict()) tensors[name] = { shape: t.shape, data: t.data };
  const header: Header = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, architecture: model.spec(), ...meta };
  return { tensors, metadata: { fovea: JSON.stringify(header) } };
}

/** Rebuilds a model from .fovea bytes; `source` names the file in errors. */
export function decodeModel(bytes: Uint8Array, source: string): { model: Module; meta: ModelMeta } {
  const { metadata, tensors } = decodeSafetensors(bytes, source);
  if (metadata['fovea-checkpoint'] !== undefined) {
    throw new ModelFileError(source, `is a training checkpoint, not a model file; finish the run with 'fovea train --resume ${source}' to get the model`);
  }
  return modelFromParts(metadata, tensors, source);
}

/**
 * Rebuilds a model from the decoded parts of a model file (see
 * {@link modelParts}); the model is in eval mode. Tensors other than the
 * model's must already be taken out of `tensors`.
 * @throws {ModelFileError} naming `source` when the metadata or weights are invalid.
 * @example const { metadata, tensors } = decodeSafetensors(bytes, file); const { model } = modelFromParts(metadata, tensors, file);
 */
export function modelFromParts(metadata: Record<string, string>, tensors: ReadonlyMap<string, DecodedTensor>, source: string): { model: Module; meta: ModelMeta } {
  const raw = metadata['fovea'];
  if (raw === undefined) {
    throw new ModelFileError(source, 'is a safetensors file but not a fovea model (no "fovea" entry in its __metadata__); to use bare weights, build the model in code and call loadStateDict');
  }
  let header: Header;
  try {
    header = JSON.parse(raw) as Header;
  } catch {
    throw new ModelFileError(source, 'the fovea metadata is not valid JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new ModelFileError(source, `the fovea metadata is JSON ${JSON.stringify(header)}, not an object`);
  }
  if (header.format !== MODEL_FORMAT) throw new ModelFileError(source, `unknown format '${String(header.format)}' (expected '${MODEL_FORMAT}')`);
  if (typeof header.version !== 'number' || header.version > MODEL_FORMAT_VERSION) {
    throw new ModelFileError(source, `model format version ${String(header.version)} is newer than this fovea understands (${MODEL_FORMAT_VERSION}); upgrade fovea`);
  }
  const inputShape = checkInputShape(header.inputShape, source);
  const n = checkNormalize(header.normalize, inputShape[0], source);
  if (header.fit !== undefined && !IMAGE_FITS.includes(header.fit)) {
    throw new ModelFileError(source, `invalid fit ${JSON.stringify(header.fit)} (expected ${IMAGE_FITS.map((f) => `'${f}'`).join(' or ')})`);
  }
  checkFiniteWeights(tensors, source);
  checkSpecWeights(header.architecture, tensors, source);
  let model: Module;
  try {
    model = moduleFromSpec(header.architecture);
  } catch (e) {
    throw new ModelFileError(source, `cannot rebuild the architecture: ${(e as Error).message}`);
  }
  const state = new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
  try {
    model.loadStateDict(state);
  } catch (e) {
    throw new ModelFileError(source, `weights do not match the architecture: ${(e as Error).message}`);
  }
  const classNames = checkClassNames(header.classNames, model, inputShape, source);
  const meta: ModelMeta = { inputShape, normalize: n, classNames };
  if (header.fit !== undefined) meta.fit = header.fit;
  if (header.training) meta.training = header.training;
  model.eval();
  return { model, meta };
}
