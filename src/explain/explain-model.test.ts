import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReLU, Softmax } from '../nn/activation.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { lenet } from '../nn/models.js';
import { AdaptiveAvgPool2d } from '../nn/pooling.js';
import { basicBlock } from '../nn/residual.js';
import { Sequential } from '../nn/sequential.js';
import { ShapeError } from '../errors.js';
import { Generator } from '../util/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { ImageData8 } from '../vision/image.js';
import { explainModel } from './explain-model.js';
import { pageFiles } from './html-page.js';

const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const random = (shape: number[]): Tensor => {
  const g = new Generator(5);
  return new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.random() - 0.3), shape);
};

test('explainModel lays out input, first filters, every layer in order, and the probabilities', () => {
  const model = lenet();
  const image: ImageData8 = { width: 28, height: 28, channels: 1, data: new Uint8Array(784).fill(9) };
  const { page, probabilities, layers } = explainModel(model, random([1, 1, 28, 28]), { classNames: digits, image, topK: 3 });
  assert.deepEqual(page.sections.map((s) => s.heading), ['Input', 'Filters of the first conv layer', 'Layers', 'Prediction']);
  const figs = page.sections.flatMap((s) => s.figures);
  assert.equal(figs.length, 1 + 1 + layers.length + 1);
  assert.deepEqual(figs.slice(0, 5).map((f) => f.file), ['00-input.png', '01-filters-features.0.png', '02-features.0-conv2d.png', '03-features.1-relu.png', '04-features.2-maxpool2d.png']);
  assert.equal(figs[figs.length - 1]!.file, `${String(figs.length - 1).padStart(2, '0')}-probabilities.svg`);
  assert.equal(new Set(pageFiles(page)).size, pageFiles(page).length, 'file names are unique');
  assert.match(figs[2]!.caption, /^features\.0 · Conv2d · output \[1, 6, 28, 28\] · values -?[\d.]+ to [\d.]+$/);
  assert.match(figs[9]!.caption, /^classifier\.1 · Linear · output \[1, 120\]/);
  const input = figs[0]!.content as ImageData8;
  assert.deepEqual([input.width, input.height], [112, 112], 'the 28 px input drawn 4x');
  assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  const chart = figs[figs.length - 1]!;
  assert.equal(chart.png, true);
  assert.equal((chart.content as string).match(/%<\/text>/g)!.length, 3, 'top 3');
});

test('explainModel handles RGB filters, residual blocks, a final Softmax, and refuses bad shapes', () => {
  const model = new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new ReLU(), basicBlock(4, 4), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 2), new Softmax(1));
  const { page, probabilities, layers } = explainModel(model, random([1, 3, 8, 8]), { classNames: ['cat', 'dog'] });
  assert.ok(layers.some((a) => a.path === '2' && a.type === 'Residual'));
  assert.deepEqual(Array.from(probabilities), Array.from(layers[layers.length - 1]!.data), 'Softmax output used as is');
  assert.match(page.sections[1]!.figures[0]!.caption, /^0 · Conv2d weight \[4, 3, 3, 3\]$/);
  assert.throws(() => explainModel(model, random([2, 3, 8, 8]), { classNames: ['cat', 'dog'] }), (e: unknown) => e instanceof ShapeError && /one image \[1, C, H, W\], got \[2, 3, 8, 8\]/.test(e.message));
  assert.throws(() => explainModel(model, random([1, 3, 8, 8]), { classNames: ['a', 'b', 'c'] }), /output \[1, 2\] does not match 3 class names/);
});
