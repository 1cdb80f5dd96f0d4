// elu: values against a float64 definition, saturation, NaN, gradient (PyTorch's, alpha at 0), errors.
// The kernels themselves are in the conformance suite and src/backend/js/kernels.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../../errors.js';
import { tensor } from './creation.js';
import { elu } from './elementwise.js';
import { sum } from './reduce.js';

/** PyTorch's definition in float64. */
const ref = (v: number, alpha: number): number => (v > 0 ? v : alpha * (Math.exp(v) - 1));

test('elu matches alpha * (exp(x) - 1) below 0 and x above, to float32 rounding', () => {
  const xs: number[] = [];
  for (let v = -30; v <= 5; v += 0.0137) xs.push(v);
  xs.push(-1e-6, -1e-3, 1e-6, 0);
  const x = Float32Array.from(xs);
  for (const alpha of [1, 0.5, 2.5]) {
    const y = elu(tensor(Array.from(x)), alpha).toArray() as number[];
    let worst = 0;
    x.forEach((v, i) => {
      const want = ref(v, alpha);
      worst = Math.max(worst, Math.abs(y[i]! - want) / Math.max(Math.abs(want), 1e-30));
    });
    assert.ok(worst <= 2 ** -24, `alpha ${alpha}: max relative error ${worst}`);
  }
});

test('elu saturates at exactly -alpha, passes NaN, and defaults to alpha 1', () => {
  const y = elu(tensor([-1e4, -200, -Infinity, 0, 3, NaN]), 0.3).toArray() as number[];
  assert.deepEqual(y.slice(0, 5), [Math.fround(-0.3), Math.fround(-0.3), Math.fround(-0.3), 0, 3]);
  assert.ok(Number.isNaN(y[5]!));
  assert.deepEqual(elu(tensor([-1e4, 2])).toArray(), [-1, 2]);
  assert.throws(() => elu(tensor([1]), NaN), (e: unknown) => e instanceof ValueError && /alpha must be a finite number/.test(e.message));
});

test('elu gradient is dy for x > 0 and dy * alpha * exp(x) otherwise (alpha at 0, as PyTorch)', () => {
  const v = [-2, -0.5, 0, 0.5, 3, -1e4];
  const x = tensor(v, undefined, { requiresGrad: true });
  sum(elu(x, 2).mul(tensor([1, 2, 3, 4, 5, 6]))).backward();
  const want = [1 * 2 * Math.exp(-2), 2 * 2 * Math.exp(-0.5), 3 * 2, 4, 5, 0];
  (x.grad!.toArray() as number[]).forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= 1e-6 * Math.abs(want[i]!), `${g} vs ${want[i]}`));
});
