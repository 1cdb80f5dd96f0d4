/**
 * A model from the files a user picked (a browser's file input or drop, or
 * any set of named byte arrays): one `.fovea` or ONNX file, or a TF.js
 * `model.json` with the weight shards its manifest names (and Teachable
 * Machine's `metadata.json`, when given). Platform-free: the browser's twin
 * of Node's `loadAnyModel`, which reads a TF.js model's shards from its folder.
 */
import { ModelFileError } from './io-error.js';
import { defaultClassNames, identityNormalization, loadModelBytes, sniffModelFormat, type LoadedModel } from './load-any-model.js';
import type { ModelMeta } from './model-file.js';
import { loadTfjs } from './tfjs/load-tfjs.js';
import { TfjsError } from './tfjs/tfjs-error.js';
import { normalizationFromMetadata, parseTfjsMetadata, type TfjsMetadata } from './tfjs/tfjs-metadata.js';
import { parseWeightsManifest } from './tfjs/tfjs-weights.js';

/** One picked file: its name (a path's last part is what counts) and its bytes. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/**
 * Loads a model from picked files: a single `.fovea`/ONNX file (told apart by
 * its bytes), or a TF.js `model.json` together with every weight shard its
 * manifest lists (matched by file name) and, optionally, `metadata.json`
 * (Teachable Machine's class labels and normalisation). `source` names the
 * model in errors (default: the model file's name).
 *
 * Shape: the model maps `[N, ...meta.inputShape]` to its output (`[N, classes]` logits for a classifier).
 * @throws {ModelFileError} naming the file when no model is among the files, a shard is missing or the bytes are no model.
 * @example
 * const files = await Promise.all([...input.files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
 * const { model, meta } = loadModelFiles(files);
 */
export function loadModelFiles(files: readonly NamedBytes[], source?: string): LoadedModel {
  if (!files.length) throw new ModelFileError(source ?? 'the picked files', 'no file given; pick a .fovea or .onnx file, or a TF.js model.json with its .bin weight files');
  const json = files.filter((f) => sniffModelFormat(f.bytes.subarray(0, 64), f.bytes.length) === 'json');
  const models = files.filter((f) => !json.includes(f) && !/\.bin$/i.test(f.name));
  if (!json.length) {
    if (models.length !== 1 && files.length !== 1) {
      throw new ModelFileError(source ?? files.map((f) => baseName(f.name)).join(', '), `${files.length} files but no TF.js model.json among them; pick one .fovea or .onnx file, or a model.json with its weight files`);
    }
    const one = models[0] ?? files[0]!;
    return loadModelBytes(one.bytes, source ?? baseName(one.name));
  }
  const parsed = json.map((f) => ({ f, value: parseJson(f) }));
  const model = parsed.find((p) => isObject(p.value) && 'modelTopology' in p.value);
  if (!model) throw new TfjsError(source ?? json.map((p) => baseName(p.name)).join(', '), 'none of the JSON files is a TF.js model.json (it has no modelTopology)');
  const metaFile = parsed.find((p) => p !== model && isObject(p.value) && ('labels' in p.value || 'tfjsVersion' in p.value));
  return fromTfjsFiles(model.f, model.value, files, metaFile ? parseTfjsMetadata(metaFile.value) : null, source ?? baseName(model.f.name));
}

function fromTfjsFiles(file: NamedBytes, json: unknown, files: readonly NamedBytes[], metadata: TfjsMetadata | null, source: string): LoadedModel {
  const fail = (problem: string): never => {
    throw new TfjsError(source, problem);
  };
  const manifest = parseWeightsManifest((json as Record<string, unknown>)['weightsManifest'], fail);
  const byName = new Map(files.map((f) => [baseName(f.name), f.bytes]));
  const shards = manifest.groups.flatMap((g, gi) => {
    const parts = g.paths.map((p) => byName.get(baseName(p)) ?? fail(`weight shard '${p}' was not given; pick it together with ${baseName(file.name)} (all the files of the model's folder)`));
    const size = parts.reduce((n, b) => n + b.length, 0);
    if (size !== g.byteLength) fail(`weight group ${gi + 1} (${g.paths.join(', ')}) holds ${size} bytes but its weights take ${g.byteLength}${size < g.byteLength ? ' (a truncated shard?)' : ''}`);
    return parts;
  });
  const m = loadTfjs(json, shards, { source });
  const format = m.format === 'graph-model' ? 'tfjs-graph' : 'tfjs-layers';
  const own = normalizationFromMetadata(metadata, m.inputShape[0]);
  const labels = metadata?.labels ?? null;
  const meta: ModelMeta = {
    inputShape: m.inputShape,
    normalize: own ?? identityNormalization(m.inputShape[0]),
    classNames: labels ?? defaultClassNames(m.model, m.inputShape),
  };
  return {
    model: m.model, meta, format, source, stored: { classNames: labels !== null, normalize: own !== null, fit: false }, removedSoftmax: m.removedSoftmax,
    origin: { importedFrom: source, format, kerasVersion: m.kerasVersion, removedSoftmax: m.removedSoftmax },
  };
}

function parseJson(f: NamedBytes): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(f.bytes));
  } catch (e) {
    throw new TfjsError(baseName(f.name), `is not valid JSON: ${(e as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
