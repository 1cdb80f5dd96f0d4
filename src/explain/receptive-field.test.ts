import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hardtanh, ReLU } from '../nn/activation.js';
import { Conv2d } from '../nn/conv2d.js';
import { ConvTranspose2d } from '../nn/conv-transpose2d.js';
import { ConstantPad2d } from '../nn/pad2d.js';
import { lenet } from '../nn/models.js';
import type { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Residual } from '../nn/residual.js';
import { Sequential } from '../nn/sequential.js';
import { ValueError } from '../errors.js';
import { Generator } from '../util/random.js';
import { Tensor } from '../tensor/tensor.js';
import { recordActivations } from './activations.js';
import { receptiveField, type ReceptiveField } from './receptive-field.js';

/**
 * Brute force: raise one input pixel at a time by a large amount and see
 * which output units of every layer change. With all weights positive and
 * zero biases, every value on a path from the pixel grows (and wins its max
 * pool), so "changes" is exactly "is connected to".
 */
function bruteForce(model: Module, [c, h, w]: [number, number, number]): Map<string, ReceptiveField[][]> {
  for (const [name, p] of model.namedParameters()) {
    if (name.endsWith('bias')) p.data.fill(0);
    else p.data.forEach((v, i) => (p.data[i] = Math.abs(v) + 0.1));
  }
  const gen = new Generator(3);
  const base = Float32Array.from({ length: c * h * w }, () => 0.1 + 0.9 * gen.random());
  const ref = recordActivations(model, new Tensor(base, [1, c, h, w])).layers;
  const boxes = new Map<string, ReceptiveField[][]>();
  for (const a of ref) {
    if (a.shape.length !== 4) continue;
    boxes.set(a.path, Array.from({ length: a.shape[2]! }, () => Array.from({ length: a.shape[3]! }, () => ({ y0: h, y1: -1, x0: w, x1: -1 }))));
  }
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      const x = base.slice();
      for (let ch = 0; ch < c; ch++) x[(ch * h + py) * w + px]! += 100;
      const got = recordActivations(model, new Tensor(x, [1, c, h, w])).layers;
      got.forEach((a, li) => {
        const grid = boxes.get(a.path);
        if (!grid) return;
        const [, ch, oh, ow] = a.shape as [number, number, number, number];
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            let changed = false;
            for (let k = 0; k < ch && !changed; k++) {
              const i = (k * oh + oy) * ow + ox;
              changed = Math.abs(a.data[i]! - ref[li]!.data[i]!) > 1e-3;
            }
            if (!changed) continue;
            const b = grid[oy]![ox]!;
            b.y0 = Math.min(b.y0, py); b.y1 = Math.max(b.y1, py);
            b.x0 = Math.min(b.x0, px); b.x1 = Math.max(b.x1, px);
          }
        }
      });
    }
  }
  return boxes;
}

function assertMatchesBruteForce(model: Module, shape: [number, number, number]): void {
  const boxes = bruteForce(model, shape);
  assert.ok(boxes.size >= 3);
  for (const [path, grid] of boxes) {
    grid.forEach((row, y) => row.forEach((want, x) => {
      assert.deepEqual(receptiveField(model, shape, path, [y, x]), want, `layer ${path} unit [${y}, ${x}]`);
    }));
  }
}

test('receptive fields match brute force through conv stride 2, padding, dilation 2 and max pooling', () => {
  const model = new Sequential(
    new Conv2d(1, 2, 3, { stride: 2, padding: 1 }), new ReLU(),
    new MaxPool2d(3, { stride: 2, padding: 1 }),
    new Conv2d(2, 2, 3, { dilation: 2, padding: 2 }), new ReLU(),
    new MaxPool2d(2),
  );
  assertMatchesBruteForce(model, [1, 23, 21]);
});

test('receptive fields match brute force through dilated and ceil-mode pooling', () => {
  const model = new Sequential(
    new Conv2d(1, 2, 3, { padding: 1 }), new ReLU(),
    new MaxPool2d(3, { stride: 1, padding: 1, dilation: 2 }),
    new MaxPool2d(3, { stride: 2, ceilMode: true }),
    new AvgPool2d(2, { stride: 2, ceilMode: true }),
  );
  assertMatchesBruteForce(model, [1, 14, 13]);
});

test("receptive fields match brute force through residual blocks, average pooling, 'same' even kernels and adaptive pooling", () => {
  const model = new Sequential({
    stem: new Conv2d(2, 3, [4, 2], { padding: 'same' }),
    block: new Residual(new Sequential(new Conv2d(3, 3, 3, { padding: [2, 1], dilation: [2, 1] }), new AvgPool2d(3, { stride: 1, padding: 1 }))),
    pool: new AdaptiveAvgPool2d([3, 4]),
  });
  assertMatchesBruteForce(model, [2, 13, 11]);
});

test('receptive field examples: LeNet, a layer after Flatten, the whole model', () => {
  const model = lenet();
  assert.deepEqual(receptiveField(model, [1, 28, 28], 'features.0', [0, 0]), { y0: 0, y1: 2, x0: 0, x1: 2 });
  assert.deepEqual(receptiveField(model, [1, 28, 28], 'features.0', [10, 20]), { y0: 8, y1: 12, x0: 18, x1: 22 });
  assert.deepEqual(receptiveField(model, [1, 28, 28], 'features.3', [0, 0]), { y0: 0, y1: 11, x0: 0, x1: 11 });
  assert.deepEqual(receptiveField(model, [1, 1, 28, 28], 'features.5', [4, 4]), { y0: 14, y1: 27, x0: 14, x1: 27 });
  assert.deepEqual(receptiveField(model, [1, 28, 28], 'classifier.1', [0, 0]), { y0: 0, y1: 27, x0: 0, x1: 27 });
  assert.deepEqual(receptiveField(model, [1, 28, 28], '', [0, 0]), { y0: 0, y1: 27, x0: 0, x1: 27 });
});

test('receptive field errors name the problem', () => {
  const model = lenet();
  assert.throws(() => receptiveField(model, [1, 28, 28], 'features.9', [0, 0]),
    (e: unknown) => e instanceof ValueError && /no layer 'features\.9'.*'features\.0'/.test(e.message));
  assert.throws(() => receptiveField(model, [1, 28, 28], 'features.2', [14, 0]),
    (e: unknown) => e instanceof ValueError && /unit \[14, 0\] is outside layer 'features\.2', whose output is \[1, 6, 14, 14\]/.test(e.message));
  assert.throws(() => receptiveField(model, [28, 28], 'features.0', [0, 0]), /inputShape must be \[C, H, W\]/);
});

test('receptive fields match brute force through a transposed convolution, padding/cropping and ReLU6', () => {
  const model = new Sequential(
    new Conv2d(1, 2, 3, { stride: 2, padding: 1 }), new Hardtanh(0, 1e6),
    new ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), new ReLU(),
    new ConstantPad2d([1, -1, 0, 2]),
    new ConvTranspose2d(2, 1, 2, { stride: 1, dilation: 2 }),
  );
  assertMatchesBruteForce(model, [1, 9, 11]);
});
