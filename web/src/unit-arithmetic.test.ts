import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, SumPool2d, Tanh, lenet, manualSeed, rand } from 'fovea';
import { recordForward } from './record-forward.js';
import { recompute, unitArithmetic } from './unit-arithmetic.js';

/** Recomputes every unit of every layer and compares with what the model produced. */
function checkAllUnits(model: Sequential, shape: [number, number, number]): Set<string> {
  const x = rand([1, ...shape], { low: -1, high: 1 }).data;
  const { layers } = recordForward(model, x, shape);
  const kinds = new Set<string>();
  for (const l of layers) {
    const [c, h, w] = l.outShape.length === 3 ? (l.outShape as [number, number, number]) : [l.outShape[0]!, 1, 1];
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          const a = unitArithmetic(l, k, y, xx);
          kinds.add(`${l.type}:${a.kind}`);
          if (a.kind === 'none') continue;
          const want = l.output[(k * h + y) * w + xx]!;
          assert.equal(a.value, want);
          assert.ok(Math.abs(recompute(a) - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${l.path} ${l.type} unit ${k},${y},${xx}: recomputed ${recompute(a)}, model ${want}`);
        }
      }
    }
  }
  return kinds;
}

test('LeNet: every unit of every layer is recomputed from its input, weights and bias', () => {
  manualSeed(1);
  const kinds = checkAllUnits(lenet(), [1, 28, 28]);
  for (const k of ['Conv2d:conv', 'ReLU:elementwise', 'MaxPool2d:pool', 'Linear:linear', 'Flatten:none']) assert.ok(kinds.has(k), k);
});

test('stride, dilation, padding (numbers, pairs, same), groups, avg/sum pooling with padding: recomputed exactly', () => {
  manualSeed(2);
  const model = new Sequential(
    new Conv2d(2, 4, 3, { stride: 2, padding: 1 }), new Tanh(),
    new Conv2d(4, 4, [3, 2], { dilation: [2, 1], padding: 'same', groups: 2 }),
    new AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    new Conv2d(4, 6, 2, { padding: [1, 0], bias: false }), new ReLU(),
    new SumPool2d(2, { padding: 1 }), new AvgPool2d(2, { padding: 1 }), new MaxPool2d(2, { stride: 1, padding: 1 }),
  );
  const flat = model.outputShape([1, 2, 13, 11]).slice(1).reduce((a, b) => a * b, 1);
  model.append(new Flatten()).append(new Linear(flat, 3));
  const kinds = checkAllUnits(model, [2, 13, 11]);
  assert.ok(kinds.has('Tanh:elementwise') && kinds.has('SumPool2d:pool') && kinds.has('AvgPool2d:pool'));
});

test('dilated max pooling and ceil-mode average pooling (a window past the padded input): recomputed exactly', () => {
  manualSeed(4);
  const model = new Sequential(
    new Conv2d(1, 2, 3, { padding: 1 }), new MaxPool2d(3, { stride: 1, padding: 1, dilation: 2 }),
    new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), new AvgPool2d(2, { stride: 2, ceilMode: true, countIncludePad: false }),
  );
  const flat = model.outputShape([1, 1, 12, 11]).slice(1).reduce((a, b) => a * b, 1);
  model.append(new Flatten()).append(new Linear(flat, 2));
  const kinds = checkAllUnits(model, [1, 12, 11]);
  assert.ok(kinds.has('MaxPool2d:pool') && kinds.has('AvgPool2d:pool'));
});

test('a conv unit at the border marks the taps that fall in the zero padding', () => {
  manualSeed(3);
  const model = new Sequential(new Conv2d(1, 1, 5, { padding: 2 }));
  const x = rand([1, 1, 6, 6]).data;
  const { layers } = recordForward(model, x, [1, 6, 6]);
  const a = unitArithmetic(layers[0]!, 0, 0, 0);
  assert.equal(a.kind, 'conv');
  if (a.kind !== 'conv') return;
  const t = a.terms[0]!;
  // rows 0-1 and columns 0-1 of the 5x5 window are padding; (2, 2) is input pixel (0, 0)
  assert.deepEqual(Array.from(t.padded.slice(0, 5)), [1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(t.padded.slice(10, 15)), [1, 1, 0, 0, 0]);
  assert.equal(t.patch[12], x[0]);
});
