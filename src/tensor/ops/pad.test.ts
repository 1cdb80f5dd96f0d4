// pad2d: padding and (negative pads) cropping, values and gradients.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError } from '../../errors.js';
import { gradcheck } from '../gradcheck.js';
import { Tensor } from '../tensor.js';
import { pad2d, type Pad4 } from './pad.js';

const arange = (shape: number[], requiresGrad = false): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, (_, i) => i + 1), shape, requiresGrad);
};

test('pad2d pads with a value and crops with negative pads, as F.pad', () => {
  const x = arange([1, 1, 3, 4]);
  assert.deepEqual(pad2d(x, [1, 0, 0, 1], -1).toArray(), [-1, -1, -1, -1, -1, 1, 2, 3, 4, -1, 5, 6, 7, 8, -1, 9, 10, 11, 12, -1]);
  assert.deepEqual(pad2d(x, [0, 0, -1, -1]).toArray(), [1, 2, 3, 5, 6, 7]);
  assert.deepEqual(pad2d(x, [-1, -2, 0, 0]).toArray(), [7, 8, 11, 12]);
  // crop one side and pad the other
  const y = pad2d(x, [-2, 1, 1, -3]);
  assert.deepEqual([...y.shape], [1, 1, 2, 2]);
  assert.deepEqual(y.toArray(), [0, 9, 0, 0]);
});

test('pad2d gradients with padding and cropping match finite differences', () => {
  for (const pads of [[1, 2, 0, 1], [-1, 0, -1, -2], [2, -1, -3, 1]] as Pad4[]) {
    const x = new Tensor(Float32Array.from({ length: 2 * 2 * 4 * 5 }, (_, i) => Math.sin(i)), [2, 2, 4, 5], true);
    const r = gradcheck((a) => pad2d(a, pads, 0.5), [x]);
    assert.ok(r.ok, `${pads}: ${r.message}`);
  }
});

test('pad2d errors: non-integer pads, or crops that leave nothing', () => {
  const x = arange([1, 1, 3, 4]);
  assert.throws(() => pad2d(x, [0.5, 0, 0, 0]), (e: unknown) => e instanceof ShapeError && /pads must be integers, got \[0\.5, 0, 0, 0\]/.test(e.message));
  assert.throws(() => pad2d(x, [-2, 0, -1, 0]), (e: unknown) => e instanceof ShapeError && /pads \[-2, 0, -1, 0\] crop all of input \[1, 1, 3, 4\] \(output 0x4\)/.test(e.message));
});
