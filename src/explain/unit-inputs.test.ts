import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReLU, Softmax, Tanh } from '../nn/activation.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../nn/pooling.js';
import { ValueError } from '../errors.js';
import { Generator, manualSeed } from '../util/random.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/grad-mode.js';
import { unitInputs } from './unit-inputs.js';

function forward(m: Module, x: Float32Array, shape: readonly number[]): Float32Array {
  return noGrad(() => m.forward(new Tensor(x.slice(), [1, ...shape])).data.slice());
}

/**
 * Brute force: raise one input value at a time by a large amount and see
 * whether the unit's output changes. With random (never zero) weights, a
 * large step always moves a conv or linear unit it reaches and always wins a
 * max-pooling window, so "changes" is exactly "is read".
 */
function readsByBruteForce(m: Module, x: Float32Array, shape: readonly number[], flatUnit: number): number[] {
  const base = forward(m, x, shape)[flatUnit]!;
  const read: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const y = x.slice();
    y[i]! += 1000;
    if (Math.abs(forward(m, y, shape)[flatUnit]! - base) > 1e-3) read.push(i);
  }
  return read;
}

const CASES: { name: string; make: () => Module; shape: number[] }[] = [
  { name: 'Conv2d 3x3', make: () => new Conv2d(2, 3, 3), shape: [2, 6, 6] },
  { name: 'Conv2d stride 2, padding 1, dilation 2', make: () => new Conv2d(2, 3, 3, { stride: 2, padding: 1, dilation: 2 }), shape: [2, 9, 8] },
  { name: 'Conv2d groups 2, padding same', make: () => new Conv2d(4, 4, [3, 2], { groups: 2, padding: 'same' }), shape: [4, 5, 5] },
  { name: 'MaxPool2d 3, stride 2, padding 1', make: () => new MaxPool2d(3, { stride: 2, padding: 1 }), shape: [2, 7, 7] },
  { name: 'AvgPool2d padding 1 (padding counted)', make: () => new AvgPool2d(3, { stride: 2, padding: 1 }), shape: [2, 7, 6] },
  { name: 'AvgPool2d padding 1 (padding not counted)', make: () => new AvgPool2d(2, { stride: 1, padding: 1, countIncludePad: false }), shape: [1, 5, 5] },
  { name: 'MaxPool2d 3, dilation 2, ceil mode', make: () => new MaxPool2d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }), shape: [2, 8, 9] },
  { name: 'AvgPool2d 3, stride 2, ceil mode (a last window past the padded input)', make: () => new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), shape: [1, 6, 6] },
  { name: 'AvgPool2d 2, ceil mode, padding not counted', make: () => new AvgPool2d(2, { stride: 2, ceilMode: true, countIncludePad: false }), shape: [1, 5, 5] },
  { name: 'SumPool2d 2', make: () => new SumPool2d(2), shape: [2, 6, 6] },
  { name: 'AdaptiveAvgPool2d 3 on 7x7', make: () => new AdaptiveAvgPool2d(3), shape: [2, 7, 7] },
  { name: 'Linear', make: () => new Linear(12, 5), shape: [12] },
  { name: 'Flatten', make: () => new Flatten(), shape: [2, 3, 4] },
  { name: 'ReLU on maps', make: () => new ReLU(), shape: [2, 3, 3] },
  { name: 'Tanh on a vector', make: () => new Tanh(), shape: [7] },
];

test('unitInputs lists exactly the inputs a unit reads (checked against brute force), and they add up to its value', () => {
  manualSeed(7);
  const gen = new Generator(11);
  for (const { name, make, shape } of CASES) {
    const m = make();
    const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => gen.random() * 2 - 1);
    const out = forward(m, x, shape);
    const outShape = m.outputShape([1, ...shape]).slice(1);
    for (let u = 0; u < out.length; u++) {
      const unit = outShape.length === 3 ? [Math.floor(u / (outShape[1]! * outShape[2]!)), Math.floor(u / outShape[2]!) % outShape[1]!, u % outShape[2]!] : [u];
      const r = unitInputs(m, x, shape, unit);
      const listed = r.inputs.map((i) => i.index).sort((a, b) => a - b);
      assert.deepEqual(listed, readsByBruteForce(m, x, shape, u), `${name}, unit ${unit}`);
      assert.equal(r.count, listed.length);
      for (const i of r.inputs) {
        assert.equal(i.value, x[i.index], `${name}: value at ${i.index}`);
        // channel, y, x name the same input as index
        if (shape.length === 3) assert.equal(i.index, (i.channel * shape[1]! + i.y) * shape[2]! + i.x);
      }
      const expected = r.kind === 'pointwise' ? x[listed[0]!]! : out[u]!;
      assert.ok(Math.abs(r.total - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `${name}, unit ${unit}: total ${r.total}, model ${expected}`);
      if (r.kind !== 'max' && r.kind !== 'pointwise' && r.kind !== 'reshape') {
        const sum = r.inputs.reduce((s, i) => s + i.contribution, r.bias);
        assert.ok(Math.abs(sum - out[u]!) < 1e-4 * Math.max(1, Math.abs(out[u]!)), `${name}, unit ${unit}: contributions add up to ${sum}, model ${out[u]}`);
      }
      // The window's taps: inside the kernel, distinct, and every input read lies in a channel the unit reads.
      if (r.kernel) {
        const seen = new Set<string>();
        for (const i of r.inputs) {
          const [ti, tj] = i.tap!;
          assert.ok(ti >= 0 && tj >= 0 && ti < r.kernel[0] && tj < r.kernel[1], `${name}: tap ${i.tap} outside kernel ${r.kernel}`);
          assert.ok(!seen.has(`${i.channel},${ti},${tj}`), `${name}: tap ${i.tap} twice`);
          seen.add(`${i.channel},${ti},${tj}`);
        }
      }
      for (const i of r.inputs) if (shape.length === 3) assert.ok(r.inChannels.includes(i.channel), `${name}: channel ${i.channel} not in ${r.inChannels}`);
      // Each window boxes exactly the listed inputs of its channel, taps dy/dx apart.
      for (const w of r.windows) {
        const mine = r.inputs.filter((i) => i.channel === w.channel);
        assert.ok(mine.length > 0);
        assert.equal(mine.length, ((w.y1 - w.y0) / w.dy + 1) * ((w.x1 - w.x0) / w.dx + 1), `${name}: window ${JSON.stringify(w)}`);
        for (const i of mine) assert.ok(i.y >= w.y0 && i.y <= w.y1 && (i.y - w.y0) % w.dy === 0 && i.x >= w.x0 && i.x <= w.x1 && (i.x - w.x0) % w.dx === 0);
      }
    }
  }
});

test('a conv unit reads a window in every input channel of its group, spaced by the dilation', () => {
  manualSeed(1);
  const conv = new Conv2d(4, 6, 3, { groups: 2, stride: 2, padding: 2, dilation: 2 });
  const x = new Float32Array(4 * 9 * 9).fill(1);
  // Output channel 4 is in group 1 (input channels 2 and 3); at (1, 0): rows 0,2,4 and columns -2,0,2 → 0,2.
  const r = unitInputs(conv, x, [4, 9, 9], [4, 1, 0]);
  assert.deepEqual(r.windows, [
    { channel: 2, y0: 0, y1: 4, x0: 0, x1: 2, dy: 2, dx: 2 },
    { channel: 3, y0: 0, y1: 4, x0: 0, x1: 2, dy: 2, dx: 2 },
  ]);
  assert.equal(r.count, 2 * 3 * 2);
  assert.deepEqual(r.inChannels, [2, 3]);
  assert.deepEqual(r.kernel, [3, 3]);
  // Taps: rows 0, 2, 4 are kernel rows 0..2 (1*2 − 2 + 2i); columns 0 and 2 are kernel columns 1 and 2 (column −2 is padding).
  assert.deepEqual(r.inputs.filter((i) => i.channel === 2).map((i) => i.tap).sort(), [[0, 1], [0, 2], [1, 1], [1, 2], [2, 1], [2, 2]]);
  // Every tap of a unit in the padding corner: none read, but the channels are still named.
  const corner = unitInputs(new Conv2d(2, 1, 2, { padding: 3 }), new Float32Array(2 * 2 * 2), [2, 2, 2], [0, 0, 0]);
  assert.deepEqual([corner.count, corner.windows, corner.inChannels], [0, [], [0, 1]]);
});

test('top keeps the largest contributions, sorted by size; the rest are summed', () => {
  manualSeed(2);
  const fc = new Linear(50, 3);
  const gen = new Generator(5);
  const x = Float32Array.from({ length: 50 }, () => gen.random() - 0.5);
  const all = unitInputs(fc, x, [50], [1]);
  const top = unitInputs(fc, x, [50], [1], { top: 6 });
  assert.equal(top.inputs.length, 6);
  assert.equal(top.count, 50);
  assert.deepEqual(top.inputs, all.inputs.slice(0, 6));
  for (let i = 1; i < all.inputs.length; i++) assert.ok(Math.abs(all.inputs[i - 1]!.contribution) >= Math.abs(all.inputs[i]!.contribution));
  const sum = top.inputs.reduce((s, i) => s + i.contribution, top.rest + top.bias);
  assert.ok(Math.abs(sum - forward(fc, x, [50])[1]!) < 1e-4);
  // A max-pooling unit: only the largest input contributes.
  const mp = unitInputs(new MaxPool2d(2), Float32Array.of(1, 5, -2, 3), [1, 2, 2], [0, 0, 0]);
  assert.deepEqual(mp.inputs.map((i) => [i.value, i.contribution]), [[5, 5], [1, 0], [-2, 0], [3, 0]]);
});

test('bad input is refused with what was wrong', () => {
  const conv = new Conv2d(1, 2, 3);
  assert.throws(() => unitInputs(conv, new Float32Array(10), [1, 5, 5], [0, 0, 0]), (e: unknown) => e instanceof ValueError && /input has 10 values but inputShape \[1, 5, 5\] holds 25/.test(e.message));
  assert.throws(() => unitInputs(conv, new Float32Array(25), [1, 5, 5], [0, 3, 0]), (e: unknown) => e instanceof ValueError && /unit \[0, 3, 0\] is outside the layer's output \[2, 3, 3\]/.test(e.message));
  assert.throws(() => unitInputs(new Linear(4, 2), new Float32Array(4), [4], [0, 0, 0]), (e: unknown) => e instanceof ValueError && /give \[i\]/.test(e.message));
  assert.throws(() => unitInputs(new Softmax(1), new Float32Array(4), [4], [0]), (e: unknown) => e instanceof ValueError && /Softmax.*known: Conv2d/.test(e.message));
});
