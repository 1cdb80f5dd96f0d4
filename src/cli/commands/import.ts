/**
 * `fovea import MODEL -o MODEL.fovea`: an ONNX CNN (e.g. exported from
 * PyTorch), a TensorFlow.js layers model (model.json + weight shards, as
 * Teachable Machine exports) or a model shipped in the nsfwjs npm package, as
 * a fovea model file with the class names and normalisation that `predict`,
 * `explain` and `eval` need.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { saveModel } from '../../io/model-file-node.js';
import { loadAnyModel } from '../../io/load-any-model-node.js';
import type { ModelMeta } from '../../io/model-file.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { IMAGENET, jsonFlag, printJson } from '../options.js';

export const importFlags = {
  out: flag.string({ arg: 'FILE', short: 'o', help: 'the .fovea file to write (default: MODEL.fovea)' }),
  'input-shape': flag.list('int', { arg: 'C,H,W', length: 3, min: 1, expects: 'C,H,W (3 integers >= 1)', help: "the input size, when the model's dims are dynamic" }),
  classes: flag.string({ arg: 'FILE|N', help: `class names: a file with one name per line (or a JSON
array), or a count N for names 0..N-1 (default: from
the model's metadata, else one per model output)` }),
  mean: flag.list('number', { arg: 'M1,M2,..', named: { imagenet: IMAGENET.mean }, help: `per-channel mean applied after scaling pixels to [0, 1]
(default 0, or the model's; 'imagenet' for 0.485,0.456,0.406)` }),
  std: flag.list('number', { arg: 'S1,S2,..', above: 0, named: { imagenet: IMAGENET.std }, help: "per-channel std (default 1, or the model's; 'imagenet' for 0.229,0.224,0.225)" }),
  json: jsonFlag(),
};

export const importHelp = helpPage({
  usage: 'fovea import MODEL -o MODEL.fovea [options]',
  flags: importFlags,
  about: `Converts an image classifier to a fovea model file. Weights stay trainable:
fine-tune the result. MODEL is one of

  MODEL.onnx            an ONNX model (the CNN operator subset: Conv, Gemm,
                        MatMul, pooling, BatchNormalization, activations, Add,
                        Concat, Pad, Reshape, ...); class names,
                        normalisation and fit come from its metadata_props
                        when present (as fovea export writes them)
  model.json | FOLDER   a TensorFlow.js layers model (tf.layers / Keras, e.g. a
                        Teachable Machine export) or graph model (a converted
                        SavedModel / TF Hub module) with its weight shards; class
                        names and normalisation come from a Teachable Machine
                        metadata.json beside it
  nsfwjs:NAME           a model of the nsfwjs npm package (mobilenet_v2,
                        mobilenet_v2_mid, inception_v3), with its class names
                        and normalisation

A final softmax of a TF.js model is dropped (fovea models output logits;
predict applies the softmax), so probabilities stay the same.`,
});

function perChannel(v: number[] | undefined, name: 'mean' | 'std', channels: number, fallback: number): number[] {
  if (v === undefined) return new Array<number>(channels).fill(fallback);
  if (v.length === 1) return new Array<number>(channels).fill(v[0]!);
  if (v.length !== channels) throw new UsageError(`--${name}: the model has ${channels} input channel(s), got ${v.length} values`);
  return v;
}

function classNames(s: string | undefined, outputs: number): string[] {
  if (s === undefined) return Array.from({ length: outputs }, (_, i) => String(i));
  if (/^\d+$/.test(s) && !existsSync(s)) {
    // the count is checked before anything is allocated: --classes 4294967296 is a typo, not 4 G names
    if (Number(s) !== outputs) throw new UsageError(`--classes: ${s} names for a model with ${outputs} outputs`);
    return Array.from({ length: outputs }, (_, i) => String(i));
  }
  if (!existsSync(s)) throw new UsageError(`--classes: no such file '${s}' (give a file or a count)`);
  if (!statSync(s).isFile()) throw new UsageError(`--classes: '${s}' is not a regular file`);
  const text = readFileSync(s, 'utf8');
  const head = text.trimStart()[0];
  let names: string[];
  if (head === '[' || head === '{') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`--classes: ${s} is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(json) || !json.every((n) => typeof n === 'string' || typeof n === 'number')) {
      throw new UsageError(`--classes: ${s} must hold a JSON array of class names (strings), got ${Array.isArray(json) ? 'an array with other values' : 'an object'}`);
    }
    names = json.map(String);
  } else names = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (names.length !== outputs) throw new UsageError(`--classes: ${s} has ${names.length} names for a model with ${outputs} outputs`);
  return names;
}

const isTfjs = (file: string): boolean => /\.json$/i.test(file) || (existsSync(file) && statSync(file).isDirectory());

function defaultOut(file: string): string {
  if (file.startsWith('nsfwjs:')) return `${file.slice('nsfwjs:'.length)}.fovea`;
  if (/\.json$/i.test(file)) return join(dirname(file), `${basename(file, '.json')}.fovea`);
  if (isTfjs(file)) return `${file.replace(/[\\/]+$/, '')}.fovea`;
  return `${file.replace(/\.onnx$/i, '')}.fovea`;
}

export async function importCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseFlags('import', importFlags, argv);
  const file = positionals[0];
  if (!file) throw new UsageError('import: missing MODEL (an .onnx file, a TF.js model.json or folder, or nsfwjs:NAME)');
  const out = v.out ?? defaultOut(file);
  const inputShape = v.inputShape as [number, number, number] | undefined;
  const loaded = loadAnyModel(file, inputShape ? { inputShape } : {});
  const own = loaded.meta;
  const c = own.inputShape[0];
  const outShape = loaded.model.outputShape([1, ...own.inputShape]);
  if (outShape.length !== 2) throw new UsageError(`import: the model outputs shape [N, ${outShape.slice(1).join(', ')}]; a classifier outputs [N, classes]`);
  const given = loaded.stored.classNames && v.classes === undefined ? own.classNames : null;
  if (given && given.length !== outShape[1]) throw new UsageError(`import: the model's metadata names ${given.length} classes for ${outShape[1]} outputs; give --classes`);
  const ownNorm = loaded.stored.normalize ? own.normalize : null;
  const meta: ModelMeta = {
    inputShape: own.inputShape,
    normalize: {
      mean: v.mean === undefined && ownNorm ? ownNorm.mean : perChannel(v.mean, 'mean', c, 0),
      std: v.std === undefined && ownNorm ? ownNorm.std : perChannel(v.std, 'std', c, 1),
    },
    classNames: given ?? classNames(v.classes, outShape[1]!),
    ...(own.fit ? { fit: own.fit } : {}),
    training: { ...own.training, ...loaded.origin },
  };
  await saveModel(out, loaded.model, meta);
  const layers = [...loaded.model.children()].length;
  const params = loaded.model.numParameters();
  if (v.json) {
    printJson({ command: 'import', from: file, format: loaded.format, out, inputShape: meta.inputShape, classes: meta.classNames.length, layers, parameters: params, removedSoftmax: loaded.removedSoftmax, normalize: meta.normalize, ...(loaded.format === 'onnx' ? { onnx: file, opset: loaded.origin['opset'] } : {}) });
    return;
  }
  const softmaxNote = loaded.removedSoftmax ? '; the final softmax was dropped (predict applies it)' : '';
  process.stdout.write(`wrote ${out}: ${layers} layers, ${params} parameters, input [${meta.inputShape.join(', ')}], ${meta.classNames.length} classes, normalize mean [${meta.normalize.mean.join(', ')}] std [${meta.normalize.std.join(', ')}]${softmaxNote}\n`);
}
