/**
 * Matrix products: `matmul` (2-D and batched 3-D) and the fused `linear`.
 */
import { kernels } from '../../backend/configure.js';
import { ShapeError, fmt } from '../../errors.js';
import { Tensor, empty, record } from '../tensor.js';
import { add } from './elementwise.js';
import { currentPath } from './util.js';

/** op(a) @ op(b) for 2-D a and b (internal: the transposes are free in the kernel). */
function mm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const m = transA ? a.shape[1]! : a.shape[0]!;
  const k = transA ? a.shape[0]! : a.shape[1]!;
  const n = transB ? b.shape[0]! : b.shape[1]!;
  const out = empty([m, n]);
  kernels().matmul(a.data, b.data, out.data, 1, m, n, k, transA, transB, 0, 0);
  return out;
}

/**
 * Matrix product. Shape: [m, k] @ [k, n] → [m, n]; [b, m, k] @ [b, k, n] → [b, m, n];
 * [b, m, k] @ [k, n] → [b, m, n].
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const bad = (): never => {
    throw new ShapeError('matmul', `cannot multiply ${fmt(a.shape)} by ${fmt(b.shape)}`, currentPath());
  };
  if (a.ndim === 2 && b.ndim === 2) {
    if (a.shape[1] !== b.shape[0]) bad();
    const out = mm(a, b, false, false);
    return record(out, 'matmul', [a, b], (g) => [
      a.requiresGrad ? mm(g, b, false, true) : null,
      b.requiresGrad ? mm(a, g, true, false) : null,
    ]);
  }
  if (a.ndim === 3 && (b.ndim === 3 || b.ndim === 2)) {
    const [batch, m, k] = a.shape as [number, number, number];
    const bBatched = b.ndim === 3;
    if (bBatched && b.shape[0] !== batch) bad();
    const kb = bBatched ? b.shape[1]! : b.shape[0]!;
    const n = bBatched ? b.shape[2]! : b.shape[1]!;
    if (kb !== k) bad();
    const out = empty([batch, m, n]);
    kernels().matmul(a.data, b.data, out.data, batch, m, n, k, false, false, m * k, bBatched ? k * n : 0);
    return record(out, 'matmul', [a, b], (g) => {
      const ga = empty([batch, m, k]);
      kernels().matmul(g.data, b.data, ga.data, batch, m, k, n, false, true, m * n, bBatched ? k * n : 0);
      let gb: Tensor | null = null;
      if (b.requiresGrad) {
        if (bBatched) {
          gb = empty([batch, k, n]);
          kernels().matmul(a.data, g.data, gb.data, batch, k, n, m, true, false, m * k, m * n);
        } else {
          gb = mm(a.reshape([batch * m, k]), g.reshape([batch * m, n]), true, false);
        }
      }
      return [ga, gb];
    });
  }
  return bad();
}

/**
 * y = x @ weight^T + bias, PyTorch's F.linear.
 *
 * Shape: x [N, in], weight [out, in], bias [out] → [N, out].
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (x.ndim !== 2 || weight.ndim !== 2 || x.shape[1] !== weight.shape[1]) {
    throw new ShapeError(
      'linear',
      x.ndim === 2 && weight.ndim === 2
        ? `input has ${x.shape[1]} features but weight ${fmt(weight.shape)} expects ${weight.shape[1]}; input shape ${fmt(x.shape)}`
        : `expected input [N, in] and weight [out, in], got input ${fmt(x.shape)} and weight ${fmt(weight.shape)}`,
      currentPath(),
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError('linear', `bias ${fmt(bias.shape)} does not match weight ${fmt(weight.shape)}; expected [${weight.shape[0]}]`, currentPath());
  }
  const y = mm(x, weight, false, true);
  const xw = record(y, 'linear', [x, weight], (g) => [
    x.requiresGrad ? mm(g, weight, false, false) : null,
    weight.requiresGrad ? mm(g, x, true, false) : null,
  ]);
  if (!bias) return xw;
  return add(xw, bias);
}

