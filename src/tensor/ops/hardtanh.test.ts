// hardtanh / ReLU6: values, NaN, bounds, gradient, errors (the kernels themselves are in the conformance suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../../errors.js';
import { tensor } from './creation.js';
import { hardtanh } from './elementwise.js';
import { sum } from './reduce.js';

test('hardtanh clamps, passes NaN through, and gives no gradient at or beyond the bounds', () => {
  const x = tensor([-7, -1, 0, 0.5, 6, 9, NaN], undefined, { requiresGrad: true });
  const y = hardtanh(x, 0, 6);
  assert.deepEqual(y.toArray().slice(0, 6), [0, 0, 0, 0.5, 6, 6]);
  assert.ok(Number.isNaN(y.toArray()[6]!));
  sum(hardtanh(x, 0, 6).mul(tensor([1, 2, 3, 4, 5, 6, 7]))).backward();
  assert.deepEqual(x.grad!.toArray(), [0, 0, 0, 4, 0, 0, 0]);
  assert.deepEqual(hardtanh(tensor([-3, 3])).toArray(), [-1, 1], 'defaults to [-1, 1] as PyTorch');
  assert.deepEqual(hardtanh(tensor([-3, 3]), -Infinity, 0).toArray(), [-3, 0]);
  assert.throws(() => hardtanh(tensor([1]), 2, 1), (e: unknown) => e instanceof ValueError && /min 2 must not exceed max 1/.test(e.message));
});
