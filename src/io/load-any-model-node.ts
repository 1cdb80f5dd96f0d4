/**
 * `loadAnyModel(source)`: the one function every command that takes a model
 * calls (predict, eval, explain, summary, export, serve, import, --backbone).
 * It chooses the format in one place: `nsfwjs:NAME`, a folder holding a
 * TF.js model.json, or a file told apart by its bytes (.fovea, ONNX, TF.js
 * model.json), whatever its name says.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ModelFileError } from './io-error.js';
import { defaultClassNames, fromLoadedOnnx, identityNormalization, loadModelBytes, MODEL_SOURCES, notAModel, sniffModelFormat, type LoadedModel } from './load-any-model.js';
import type { ModelMeta } from './model-file.js';
import { loadOnnxFile } from './onnx/onnx-file-node.js';
import { loadNsfwjsModel, loadTfjsFile } from './tfjs/load-tfjs-node.js';
import { normalizationFromMetadata } from './tfjs/tfjs-metadata.js';

export { type LoadedModel, type ModelFormat } from './load-any-model.js';

/** Options of {@link loadAnyModel}. */
export interface LoadAnyModelOptions {
  /** The input [C, H, W], for ONNX and TF.js models whose input size is not fixed. */
  inputShape?: readonly [number, number, number];
}

/**
 * Loads a model from a `.fovea` file, an ONNX file, a TF.js layers or graph
 * model (model.json or its folder, with a Teachable Machine metadata.json
 * beside it for class names and normalisation) or `nsfwjs:NAME` (a model
 * of the nsfwjs npm package). The format is read from the bytes, not the
 * file name. The model is in eval mode; `meta` holds what prediction needs,
 * with defaults (class names '0'..'N-1', mean 0 / std 1, fit 'fill') where
 * the source stores none (`stored` says which).
 *
 * Shape: the model maps `[N, ...meta.inputShape]` to `[N, classes]` logits.
 * @throws {ModelFileError} (or the format's own error) naming the source and what is wrong with it.
 * @example
 * const { model, meta, format } = loadAnyModel('flowers.onnx');
 * const probs = softmax(model.forward(x), 1);   // meta.classNames[i] is class i
 */
export function loadAnyModel(source: string, options: LoadAnyModelOptions = {}): LoadedModel {
  if (source.startsWith('nsfwjs:')) {
    const m = loadNsfwjsModel(source.slice('nsfwjs:'.length));
    const meta: ModelMeta = { inputShape: m.inputShape, normalize: m.normalize, classNames: m.classNames };
    return {
      model: m.model, meta, format: 'nsfwjs', source, stored: { classNames: true, normalize: true, fit: false }, removedSoftmax: m.removedSoftmax,
      origin: { importedFrom: source, format: tfjsFormat(m.format), package: `nsfwjs@${m.version}`, removedSoftmax: m.removedSoftmax },
    };
  }
  if (!existsSync(source)) throw new ModelFileError(source, `no such file or folder; expected ${MODEL_SOURCES}`);
  const st = statSync(source);
  if (st.isDirectory()) {
    if (!existsSync(join(source, 'model.json'))) throw new ModelFileError(source, `is a folder without a model.json; expected ${MODEL_SOURCES}`);
    return fromTfjs(source, options);
  }
  checkReadable(source, st);
  const sniffed = sniffModelFormat(head(source), st.size);
  if (sniffed === 'json') return fromTfjs(source, options);
  if (sniffed === 'onnx') return fromLoadedOnnx(loadOnnxFile(source, options.inputShape ? { inputShape: options.inputShape } : {}), source);
  if (sniffed === 'fovea') return loadModelBytes(readFileSync(source), source);
  throw notAModel(source, sniffed, head(source));
}

/** The largest model file read: 2 GiB (also the most a Node Buffer and one safetensors read can hold). */
export const MAX_MODEL_FILE_BYTES = 2 ** 31;

/**
 * Refuses, before a byte is read, what would be read without end or into
 * gigabytes: a device (`/dev/zero`, `/dev/stdin`), a FIFO or socket, or a
 * file over {@link MAX_MODEL_FILE_BYTES}.
 */
function checkReadable(source: string, st: Stats): void {
  if (!st.isFile()) {
    const kind = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'not a regular file';
    throw new ModelFileError(source, `is ${kind}, not a regular file; expected ${MODEL_SOURCES}`);
  }
  if (st.size > MAX_MODEL_FILE_BYTES) {
    throw new ModelFileError(source, `is ${st.size} bytes, more than the ${MAX_MODEL_FILE_BYTES}-byte (2 GiB) limit on model files; is it really a model?`);
  }
}

/** The first bytes of a file: enough to tell its format. */
function head(path: string): Uint8Array {
  const bytes = new Uint8Array(64);
  const fd = openSync(path, 'r');
  try {
    return bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, 0));
  } finally {
    closeSync(fd);
  }
}

const tfjsFormat = (f: 'layers-model' | 'graph-model'): 'tfjs-layers' | 'tfjs-graph' => (f === 'graph-model' ? 'tfjs-graph' : 'tfjs-layers');

function fromTfjs(source: string, options: LoadAnyModelOptions): LoadedModel {
  const m = loadTfjsFile(source, options.inputShape ? { inputShape: options.inputShape } : {});
  const own = normalizationFromMetadata(m.metadata, m.inputShape[0]);
  const labels = m.metadata?.labels ?? null;
  const meta: ModelMeta = {
    inputShape: m.inputShape,
    normalize: own ?? identityNormalization(m.inputShape[0]),
    classNames: labels ?? defaultClassNames(m.model, m.inputShape),
  };
  const format = tfjsFormat(m.format);
  return {
    model: m.model, meta, format, source, stored: { classNames: labels !== null, normalize: own !== null, fit: false }, removedSoftmax: m.removedSoftmax,
    origin: { importedFrom: source, format, kerasVersion: m.kerasVersion, removedSoftmax: m.removedSoftmax },
  };
}
