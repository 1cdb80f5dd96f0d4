// TF.js layers models built with tf.layers, saved to memory, imported into
// fovea: the outputs match TensorFlow.js's (cpu backend) on the same input,
// for every supported layer class, plain and with quantized weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ELU } from '../../nn/activation.js';
import { SGD } from '../../optim/sgd.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { crossEntropy } from '../../tensor/ops/loss.js';
import { softmax } from '../../tensor/ops/softmax.js';
import { manualSeed } from '../../util/random.js';
import { decodeModel, encodeModel } from '../model-file.js';
import { loadTfjs, type LoadedTfjs } from './load-tfjs.js';

await tf.setBackend('cpu');

interface Artifacts {
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: Uint8Array;
}

/** What `model.save()` writes, captured in memory (model.json's two parts and the shard bytes). */
async function save(model: tf.LayersModel): Promise<Artifacts> {
  let a: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    a = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const data = a!.weightData!;
  const bytes = Array.isArray(data) ? new Uint8Array(Buffer.concat(data.map((d) => new Uint8Array(d)))) : new Uint8Array(data as ArrayBuffer);
  return { modelTopology: a!.modelTopology, weightSpecs: a!.weightSpecs!, weightData: bytes };
}

const modelJson = (a: Artifacts): unknown => ({ modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] });

/** Deterministic values in [-1, 1). */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** Random weights everywhere (biases and batch-norm statistics too, which start at 0 and 1). */
function randomize(model: tf.LayersModel, seed: number): void {
  model.setWeights(model.weights.map((w, i) => {
    const shape = w.shape as number[];
    const v = noise(shape.reduce((a, b) => a * b, 1), seed + i);
    const scaled = w.name.includes('moving_variance') ? v.map((x) => 0.5 + Math.abs(x)) : v.map((x) => x * 0.5);
    return tf.tensor(scaled, shape);
  }));
}

/** NHWC → NCHW for one batch. */
function toNchw(x: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n!; b++) for (let y = 0; y < h!; y++) for (let i = 0; i < w!; i++) for (let k = 0; k < c!; k++) {
    out[((b * c! + k) * h! + y) * w! + i] = x[((b * h! + y) * w! + i) * c! + k]!;
  }
  return out;
}

/** Runs both on the same batch of 2; the largest absolute difference (probabilities where fovea dropped a softmax). */
async function maxDiff(model: tf.LayersModel, loaded: LoadedTfjs, tfModel: tf.LayersModel = model): Promise<number> {
  const [c, h, w] = loaded.inputShape;
  const x = noise(2 * h * w * c, 7);
  const want = tfModel.predict(tf.tensor(x, [2, h, w, c])) as tf.Tensor;
  const wantData = await want.data();
  const y = noGrad(() => {
    const out = loaded.model.forward(tensor(toNchw(x, [2, h, w, c]), [2, c, h, w]));
    return loaded.removedSoftmax ? softmax(out, 1) : out;
  });
  // a 4-D output is NCHW in fovea, NHWC in TF.js
  const got = y.shape.length === 4 ? toNchw(Float32Array.from(wantData), want.shape as number[]) : Float32Array.from(wantData);
  const mine = y.toArray();
  assert.deepEqual(y.shape.length === 4 ? [want.shape[0], want.shape[3], want.shape[1], want.shape[2]] : want.shape, y.shape);
  return mine.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
}

async function roundTrip(model: tf.LayersModel): Promise<{ loaded: LoadedTfjs; diff: number; a: Artifacts }> {
  randomize(model, 11);
  const a = await save(model);
  const loaded = loadTfjs(modelJson(a), a.weightData);
  return { loaded, diff: await maxDiff(model, loaded), a };
}

/** Convolutions and pooling with TF's uneven 'same' padding (even sizes, stride 2), Flatten → BatchNorm → Dense. */
function convNet(): tf.Sequential {
  const L = tf.layers;
  return tf.sequential({ layers: [
    L.conv2d({ name: 'conv_s2', inputShape: [10, 12, 3], filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    L.zeroPadding2d({ name: 'pad', padding: [[0, 1], [2, 1]] }),
    L.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu6' }),
    L.batchNormalization({ name: 'bn', epsilon: 0.01 }),
    L.reLU({ name: 'relu6', maxValue: 6 }),
    L.separableConv2d({ name: 'sep', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
    L.maxPooling2d({ name: 'maxpool', poolSize: 3, strides: 2, padding: 'same' }),
    L.averagePooling2d({ name: 'avgpool', poolSize: 2, strides: 1, padding: 'same' }),
    L.conv2d({ name: 'dilated', filters: 5, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false }),
    L.flatten({ name: 'flat' }),
    L.batchNormalization({ name: 'bn_flat' }),
    L.dense({ name: 'fc1', units: 7, activation: 'sigmoid' }),
    L.dropout({ name: 'drop', rate: 0.3 }),
    L.dense({ name: 'logits', units: 4, activation: 'softmax' }),
  ] });
}

test('a Sequential of convolutions, uneven same padding, pooling and Flatten → Dense matches TF.js within 1e-4', async () => {
  const { loaded, diff } = await roundTrip(convNet());
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  assert.deepEqual(loaded.inputShape, [3, 10, 12]);
  assert.equal(loaded.removedSoftmax, true);
  assert.equal(loaded.outputName, 'logits');
  // every Keras layer is a graph value of its own name; helpers are <layer>_<part>
  const names = loaded.model.graph.nodes.map((n) => n.name);
  for (const n of ['conv_s2', 'pad', 'dw', 'bn', 'relu6', 'sep', 'maxpool', 'avgpool', 'dilated', 'flat', 'bn_flat', 'fc1', 'drop', 'logits']) assert.ok(names.includes(n), `node ${n}`);
  for (const n of ['conv_s2_pad', 'sep_depthwise', 'avgpool_count']) assert.ok(names.includes(n) || loaded.model.namedConstants().has(n), `${n} in ${names.join(' ')}`);
  assert.deepEqual(loaded.model.valueShapes([1, 3, 10, 12]).get('flat'), [1, 5 * 2 * 3]);
  assert.deepEqual(loaded.unusedWeights, []);
});

/** Branches joined by every merge layer, cropping and padding, a global max pool and a Softmax layer. */
function branchNet(): tf.LayersModel {
  const L = tf.layers;
  const x = tf.input({ shape: [8, 8, 4], name: 'image' });
  const a = L.conv2d({ name: 'a', filters: 6, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const b = L.conv2d({ name: 'b', filters: 6, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const sum = L.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
  const avg = L.average({ name: 'avg' }).apply([sum, a, b]) as tf.SymbolicTensor;
  const prod = L.multiply({ name: 'prod' }).apply([avg, b]) as tf.SymbolicTensor;
  const cropped = L.cropping2D({ name: 'crop', cropping: [[1, 0], [2, 1]] }).apply(prod) as tf.SymbolicTensor;
  const padded = L.zeroPadding2d({ name: 'repad', padding: [[1, 0], [2, 1]] }).apply(cropped) as tf.SymbolicTensor;
  const cat = L.concatenate({ name: 'cat' }).apply([padded, a]) as tf.SymbolicTensor;
  const act = L.leakyReLU({ name: 'leaky', alpha: 0.2 }).apply(cat) as tf.SymbolicTensor;
  const gmp = L.globalMaxPooling2d({ name: 'gmp' }).apply(act) as tf.SymbolicTensor;
  const fc = L.dense({ name: 'fc', units: 3 }).apply(gmp) as tf.SymbolicTensor;
  const out = L.softmax({ name: 'probs' }).apply(fc) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: out });
}

test('a functional model with branches: Add, Average, Multiply, Cropping2D, Concatenate, LeakyReLU, GlobalMaxPooling2D, a Softmax layer', async () => {
  const { loaded, diff } = await roundTrip(branchNet());
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  assert.equal(loaded.inputName, 'image');
  assert.equal(loaded.removedSoftmax, true);
  // the dropped softmax passes on its input's value
  assert.equal(loaded.nodeNames['probs'], 'fc');
  assert.deepEqual(loaded.model.valueShapes([1, 4, 8, 8]).get('cat'), [1, 12, 8, 8]);
});

/** The same functional topology written as Keras 3 writes it: 'Functional', batch_shape, inbound nodes as call args holding keras tensors. */
function asKeras3(topology: unknown): unknown {
  const t = structuredClone(topology) as { class_name: string; config: { layers: Record<string, any>[]; output_layers: unknown } }; // eslint-disable-line @typescript-eslint/no-explicit-any
  t.class_name = 'Functional';
  const tensorRef = (r: unknown[]) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: r.slice(0, 3) } });
  for (const l of t.config.layers) {
    if (l['class_name'] === 'InputLayer') {
      l['config'].batch_shape = l['config'].batch_input_shape;
      delete l['config'].batch_input_shape;
    }
    l['inbound_nodes'] = (l['inbound_nodes'] as unknown[][][]).map((node) => ({ args: [node.length === 1 ? tensorRef(node[0]!) : node.map(tensorRef)], kwargs: {} }));
  }
  t.config.output_layers = (t.config.output_layers as unknown[][])[0];
  return t;
}

test('Keras 3 configs (Functional, batch_shape, keras_history args) and old Sequential configs (a bare layer list) load the same', async () => {
  const m = branchNet();
  randomize(m, 4);
  const a = await save(m);
  const k3 = loadTfjs({ modelTopology: { model_config: asKeras3(a.modelTopology), keras_version: '3.3.3' }, weightsManifest: [{ paths: ['w'], weights: a.weightSpecs }] }, a.weightData);
  assert.ok(await maxDiff(m, k3) < 1e-4);
  assert.equal(k3.kerasVersion, '3.3.3');
  const seq = convNet();
  randomize(seq, 6);
  const b = await save(seq);
  const bare = structuredClone(b.modelTopology) as { config: { layers: unknown[] } };
  const old = loadTfjs({ modelTopology: { ...bare, config: bare.config.layers }, weightsManifest: [{ paths: ['w'], weights: b.weightSpecs }] }, b.weightData);
  assert.ok(await maxDiff(seq, old) < 1e-4);
});

test('GlobalAveragePooling2D, Reshape to a vector and back to an image, Activation, Rescaling', async () => {
  const L = tf.layers;
  const m = tf.sequential({ layers: [
    L.rescaling({ name: 'scale', inputShape: [6, 5, 3], scale: 1 / 127.5, offset: -1 }),
    L.conv2d({ name: 'c1', filters: 8, kernelSize: 3 }),
    L.reLU({ name: 'relu' }),
    L.reshape({ name: 'to_vec', targetShape: [4 * 3 * 8] }),
    L.reshape({ name: 'to_img', targetShape: [4, 3, 8] }),
    L.globalAveragePooling2d({ name: 'gap' }),
    L.reshape({ name: 'r', targetShape: [1, 1, 8] }),
    L.conv2d({ name: 'head', filters: 3, kernelSize: 1 }),
    L.flatten({ name: 'f' }),
    L.activation({ name: 'tanh', activation: 'tanh' }),
  ] });
  const { loaded, diff } = await roundTrip(m);
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  assert.equal(loaded.removedSoftmax, false);
});

test("ELU: the 'elu' activation of Conv2D and Dense and the ELU layer match TF.js, far below zero too", async (t) => {
  const L = tf.layers;
  const m = tf.sequential({ layers: [
    L.rescaling({ name: 'big', inputShape: [6, 5, 3], scale: 8 }),
    L.conv2d({ name: 'c1', filters: 6, kernelSize: 3, activation: 'elu' }),
    L.conv2d({ name: 'c2', filters: 4, kernelSize: 1 }),
    // (TF.js's ELU layer refuses an alpha other than 1; bad-input.test.ts loads one from a config)
    L.elu({ name: 'elu_layer' }),
    L.flatten({ name: 'f' }),
    L.dense({ name: 'fc', units: 4, activation: 'elu' }),
  ] });
  const { loaded, diff } = await roundTrip(m);
  t.diagnostic(`max abs difference ${diff.toExponential(2)}`);
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  const elus = [...loaded.model.modulesIter()].filter((l): l is ELU => l instanceof ELU);
  assert.deepEqual(elus.map((l) => l.alpha), [1, 1, 1]);
});

test('nested models as Teachable Machine exports them: Sequential[Sequential[Model, Flatten], Sequential[Dense, Dense]]', async () => {
  const L = tf.layers;
  const x = tf.input({ shape: [8, 8, 3], name: 'input_tm' });
  const c1 = L.conv2d({ name: 'conv_a', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const truncated = tf.model({ inputs: x, outputs: c1, name: 'truncated' });
  const base = tf.sequential({ name: 'base', layers: [truncated, L.flatten({ name: 'flat_tm' })] });
  const head = tf.sequential({ name: 'head', layers: [L.dense({ name: 'fc_a', inputShape: [64], units: 5, activation: 'relu' }), L.dense({ name: 'fc_b', units: 3, useBias: false, activation: 'softmax' })] });
  const joint = tf.sequential({ name: 'joint' });
  joint.add(base);
  joint.add(head);
  const { loaded, diff } = await roundTrip(joint);
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  assert.equal(loaded.removedSoftmax, true);
  assert.equal(loaded.nodeNames['base'], 'flat_tm');
  assert.equal(loaded.nodeNames['head'], 'fc_b');
});

test('Subtract (Keras, not in tf.layers): a - b equals TF.js computing a + (-b)', async () => {
  const L = tf.layers;
  const x = tf.input({ shape: [5, 5, 2] });
  const a = L.conv2d({ name: 'pa', filters: 3, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const b = L.conv2d({ name: 'pb', filters: 3, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const m = tf.model({ inputs: x, outputs: L.add({ name: 'diff' }).apply([a, b]) as tf.SymbolicTensor });
  randomize(m, 3);
  const art = await save(m);
  const json = JSON.parse(JSON.stringify(modelJson(art)).replace('"class_name":"Add"', '"class_name":"Subtract"'));
  const loaded = loadTfjs(json, art.weightData);
  m.getLayer('pb').setWeights(m.getLayer('pb').getWeights().map((w) => w.neg()));
  assert.ok(await maxDiff(m, loaded) < 1e-5);
});

/** TF.js's affine quantisation: q = round((v - min) / scale), value = q * scale + min. */
function quantize(a: Artifacts, dtype: 'uint8' | 'uint16' | 'float16'): Artifacts {
  const src = new DataView(a.weightData.buffer, a.weightData.byteOffset);
  const parts: Uint8Array[] = [];
  let offset = 0;
  const specs = a.weightSpecs.map((s) => {
    const n = s.shape.reduce((p, d) => p * d, 1);
    const v = Float32Array.from({ length: n }, (_, i) => src.getFloat32(offset + 4 * i, true));
    offset += 4 * n;
    const out = new DataView(new ArrayBuffer(n * (dtype === 'uint8' ? 1 : 2)));
    if (dtype === 'float16') {
      v.forEach((x, i) => out.setUint16(2 * i, toHalf(x), true));
      parts.push(new Uint8Array(out.buffer));
      return { ...s, quantization: { dtype } };
    }
    const [min, max] = [Math.min(...v), Math.max(...v)];
    const scale = (max - min) / (dtype === 'uint8' ? 255 : 65535) || 1;
    v.forEach((x, i) => (dtype === 'uint8' ? out.setUint8(i, Math.round((x - min) / scale)) : out.setUint16(2 * i, Math.round((x - min) / scale), true)));
    parts.push(new Uint8Array(out.buffer));
    return { ...s, quantization: { dtype, min, scale } };
  });
  return { modelTopology: a.modelTopology, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData: new Uint8Array(Buffer.concat(parts)) };
}

/** float32 → IEEE half (round to nearest; the test's weights are small normal numbers). */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  const mant = u & 0x7fffff;
  const h = sign | (exp << 10) | (mant >>> 13);
  return mant & 0x1000 ? h + 1 : h;
}

test('quantized weights (uint8, uint16, float16) decode as TF.js decodes them', async () => {
  const model = convNet();
  randomize(model, 5);
  const plain = await save(model);
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    const q = quantize(plain, dtype);
    const loaded = loadTfjs(modelJson(q), q.weightData);
    const buf = q.weightData.buffer.slice(q.weightData.byteOffset, q.weightData.byteOffset + q.weightData.length) as ArrayBuffer;
    const reference = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: q.modelTopology as object, weightSpecs: q.weightSpecs, weightData: buf }));
    const diff = await maxDiff(model, loaded, reference);
    assert.ok(diff < 1e-4, `${dtype}: max abs difference ${diff}`);
    // the quantisation is coarse enough to change the outputs against the float model, so the comparison sees the decoding
    if (dtype === 'uint8') assert.ok(await maxDiff(model, loaded) > 1e-4);
  }
});

test('a newer manifest entry with quantization.original_dtype decodes the same', async () => {
  const model = convNet();
  randomize(model, 9);
  const q = quantize(await save(model), 'uint8');
  const tagged = { ...q, weightSpecs: q.weightSpecs.map((s) => ({ ...s, quantization: { ...s.quantization!, original_dtype: 'float32' } })) as tf.io.WeightsManifestEntry[] };
  const a = loadTfjs(modelJson(q), q.weightData).model.stateDict();
  const b = loadTfjs(modelJson(tagged), q.weightData).model.stateDict();
  for (const [k, t] of a) assert.deepEqual(Array.from(t.data), Array.from(b.get(k)!.data), k);
});

test('keepSoftmax keeps the final softmax; an inputShape option fills free input dims', async () => {
  const L = tf.layers;
  const m = tf.sequential({ layers: [L.conv2d({ name: 'c', inputShape: [null, null, 3] as unknown as number[], filters: 4, kernelSize: 3 }), L.globalAveragePooling2d({ name: 'g' }), L.dense({ name: 'd', units: 2, activation: 'softmax' })] });
  randomize(m, 2);
  const a = await save(m);
  assert.throws(() => loadTfjs(modelJson(a), a.weightData), /free dims; give inputShape/);
  const kept = loadTfjs(modelJson(a), a.weightData, { inputShape: [3, 9, 9], keepSoftmax: true });
  assert.equal(kept.removedSoftmax, false);
  assert.ok(await maxDiff(m, kept) < 1e-5);
});

test('an imported model is an ordinary fovea model: it saves as .fovea, reloads, and fine-tunes', async () => {
  const model = convNet();
  randomize(model, 13);
  const a = await save(model);
  const { model: m, inputShape } = loadTfjs(modelJson(a), a.weightData);
  const meta = { inputShape, normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, classNames: ['a', 'b', 'c', 'd'] };
  const back = decodeModel(encodeModel(m, meta), 'mem.fovea').model;
  const x = tensor(noise(2 * 3 * 10 * 12, 3), [2, 3, 10, 12]);
  const [y0, y1] = noGrad(() => [m.forward(x).toArray(), back.eval().forward(x).toArray()]);
  assert.deepEqual(y1, y0);
  m.train();
  manualSeed(1); // dropout masks
  const opt = new SGD(m.parameters(), { lr: 0.05 });
  const target = [1, 3];
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    const loss = crossEntropy(m.forward(x), target);
    loss.backward();
    assert.ok(m.parameters().every((p) => p.grad !== null), 'every parameter gets a gradient');
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(losses[4]! < losses[0]!, `loss ${losses.join(' → ')}`);
});
