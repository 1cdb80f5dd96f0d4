/**
 * softmax and logSoftmax along a dim, computed stably (max-subtracted).
 */
import { kernels } from '../../backend/configure.js';
import { Tensor, empty, record } from '../tensor.js';
import { mul, sub } from './elementwise.js';
import { exp } from './elementwise.js';
import { sum } from './reduce.js';
import { normDim } from './util.js';

function split(x: Tensor, d: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= x.shape[i]!;
  for (let i = d + 1; i < x.ndim; i++) inner *= x.shape[i]!;
  return [outer, x.shape[d]!, inner];
}

/** exp(x) / sum(exp(x)) along `dim`. Shape: unchanged. */
export function softmax(x: Tensor, dim: number): Tensor {
  const d = normDim('softmax', dim, x.ndim, x.shape);
  const y = empty(x.shape);
  kernels().softmax(x.data, ...split(x, d), y.data);
  // dx = y * (g - sum(g * y))
  return record(y, 'softmax', [x], (g) => [mul(y, sub(g, sum(mul(g, y), d, true)))]);
}

/** log(softmax(x)) along `dim`, exact for large logits. Shape: unchanged. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normDim('logSoftmax', dim, x.ndim, x.shape);
  const y = empty(x.shape);
  kernels().logSoftmax(x.data, ...split(x, d), y.data);
  // dx = g - softmax(x) * sum(g)
  return record(y, 'logSoftmax', [x], (g) => [sub(g, mul(exp(y), sum(g, d, true)))]);
}
