/**
 * Fuzz inputs for `.fovea` model files (`decodeModel`, behind `loadModel`
 * and every command that takes a model): bit flips anywhere, the 8-byte
 * header length off by a few bytes, truncation, NaN / ±Inf / 3e38 weights,
 * and metadata of the wrong types or ranges. Each must load as a model whose
 * prediction on a blank image is finite and has one value per class, or be
 * refused with a ModelFileError naming the file.
 */
import { encodeSafetensors, type SafetensorsInput } from '../../io/safetensors.js';
import { decodeModel, modelParts, type ModelMeta } from '../../io/model-file.js';
import { lenet } from '../../nn/models.js';
import type { Module } from '../../nn/module.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { zeros } from '../../tensor/ops/creation.js';
import { manualSeed } from '../../util/random.js';
import { finiteCheck, type FuzzCase, type FuzzRandom } from './fuzz-case.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A loaded model predicts: finite logits, one per class name. */
export function predictsFinite(r: unknown): string | null {
  const { model, meta } = r as { model: Module; meta: ModelMeta };
  const y = noGrad(() => model.forward(zeros([1, ...meta.inputShape])));
  if (y.shape.length !== 2 || y.shape[1] !== meta.classNames.length) return `output shape [${y.shape.join(', ')}] for ${meta.classNames.length} class names`;
  return finiteCheck(y.data, 'the prediction on a blank image');
}

export function* cases(r: FuzzRandom, rounds: number): Generator<FuzzCase> {
  manualSeed(14);
  const model = lenet();
  const meta: ModelMeta = { inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: [...'0123456789'] };
  const { tensors, metadata } = modelParts(model, meta);
  const good = encodeSafetensors(tensors, metadata);
  const headerLength = Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
  const source = (what: string): string => `fuzz/${what.replace(/[^a-z0-9]+/gi, '-')}.fovea`;
  const load = (name: string, bytes: Uint8Array): FuzzCase => {
    const file = source(name);
    return { name, names: file, run: () => decodeModel(bytes, file), check: predictsFinite };
  };
  /** The file with its metadata header edited (the weights as they are, unless `weights` edits them). */
  const edited = (name: string, edit: (h: Json) => void, weights?: (t: Record<string, SafetensorsInput>) => void): FuzzCase => {
    const h = JSON.parse(metadata['fovea']!) as Json;
    edit(h);
    const t = { ...tensors };
    weights?.(t);
    return load(name, encodeSafetensors(t, { fovea: JSON.stringify(h) }));
  };

  yield load('unchanged', good);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < 24; k++) yield load(`bit flips in the header (round ${round}, ${k})`, r.flipBits(good, 3, 0).slice(0, good.length));
    for (let k = 0; k < 16; k++) {
      const b = good.slice();
      const from = 8 + headerLength;
      const flipped = r.flipBits(b.subarray(from), 2);
      b.set(flipped, from);
      yield load(`bit flips in the weights (round ${round}, ${k})`, b);
    }
    for (let k = 0; k < 8; k++) yield load(`truncated (round ${round}, ${k})`, r.truncate(good));
    for (let k = 0; k < 8; k++) yield load(`bytes overwritten (round ${round}, ${k})`, r.smash(good));
  }
  for (const d of [-8, -2, -1, 1, 2, 8, 2 ** 40]) {
    const b = good.slice();
    new DataView(b.buffer).setBigUint64(0, BigInt(headerLength + d), true);
    yield load(`header length ${d > 0 ? '+' : ''}${d}`, b);
  }
  yield load('trailing bytes', new Uint8Array([...good, 0, 0, 0, 0]));
  yield load('empty file', new Uint8Array());
  yield load('eight zero bytes', new Uint8Array(8));
  const first = Object.keys(tensors)[0]!;
  for (const v of [NaN, Infinity, -Infinity, 3e38]) {
    yield edited(`weight ${v}`, () => undefined, (t) => {
      const data = Float32Array.from(t[first]!.data);
      data[r.int(data.length)] = v;
      t[first] = { shape: t[first]!.shape, data };
    });
  }
  const metaEdits: [string, (h: Json) => void][] = [
    ['std 0', (h) => (h.normalize.std = [0])],
    ['std -1', (h) => (h.normalize.std = [-1])],
    ['std NaN (null in JSON)', (h) => (h.normalize.std = [null])],
    ['normalize null', (h) => (h.normalize = null)],
    ['normalize "x"', (h) => (h.normalize = 'x')],
    ['normalize missing', (h) => delete h.normalize],
    ['mean of 3 channels for 1', (h) => (h.normalize.mean = [0, 0, 0])],
    ['0 class names', (h) => (h.classNames = [])],
    ['3 class names for 10 outputs', (h) => (h.classNames = ['a', 'b', 'c'])],
    ['12 class names for 10 outputs', (h) => (h.classNames = [...'abcdefghijkl'])],
    ['100,000 class names', (h) => (h.classNames = Array.from({ length: 100_000 }, (_, i) => `c${i}`))],
    ['class names an object', (h) => (h.classNames = { 0: 'a' })],
    ['class names numbers', (h) => (h.classNames = [...Array(10).keys()])],
    ['inputShape 65536x65536', (h) => (h.inputShape = [1, 65_536, 65_536])],
    ['inputShape of 2 dims', (h) => (h.inputShape = [28, 28])],
    ['inputShape "x"', (h) => (h.inputShape = 'x')],
    ['inputShape negative', (h) => (h.inputShape = [1, -28, 28])],
    ['inputShape 3 channels', (h) => (h.inputShape = [3, 28, 28])],
    ['fit "x"', (h) => (h.fit = 'x')],
    ['version 99', (h) => (h.version = 99)],
    ['format other', (h) => (h.format = 'other')],
    ['architecture null', (h) => (h.architecture = null)],
    ['architecture children not an array', (h) => (h.architecture.children = 5)],
    ['architecture type unknown', (h) => (h.architecture.type = 'Transformer')],
    ['architecture Linear(20000, 20000) declared', (h) => (h.architecture.children[h.architecture.children.length - 1] = { type: 'Linear', config: { inFeatures: 20_000, outFeatures: 20_000 } })],
    ['architecture Linear(20000, 20000) with LeNet\'s weights', (h) => (h.architecture.children[h.architecture.children.length - 1][1].args = { inFeatures: 20_000, outFeatures: 20_000 })],
    ['architecture args an array', (h) => (h.architecture.children[0][1].args = [1, 2])],
    ['architecture args of the wrong types', (h) => (h.architecture.children[0][1].args = { inChannels: 'one', outChannels: {}, kernelSize: [] })],
    ['training a string', (h) => (h.training = 'x')],
  ];
  for (const [name, edit] of metaEdits) yield edited(name, edit);
  // nested 10,000 deep (written out: JSON.stringify itself would overflow the stack)
  const h = JSON.parse(metadata['fovea']!) as Json;
  const deep = `${'{"type":"Sequential","children":[["0",'.repeat(10_000)}{"type":"Flatten"}${']]}'.repeat(10_000)}`;
  const text = JSON.stringify({ ...h, architecture: '@' }).replace('"@"', deep);
  yield load('architecture nested 10,000 deep', encodeSafetensors(tensors, { fovea: text }));
  yield load('metadata not JSON', encodeSafetensors(tensors, { fovea: '{"format": "fovea-model", ' }));
  yield load('no fovea metadata', encodeSafetensors(tensors, {}));
  yield load('a weight missing', encodeSafetensors(Object.fromEntries(Object.entries(tensors).slice(1)), metadata));
  yield load('an extra weight', encodeSafetensors({ ...tensors, extra: { shape: [2], data: new Float32Array(2) } }, metadata));
  yield load('a weight of the wrong shape', encodeSafetensors({ ...tensors, [first]: { shape: [1, 2, 3], data: new Float32Array(6) } }, metadata));
}
