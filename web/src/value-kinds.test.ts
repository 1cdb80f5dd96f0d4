import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conv2d, MaxPool2d, ReLU } from 'fovea';
import type { RecordedLayer } from './record-forward.js';
import { inputKind, normalisationText } from './value-kinds.js';

const layer = (path: string, type: string, inLen: number, outLen: number): RecordedLayer => ({
  path, type, module: type === 'Conv2d' ? new Conv2d(1, 1, 1) : type === 'ReLU' ? new ReLU() : new MaxPool2d(2),
  inShape: [inLen], outShape: [outLen], input: new Float32Array(inLen), output: new Float32Array(outLen),
});

test('the normalisation is said as the model file gives it', () => {
  assert.equal(normalisationText({ normalize: { mean: [0.1307], std: [0.3081] } }), '(pixel − 0.1307) ÷ 0.3081, pixel in 0–1');
  assert.equal(normalisationText({ normalize: { mean: [0], std: [1] } }), 'pixel (0–1), not rescaled');
  assert.match(normalisationText({ normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } }), /per channel, mean 0\.485, 0\.456, 0\.406, std 0\.229/);
});

test('a layer reads the normalised input first, then the previous layer\'s activations', () => {
  const layers = [layer('features.0', 'Conv2d', 4, 8), layer('features.1', 'ReLU', 8, 8), layer('features.2', 'MaxPool2d', 8, 2)];
  const meta = { normalize: { mean: [0.5], std: [0.25] } };
  assert.equal(inputKind(layers, 0, meta), 'normalised input: (pixel − 0.5) ÷ 0.25, pixel in 0–1');
  assert.equal(inputKind(layers, 2, meta), 'activations of ReLU features.1');
  // Not chained (a graph's branch): no claim about which layer it was.
  layers[2] = layer('features.2', 'MaxPool2d', 6, 2);
  assert.equal(inputKind(layers, 2, meta), 'activations of the layers before');
});
