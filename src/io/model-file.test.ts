import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convnet, lenet } from '../nn/models.js';
import { ELU } from '../nn/activation.js';
import { BatchNorm2d } from '../nn/batch-norm2d.js';
import { Conv2d } from '../nn/conv2d.js';
import { Sequential } from '../nn/sequential.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { noGrad } from '../tensor/grad-mode.js';
import { randn } from '../tensor/ops/creation.js';
import { manualSeed } from '../util/random.js';
import { decodeModel, encodeModel, type ModelMeta } from './model-file.js';
import { loadModel, saveModel } from './model-file-node.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { ModelFileError } from './io-error.js';

const meta: ModelMeta = { inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: [...'0123456789'], training: { epochs: 1 } };
const dir = mkdtempSync(join(tmpdir(), 'fovea-model-'));

test('a saved model reloads with the same outputs, names and metadata', async () => {
  manualSeed(1);
  const model = lenet();
  const path = join(dir, 'lenet.fovea');
  await saveModel(path, model, meta);
  const { model: back, meta: m2 } = loadModel(path);
  assert.deepEqual(m2, meta);
  const x = randn([2, 1, 28, 28]);
  const a = noGrad(() => model.eval().forward(x)).toArray();
  const b = noGrad(() => back.forward(x)).toArray();
  assert.deepEqual(a, b);
  const names = [...decodeSafetensors(readFileSync(path), path).tensors.keys()].sort();
  assert.ok(names.includes('features.0.weight') && names.includes('classifier.5.bias'), names.join(','));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
});

test('batch-norm running statistics are saved as buffers', () => {
  const model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Flatten(), new Linear(2 * 4 * 4, 3));
  noGrad(() => model.forward(randn([4, 1, 6, 6])));
  const bytes = encodeModel(model, { ...meta, inputShape: [1, 6, 6], classNames: ['a', 'b', 'c'] });
  const { model: back } = decodeModel(bytes, 'mem');
  assert.deepEqual(back.stateDict().get('1.running_mean')!.toArray(), model.stateDict().get('1.running_mean')!.toArray());
});

test('a model with ELU layers (alpha kept) reloads with the same outputs', () => {
  manualSeed(3);
  const model = new Sequential(new Conv2d(1, 2, 3), new ELU(0.7), new Flatten(), new Linear(2 * 4 * 4, 3), new ELU());
  const { model: back } = decodeModel(encodeModel(model, { ...meta, inputShape: [1, 6, 6], classNames: ['a', 'b', 'c'] }), 'mem');
  const x = randn([2, 1, 6, 6]);
  assert.deepEqual(noGrad(() => back.forward(x)).toArray(), noGrad(() => model.eval().forward(x)).toArray());
  assert.equal(back.toString(), model.toString());
});

test('a truncated model file is refused with a clear error naming the file', () => {
  const bytes = encodeModel(convnet(), meta);
  const path = join(dir, 'cut.fovea');
  writeFileSync(path, bytes.subarray(0, bytes.length - 100));
  assert.throws(() => loadModel(path), (e: Error) => e instanceof ModelFileError && e.message.includes(path) && /truncated/.test(e.message));
});

test('foreign files are refused: plain safetensors, JSON, empty, missing', () => {
  const st = join(dir, 'weights.safetensors');
  writeFileSync(st, encodeSafetensors({ w: { shape: [2], data: new Float32Array(2) } }));
  assert.throws(() => loadModel(st), /not a fovea model/);
  const js = join(dir, 'model.json');
  writeFileSync(js, '{"layers": []}');
  assert.throws(() => loadModel(js), (e: Error) => e instanceof ModelFileError && e.message.includes(js));
  const empty = join(dir, 'empty.fovea');
  writeFileSync(empty, '');
  assert.throws(() => loadModel(empty), (e: Error) => e instanceof ModelFileError && e.message.includes(empty));
  assert.throws(() => loadModel(join(dir, 'nope.fovea')), /no such file/);
});

test('weights that do not fit the stored architecture are refused with the tensor name', () => {
  const a = encodeModel(lenet(), meta);
  const { metadata, tensors } = decodeSafetensors(a, 'a');
  const t = Object.fromEntries([...tensors].map(([k, v]) => [k, { shape: v.shape, data: v.data }]));
  t['features.0.weight'] = { shape: [6, 1, 3, 3], data: new Float32Array(54) };
  const bad = encodeSafetensors(t, metadata);
  assert.throws(() => decodeModel(bad, 'bad.fovea'), /bad\.fovea.*features\.0\.weight.*\[6, 1, 3, 3\]/s);
});

test("the resize mode ('fit') is kept in the file; an unknown one is refused", () => {
  const withFit: ModelMeta = { ...meta, fit: 'cover' };
  assert.equal(decodeModel(encodeModel(lenet(), withFit), 'a.fovea').meta.fit, 'cover');
  assert.equal(decodeModel(encodeModel(lenet(), meta), 'b.fovea').meta.fit, undefined, 'absent: predict stretches (fill), as before the field existed');
  const { metadata, tensors } = decodeSafetensors(encodeModel(lenet(), withFit), 'c');
  const header = JSON.parse(metadata['fovea']!);
  const bad = encodeSafetensors(Object.fromEntries([...tensors].map(([k, v]) => [k, { shape: v.shape, data: v.data }])), { ...metadata, fovea: JSON.stringify({ ...header, fit: 'stretch' }) });
  assert.throws(() => decodeModel(bad, 'bad-fit.fovea'), /bad-fit\.fovea.*invalid fit "stretch" \(expected 'fill' or 'cover'\)/);
});

/** A lenet model file with its fovea metadata and tensors changed by `edit`. */
function edited(edit: (header: Record<string, unknown>, t: Record<string, { shape: number[]; data: Float32Array }>) => void): Uint8Array {
  const { metadata, tensors } = decodeSafetensors(encodeModel(lenet(), meta), 'x');
  const header = JSON.parse(metadata['fovea']!) as Record<string, unknown>;
  const t = Object.fromEntries([...tensors].map(([k, v]) => [k, { shape: v.shape, data: v.data }]));
  edit(header, t);
  return encodeSafetensors(t, { ...metadata, fovea: JSON.stringify(header) });
}

function refused(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeModel(bytes, 'bad.fovea'), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.match(e.message, /^bad\.fovea: /);
    assert.match(e.message, message);
    return true;
  });
}

test('normalize must give one finite mean and one finite std > 0 per channel', () => {
  refused(edited((h) => (h['normalize'] = { mean: [0.1], std: [0] })), /invalid normalize .*std\[0\] is 0; every std must be > 0/);
  refused(edited((h) => (h['normalize'] = null)), /invalid normalize null: expected an object \{ mean, std \} with 1 numbers each/);
  refused(edited((h) => (h['normalize'] = 'x')), /invalid normalize "x": expected an object/);
  refused(edited((h) => (h['normalize'] = { mean: ['a'], std: [1] })), /mean\[0\] is "a", not a finite number/);
  refused(edited((h) => (h['normalize'] = { mean: [0, 0], std: [1, 1] })), /mean needs 1 number \(one per input channel\)/);
});

test('weights must be finite: NaN and infinite values are refused naming the tensor and the count', () => {
  refused(edited((_h, t) => {
    const w = t['features.0.weight']!;
    w.data = w.data.slice();
    w.data[0] = NaN;
    w.data[3] = NaN;
    w.data[5] = -Infinity;
  }), /tensor "features\.0\.weight" holds 2 NaN and 1 infinite values \(of 150\)/);
});

test('the class names must match the number of outputs', () => {
  refused(edited((h) => (h['classNames'] = ['a', 'b', 'c'])), /3 class names but the model has 10 outputs/);
});

test('inputShape is bounded: each dim at most 65536, at most 2^28 values', () => {
  refused(edited((h) => (h['inputShape'] = [1, 70000, 28])), /invalid inputShape \[1,70000,28\]: each dimension must be at most 65536/);
  refused(edited((h) => (h['inputShape'] = [1, 60000, 60000])), /3600000000 values per image, more than the limit of 268435456/);
});

test('a huge declared layer is refused from the stored shapes before it is built', () => {
  // Linear(20000, 20000) would allocate 1.6 GB of weights before loadStateDict found the mismatch.
  const bytes = edited((h) => {
    h['architecture'] = { type: 'Sequential', children: [['fc', { type: 'Linear', args: { inFeatures: 20000, outFeatures: 20000, bias: true } }]] };
  });
  const before = process.memoryUsage().arrayBuffers;
  refused(bytes, /weights do not match the architecture: Linear at 'fc' needs "fc\.weight" \[20000, 20000\], which the file does not hold/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 100e6, 'nothing big was allocated');
});

test('an architecture that cannot run on its own input shape is refused at load, naming the file and the layer', () => {
  const m = new Sequential(new Conv2d(1, 2, 3), new Flatten(), new Linear(100, 10));
  const bytes = encodeModel(m, { inputShape: [1, 28, 28], normalize: { mean: [0], std: [1] }, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
  assert.throws(() => decodeModel(bytes, 'bad-shape.fovea'), (e: unknown) => e instanceof ModelFileError &&
    /bad-shape\.fovea: the architecture does not run on its input shape \[1, 28, 28\]: .*1352 features.*100/.test(e.message));
  // The same layers with a fitting Linear load.
  const ok = new Sequential(new Conv2d(1, 2, 3), new Flatten(), new Linear(1352, 10));
  const loaded = decodeModel(encodeModel(ok, { inputShape: [1, 28, 28], normalize: { mean: [0], std: [1] }, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] }), 'ok.fovea');
  assert.equal(loaded.model.numParameters(), ok.numParameters());
});
