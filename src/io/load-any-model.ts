/**
 * One way in for every model format a single file can hold: a `.fovea` file
 * (safetensors) or an ONNX file, told apart by their bytes, never by the
 * file name. Gives the model and the {@link ModelMeta} that prediction needs
 * (input size, normalisation, class names, fit), with defaults where a
 * format carries none. Platform-free; `loadAnyModel` (Node) adds TF.js
 * folders and `nsfwjs:NAME` on top.
 */
import type { Module } from '../nn/module.js';
import { readImageHeader } from '../vision/image-header.js';
import { ModelFileError } from './io-error.js';
import { decodeModel, type ModelMeta } from './model-file.js';
import { loadOnnx, type LoadedOnnx } from './onnx/load-onnx.js';

/** Where a loaded model came from. */
export type ModelFormat = 'fovea' | 'onnx' | 'tfjs-layers' | 'tfjs-graph' | 'nsfwjs';

/** What {@link loadModelBytes} and `loadAnyModel` give: a model in eval mode and what prediction needs. */
export interface LoadedModel {
  model: Module;
  meta: ModelMeta;
  format: ModelFormat;
  /** The file, folder or `nsfwjs:NAME` it came from. */
  source: string;
  /**
   * The meta fields the source itself stored (the rest are defaults:
   * class names '0'..'N-1', mean 0 / std 1, fit 'fill'). A `.fovea` file
   * stores all of them.
   */
  stored: { classNames: boolean; normalize: boolean; fit: boolean };
  /** True when a final softmax was dropped on import (fovea models output logits). */
  removedSoftmax: boolean;
  /** What the source says about itself, for a model file's `training` record (opset, package, Keras version ...). */
  origin: Record<string, unknown>;
}

/** What the bytes of a file are, by their first bytes. */
export type SniffedFormat = 'fovea' | 'onnx' | 'json' | { image: string } | { other: string } | null;

/** Words for the formats a model may come in, for messages. */
export const MODEL_SOURCES = 'a .fovea file, an ONNX file, a TF.js model (model.json or its folder) or nsfwjs:NAME';

/**
 * Tells a model file's format from its first bytes: safetensors (`.fovea`)
 * starts with a little-endian u64 header length followed by `{`; an ONNX
 * ModelProto starts with field 1 (`ir_version`, tag 0x08) or another
 * ModelProto field; a TF.js model.json with `{`. Images and archives are
 * named so that the message can say what the file is instead. `bytes` may
 * be the file's first bytes only (64 are enough) when `fileSize` is given.
 * @example sniffModelFormat(readFileSync('lenet.onnx')) // 'onnx'
 */
export function sniffModelFormat(bytes: Uint8Array, fileSize = bytes.length): SniffedFormat {
  if (bytes.length >= 9) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getBigUint64(0, true);
    // A header length past the end still means safetensors when '{' follows: the decoder then reports the truncation.
    if (headerLength > 0n && (headerLength <= BigInt(fileSize - 8) || headerLength < 2n ** 31n) && bytes[8] === 0x7b) return 'fovea';
  }
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  if (bytes[i] === 0x7b) return 'json';
  const image = readImageHeader(bytes);
  if (image) return { image: image.format.toUpperCase() };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { other: 'a ZIP archive (a PyTorch .pt/.pth file or a Keras .keras file is one: export the model to ONNX first)' };
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return { other: 'a gzip file (unpack it first)' };
  if (bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5) return { other: 'a Python pickle (a PyTorch checkpoint: export the model to ONNX first)' };
  if (bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return { other: 'an HDF5 file (a Keras .h5 model: convert it with tensorflowjs_converter or export to ONNX first)' };
  // ModelProto fields 1..8 and 14 (ir_version, opset_import, producer_*, domain, model_version, doc_string, graph, metadata_props).
  const tag = bytes[0] ?? 0;
  if ([0x08, 0x12, 0x1a, 0x22, 0x2a, 0x30, 0x3a, 0x42, 0x72].includes(tag)) return 'onnx';
  return bytes.length === 0 ? { other: 'an empty file' } : null;
}

/**
 * Loads a `.fovea` or ONNX model from its bytes, whichever it is; `source`
 * names it in errors. ONNX models get class names '0'..'N-1', mean 0 and
 * std 1 (pixels in [0, 1]) and fit 'fill' unless their metadata says
 * otherwise.
 *
 * Shape: the model maps `[N, ...meta.inputShape]` to `[N, classes]` logits.
 * @throws {ModelFileError} naming `source` and what the bytes are when they are neither.
 * @example
 * const { model, meta, format } = loadModelBytes(new Uint8Array(await file.arrayBuffer()), file.name);
 */
export function loadModelBytes(bytes: Uint8Array, source: string, options: { inputShape?: readonly [number, number, number] } = {}): LoadedModel {
  const sniffed = sniffModelFormat(bytes);
  if (sniffed === 'fovea') {
    const { model, meta } = decodeModel(bytes, source);
    return { model, meta, format: 'fovea', source, stored: { classNames: true, normalize: true, fit: meta.fit !== undefined }, removedSoftmax: false, origin: {} };
  }
  if (sniffed === 'onnx') return fromLoadedOnnx(loadOnnx(bytes, source, options), source);
  throw notAModel(source, sniffed, bytes);
}

/** The error for bytes that are no model fovea reads, saying what they are. */
export function notAModel(source: string, sniffed: SniffedFormat, bytes: Uint8Array): ModelFileError {
  if (sniffed === 'json') return new ModelFileError(source, 'is JSON: a TF.js model.json needs its weight shards; load its folder (fovea/node: loadAnyModel(folder)) or call loadTfjs(json, shards)');
  if (sniffed !== null && typeof sniffed === 'object' && 'image' in sniffed) return new ModelFileError(source, `is a ${sniffed.image} image, not a model; expected ${MODEL_SOURCES} (did you swap MODEL and IMAGE?)`);
  if (sniffed !== null && typeof sniffed === 'object') return new ModelFileError(source, `is ${sniffed.other}, not a model fovea reads; expected ${MODEL_SOURCES}`);
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new ModelFileError(source, `is not a model fovea reads (it starts with bytes ${head}); expected ${MODEL_SOURCES}`);
}

/** Class names '0'..'N-1' for a model with `n` outputs. */
export function numberedClasses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

/** Mean 0, std 1: pixels in [0, 1]. */
export function identityNormalization(channels: number): { mean: number[]; std: number[] } {
  return { mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

/**
 * Class names '0'..'N-1' for a model whose output is `[N, classes]`; none for
 * other outputs (a feature extractor, a decoder), which commands that need
 * classes refuse with {@link checkClassifier}.
 */
export function defaultClassNames(model: Module, inputShape: readonly [number, number, number]): string[] {
  const out = model.outputShape([1, ...inputShape]);
  return out.length === 2 ? numberedClasses(out[1]!) : [];
}

/** Refuses a model that does not output `[N, classes]` with as many classes as it names. */
export function checkClassifier(loaded: Pick<LoadedModel, 'model' | 'meta' | 'source'>, command: string): void {
  const out = loaded.model.outputShape([1, ...loaded.meta.inputShape]);
  if (out.length !== 2) throw new ModelFileError(loaded.source, `outputs shape [N, ${out.slice(1).join(', ')}]; ${command} needs a classifier, which outputs [N, classes]`);
  if (out[1] !== loaded.meta.classNames.length) throw new ModelFileError(loaded.source, `names ${loaded.meta.classNames.length} classes but outputs ${out[1]} values`);
}

/** A {@link LoadedModel} from what `loadOnnx` / `loadOnnxFile` gave, with the metadata `fovea export` writes. */
export function fromLoadedOnnx(loaded: LoadedOnnx, source: string): LoadedModel {
  const { model, inputShape, meta: own } = loaded;
  const meta: ModelMeta = {
    inputShape,
    normalize: own.normalize ?? identityNormalization(inputShape[0]),
    classNames: own.classNames ?? defaultClassNames(model, inputShape),
    ...(own.fit !== undefined ? { fit: own.fit } : {}),
    ...(own.training !== undefined ? { training: own.training } : {}),
  };
  return {
    model, meta, format: 'onnx', source,
    stored: { classNames: own.classNames !== undefined, normalize: own.normalize !== undefined, fit: own.fit !== undefined },
    removedSoftmax: false,
    origin: { importedFrom: source, format: 'onnx', opset: loaded.opset },
  };
}
