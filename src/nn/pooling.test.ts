// The pooling layers' options beyond floor mode: ceilMode and (max pooling) dilation, PyTorch's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../errors.js';
import { noGrad } from '../tensor/grad-mode.js';
import { tensor } from '../tensor/ops/creation.js';
import { avgPool2d, maxPool2d } from '../tensor/ops/pool.js';
import { AvgPool2d, MaxPool2d, SumPool2d } from './pooling.js';

test('ceilMode rounds the output size up, but the last window must start inside the input or its top/left padding', () => {
  // GoogLeNet's first pool: 112 → 56 (floor mode: 55)
  assert.deepEqual(new MaxPool2d(3, { stride: 2, ceilMode: true }).outputShape([1, 64, 112, 112]), [1, 64, 56, 56]);
  assert.deepEqual(new MaxPool2d(3, { stride: 2 }).outputShape([1, 64, 112, 112]), [1, 64, 55, 55]);
  // 5 rows, kernel 2, stride 2, padding 1: ceil((5 + 2 - 2) / 2) + 1 = 4, but a 4th window would start at row 5, past the input: 3
  assert.deepEqual(new AvgPool2d(2, { stride: 2, padding: 1, ceilMode: true }).outputShape([1, 1, 5, 6]), [1, 1, 3, 4]);
  assert.deepEqual(new MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }).outputShape([1, 1, 5, 6]), [1, 1, 3, 4]);
});

test('a ceil-mode window hanging past the input: max over its real part; average divides by its part inside the padded input', () => {
  const x = tensor([1, 2, 3, 4, 5], [1, 1, 1, 5]);
  const y = noGrad(() => maxPool2d(x, [1, 2], { ceilMode: true }));
  assert.deepEqual(y.toArray(), [2, 4, 5]);
  // count_include_pad: the last window [4, 6) is clipped to the padded input [.., 5 + 0): divisor 1, as in PyTorch
  assert.deepEqual(noGrad(() => avgPool2d(x, [1, 2], { ceilMode: true })).toArray(), [1.5, 3.5, 5]);
  // with padding 1 the last window [4, 6) lies inside the padded input [-1, 6): divisor 2 with, 1 without the padding
  assert.deepEqual(noGrad(() => avgPool2d(x, [1, 2], { padding: [0, 1], ceilMode: true })).toArray(), [0.5, 2.5, 4.5]);
  assert.deepEqual(noGrad(() => avgPool2d(x, [1, 2], { padding: [0, 1], ceilMode: true, countIncludePad: false })).toArray(), [1, 2.5, 4.5]);
});

test('dilated max pooling takes every d-th pixel: kernel 2, dilation 3 spans 4 pixels', () => {
  const x = tensor([5, 0, 0, 1, 9, 0, 0, 2], [1, 1, 1, 8]);
  const m = new MaxPool2d([1, 2], { stride: 1, dilation: [1, 3] });
  assert.deepEqual(m.outputShape(x.shape), [1, 1, 1, 5]);
  assert.deepEqual(noGrad(() => m.forward(x)).toArray(), [5, 9, 0, 1, 9]);
  assert.equal(m.extraRepr(), 'kernelSize=[1,2], stride=1, dilation=[1,3]');
});

test('ceilMode and dilation survive config() / fromConfig()', () => {
  const m = new MaxPool2d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true });
  const back = MaxPool2d.fromConfig(m.config());
  assert.deepEqual(back.options, m.options);
  assert.deepEqual(back.outputShape([1, 1, 17, 16]), m.outputShape([1, 1, 17, 16]));
  const a = AvgPool2d.fromConfig(new AvgPool2d(3, { stride: 2, ceilMode: true, countIncludePad: false }).config());
  assert.deepEqual(a.options, { stride: 2, ceilMode: true, countIncludePad: false });
  assert.equal(a.extraRepr(), 'kernelSize=3, stride=2, ceilMode=true, countIncludePad=false');
});

test('average and sum pooling refuse a dilation (PyTorch has none); a bad dilation is named', () => {
  const opts = { dilation: 2 } as object;
  assert.throws(() => new AvgPool2d(2, opts), (e: unknown) => e instanceof ShapeError && /AvgPool2d.*no dilation.*2/.test(e.message));
  assert.throws(() => new SumPool2d(2, opts), (e: unknown) => e instanceof ShapeError && /SumPool2d.*no dilation/.test(e.message));
  assert.throws(() => new MaxPool2d(2, { dilation: 0 }), (e: unknown) => e instanceof ShapeError && /dilation must be >= 1, got \[0, 0\]/.test(e.message));
  assert.throws(() => new MaxPool2d(3, { dilation: 4 }).outputShape([1, 1, 8, 8]), (e: unknown) => e instanceof ShapeError && /does not fit the input 8x8.*dilation \[4, 4\]/.test(e.message));
});
