// What prediction needs survives fovea → ONNX → fovea: class names,
// normalisation, fit, training record; ONNX Runtime gives fovea's logits
// with the normalisation fed by the consumer or baked into the graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { ReLU } from '../../nn/activation.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import { MaxPool2d } from '../../nn/pooling.js';
import { Sequential } from '../../nn/sequential.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { rand, tensor } from '../../tensor/ops/creation.js';
import { manualSeed } from '../../util/random.js';
import type { ModelMeta } from '../model-file.js';
import { exportOnnx } from './export-onnx.js';
import { loadOnnx } from './load-onnx.js';
import { OnnxError } from './onnx-error.js';
import { ONNX_METADATA_KEYS as K, modelMetaFromOnnx, onnxMetadataProps } from './onnx-metadata.js';
import { loadModelBytes } from '../load-any-model.js';
import { decodeOnnxModel, encodeOnnxModel } from './onnx-proto.js';

const meta: ModelMeta = {
  inputShape: [3, 8, 8],
  normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  classNames: ['daisy', 'dandelion', 'rose', 'sunflower', 'tulipe "ñ"'],
  fit: 'cover',
  training: { dataset: 'flowers', epochs: 3, accuracy: 0.91 },
};

/** A padded first conv, so baking the normalisation into its weights would not be exact. */
function net(): Sequential {
  manualSeed(11);
  return new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 5)).eval();
}

/** `(x - mean[c]) / std[c]` per element, rounded to float32 at each step like imageToTensorData. */
function normalized(x: Float32Array, [c, h, w]: readonly number[]): Float32Array {
  const plane = h! * w!;
  return x.map((v, i) => {
    const ch = Math.floor(i / plane) % c!;
    return Math.fround(Math.fround(v - meta.normalize.mean[ch]!) / Math.fround(meta.normalize.std[ch]!));
  });
}

async function ortLogits(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', x, shape) });
  return out['logits']!.data as Float32Array;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  return Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

test('exportOnnx → loadOnnx gives back the class names, normalisation, fit and training record', () => {
  const bytes = exportOnnx(net(), { inputShape: meta.inputShape, meta, producerVersion: '9.9.9' });
  const back = loadOnnx(bytes, 'flowers.onnx');
  assert.deepEqual(back.meta, meta);
  assert.equal(back.metadataProps[K.normalizeBaked], 'false');
  assert.equal(back.metadataProps[K.inputLayout], 'NCHW');
  assert.equal(back.metadataProps[K.pixelRange], '[0,1]');
  assert.equal(back.metadataProps[K.formatVersion], '1');
  assert.equal(back.metadataProps[K.imagePixelRange], undefined, 'the graph takes normalised values, not [0, 1] pixels');
  const proto = decodeOnnxModel(bytes, 'flowers.onnx');
  assert.equal(proto.producerName, 'fovea');
  assert.equal(proto.producerVersion, '9.9.9');
  assert.deepEqual(loadModelBytes(bytes, 'flowers.onnx').meta, meta);
});

test('ONNX Runtime gives fovea\'s logits within 1e-5, with the normalisation in the metadata or baked into the graph', async (t) => {
  const model = net();
  const shape = [2, ...meta.inputShape];
  const pixels = rand(shape).data; // [0, 1], as pixel / 255
  const xn = normalized(pixels, meta.inputShape);
  const want = noGrad(() => model.forward(tensor(xn, shape))).data;

  const plain = exportOnnx(model, { inputShape: meta.inputShape, meta });
  const viaMeta = maxDiff(await ortLogits(plain, xn, shape), want);
  const bakedBytes = exportOnnx(model, { inputShape: meta.inputShape, meta, bakeNormalization: true });
  const baked = maxDiff(await ortLogits(bakedBytes, pixels, shape), want);
  t.diagnostic(`largest difference from ONNX Runtime: normalised input ${viaMeta.toExponential(2)}, baked ${baked.toExponential(2)}`);
  assert.ok(viaMeta < 1e-5, `normalised input: ${viaMeta}`);
  assert.ok(baked < 1e-5, `baked: ${baked}`);

  // the baked graph starts with Sub and Div by [1, C, 1, 1] constants, and says so
  const proto = decodeOnnxModel(bakedBytes, 'baked.onnx');
  assert.deepEqual(proto.graph.nodes.slice(0, 3).map((n) => n.opType), ['Sub', 'Div', 'Conv']);
  assert.deepEqual(proto.graph.initializers.find((i) => i.name === 'normalize.std')?.dims, [1, 3, 1, 1]);
  const back = loadOnnx(bakedBytes, 'baked.onnx');
  assert.equal(back.metadataProps[K.normalizeBaked], 'true');
  assert.deepEqual(back.meta.normalize, { mean: [0, 0, 0], std: [1, 1, 1] });
  assert.equal(back.metadataProps[K.imagePixelRange], 'Normalized_0_1');
  assert.equal(back.metadataProps[K.imagePixelFormat], 'Rgb8');
  // re-imported, it normalises once: raw pixels in, the same logits out
  const again = noGrad(() => back.model.forward(tensor(pixels, shape))).data;
  assert.ok(maxDiff(again, want) < 1e-5);
});

test('a model without metadata loads with none, and loadModelBytes fills in the defaults', () => {
  const bare = exportOnnx(net(), { inputShape: [3, 8, 8] });
  const back = loadOnnx(bare, 'bare.onnx');
  assert.deepEqual(back.metadataProps, {});
  assert.deepEqual(back.meta, { inputShape: [3, 8, 8] });
  assert.deepEqual(loadModelBytes(bare, 'bare.onnx').meta, {
    inputShape: [3, 8, 8], normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, classNames: ['0', '1', '2', '3', '4'],
  });
});

test('a malformed value is an error naming the file and the key; unknown keys are ignored', () => {
  const bytes = exportOnnx(net(), { inputShape: meta.inputShape, meta });
  const tampered = (key: string, value: string): Uint8Array => {
    const m = decodeOnnxModel(bytes, 'x.onnx');
    m.metadataProps = m.metadataProps!.map(([k, v]) => [k, k === key ? value : v]);
    return encodeOnnxModel(m);
  };
  const fails = (key: string, value: string, message: RegExp): void => {
    assert.throws(() => loadOnnx(tampered(key, value), 'flowers.onnx'), (e: unknown) => e instanceof OnnxError && /^flowers\.onnx: /.test(e.message) && message.test(e.message), `${key} = ${value}`);
  };
  fails(K.classNames, '["a", "b"]', /'fovea\.class_names' names 2 classes but the model has 5 outputs/);
  fails(K.classNames, 'daisy,rose', /'fovea\.class_names' is "daisy,rose"; expected a JSON array of 5 strings/);
  fails(K.normalizeMean, '[0.5]', /'fovea\.normalize\.mean' .*expected a JSON array of 3 numbers/);
  fails(K.normalizeStd, '[1, 0, 1]', /'fovea\.normalize\.std' .*3 positive numbers/);
  fails(K.fit, 'crop', /'fovea\.fit' is "crop"; expected "fill" or "cover"/);
  fails(K.training, '[1]', /'fovea\.training' .*a JSON object/);
  fails(K.inputLayout, 'NHWC', /'fovea\.input_layout' is "NHWC"/);
  fails(K.formatVersion, '2', /newer than this fovea understands/);

  assert.throws(() => modelMetaFromOnnx(new Map([[K.normalizeMean, '[0, 0, 0]']]), [3, 8, 8], 'x.onnx'), /^OnnxError: x\.onnx: metadata has 'fovea\.normalize\.mean' without 'fovea\.normalize\.std'/);
  const props = new Map(onnxMetadataProps(meta));
  props.set('some.other.tool', '{not json');
  props.set('names', "{0: 'person'}");
  assert.deepEqual(modelMetaFromOnnx(props, meta.inputShape, 'x.onnx', 5), meta);
});

test('without fovea keys, ONNX\'s Image.NominalPixelRange gives the normalisation', () => {
  const read = (range: string) => modelMetaFromOnnx(new Map([[K.imagePixelRange, range]]), [3, 4, 4], 'x.onnx').normalize;
  assert.deepEqual(read('Normalized_1_1'), { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  assert.deepEqual(read('NominalRange_0_255'), { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] });
  assert.deepEqual(read('normalized_0_1'), { mean: [0, 0, 0], std: [1, 1, 1] });
  assert.equal(read('NominalRange_16_235'), undefined);
});

test('export refuses a meta that does not fit the model, and baking without a meta', () => {
  assert.throws(() => exportOnnx(net(), { inputShape: [3, 8, 8], meta: { ...meta, inputShape: [1, 8, 8] } }), /meta\.inputShape \[1, 8, 8\] differs/);
  assert.throws(() => exportOnnx(net(), { inputShape: [3, 8, 8], bakeNormalization: true }), /bakeNormalization needs meta/);
  assert.throws(() => exportOnnx(net(), { inputShape: [3, 8, 8], meta: { ...meta, normalize: { mean: [0], std: [1] } }, bakeNormalization: true }), /1 means and 1 stds for 3 input channel/);
});
