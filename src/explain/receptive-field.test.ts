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
import { assertMatchesBruteForce as checkBruteForce } from '../testing/receptive-field-brute-force.js';
import { receptiveField } from './receptive-field.js';

function assertMatchesBruteForce(model: Module, shape: [number, number, number]): void {
  assert.ok(checkBruteForce(model, shape) >= 3);
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
