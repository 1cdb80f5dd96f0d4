// The MobileNetV2 shipped in the nsfwjs package, imported into fovea, gives
// TensorFlow.js's probabilities on a real photo (the same pixels fed to both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { softmax } from '../../tensor/ops/softmax.js';
import { loadImageFile } from '../../vision/image-file.js';
import { imageToTensorData } from '../../vision/image.js';
import { loadNsfwjsModel, NSFWJS_CLASS_NAMES } from './nsfwjs-node.js';

await tf.setBackend('cpu');

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const daisy = join(repo, '..', 'shared', 'data', 'flowers', 'daisy');
const photo = existsSync(daisy) ? readdirSync(daisy).filter((f) => /\.jpe?g$/i.test(f)).sort()[0] : undefined;

const loaded = loadNsfwjsModel('mobilenet_v2');
const [C, H, W] = loaded.inputShape;

/** TF.js's own model, loaded the way nsfwjs loads it: the package's bundles (run here, as nsfwjs runs them) via tf.io.fromMemory. */
async function reference(): Promise<tf.LayersModel> {
  const dir = join(loaded.packageDir, 'dist', 'models', 'mobilenet_v2');
  const req = createRequire(join(dir, 'model.min.js'));
  const json = req(join(dir, 'model.min.js')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const bytes = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => Buffer.from(req(join(dir, `${p}.min.js`)) as string, 'base64')));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

/** fovea's and TF.js's class probabilities for one image of [0, 1] pixels given in CHW order. */
async function both(chw: Float32Array): Promise<{ mine: number[]; theirs: number[] }> {
  const mine = noGrad(() => softmax(loaded.model.forward(tensor(chw, [1, C, H, W])), 1)).toArray();
  const hwc = new Float32Array(chw.length);
  for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) hwc[i * C + c] = chw[c * H * W + i]!;
  const model = await reference();
  const theirs = Array.from(await (model.predict(tf.tensor(hwc, [1, H, W, C])) as tf.Tensor).data());
  model.dispose();
  return { mine, theirs };
}

test('nsfwjs MobileNetV2 imports as a 224x224 model with nsfwjs classes, preprocessing and named layers', () => {
  assert.deepEqual(loaded.inputShape, [3, 224, 224]);
  assert.deepEqual(loaded.classNames, NSFWJS_CLASS_NAMES);
  assert.deepEqual(loaded.normalize, { mean: [0, 0, 0], std: [1, 1, 1] });
  assert.equal(loaded.removedSoftmax, true);
  assert.equal(loaded.outputName, 'dense_3');
  assert.deepEqual(loaded.unusedWeights, []);
  // a backbone can be cut at a Keras layer: flatten_1 holds the 1280 pooled features
  const shapes = loaded.model.valueShapes([1, 3, 224, 224]);
  assert.deepEqual(shapes.get('flatten_1'), [1, 1280]);
  assert.deepEqual(shapes.get('Conv1_pad'), [1, 3, 225, 225]);
  assert.deepEqual(loaded.model.outputShape([2, 3, 224, 224]), [2, 5]);
});

test('nsfwjs MobileNetV2 on a real photo: fovea gives TF.js\'s probabilities', { skip: photo ? false : `no photo: ${daisy} is absent (the synthetic-image test below still compares)` }, async (t) => {
  const img = await loadImageFile(join(daisy, photo!), { channels: 3, size: [H, W] });
  const { mine, theirs } = await both(imageToTensorData(img, loaded.normalize.mean, loaded.normalize.std));
  const diff = Math.max(...mine.map((v, i) => Math.abs(v - theirs[i]!)));
  t.diagnostic(`${photo}: fovea [${mine.map((v) => v.toFixed(5)).join(', ')}], TF.js [${theirs.map((v) => v.toFixed(5)).join(', ')}], max abs difference ${diff.toExponential(2)}`);
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
  assert.equal(mine.indexOf(Math.max(...mine)), theirs.indexOf(Math.max(...theirs)));
});

test('nsfwjs MobileNetV2 on a synthetic image (when the photo folder is absent)', { skip: photo ? 'the real photo was compared above' : false }, async (t) => {
  // a smooth deterministic pattern: gradients and stripes in each channel
  const chw = Float32Array.from({ length: C * H * W }, (_, i) => {
    const [c, y, x] = [Math.floor(i / (H * W)), Math.floor(i / W) % H, i % W];
    return 0.5 + 0.5 * Math.sin((x * (c + 1)) / 17 + y / 23 + c);
  });
  const { mine, theirs } = await both(chw);
  const diff = Math.max(...mine.map((v, i) => Math.abs(v - theirs[i]!)));
  t.diagnostic(`synthetic image: max abs difference ${diff.toExponential(2)}`);
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
});
