/**
 * Reductions: sum, mean, max, argmax over dims (PyTorch's `dim`, `keepdim`).
 */
import { kernels } from '../../backend/configure.js';
import { ShapeError, fmt } from '../../errors.js';
import { Tensor, empty, record, type Shape } from '../tensor.js';
import { currentPath, normDim } from './util.js';

function axesOf(op: string, x: Tensor, dim: number | readonly number[] | undefined): number[] {
  if (dim === undefined) return x.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const axes = [...new Set(list.map((d) => normDim(op, d, x.ndim, x.shape)))].sort((a, b) => a - b);
  return axes;
}

function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Broadcasts `g` (shape with 1s where reduced) up to `shape`. */
export function expandTo(g: Tensor, shape: Shape): Tensor {
  const out = empty(shape);
  kernels().add(g.data, g.shape, ZERO, [1], out.data, shape);
  return record(out, 'expand', [g], (gg) => [sumTo(gg, g.shape)]);
}
const ZERO = new Float32Array(1);

/**
 * Sums `g` down to `shape` (the gradient of a broadcast): leading dims and
 * dims where `shape` has 1 are summed.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return sum(g, axes, false).reshape(shape);
}

/**
 * Sum over `dim` (all dims when omitted).
 *
 * Shape: input [d0, ..., dn] → the reduced dims removed (or 1 with keepdim).
 * @example x.sum([0, 2, 3])   // [N, C, H, W] → [C]
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = axesOf('sum', x, dim);
  const shape = reducedShape(x.shape, axes, keepdim);
  const out = empty(shape);
  kernels().sum(x.data, x.shape, axes, out.data);
  return record(out, 'sum', [x], (g) => [expandTo(g.reshape(reducedShape(x.shape, axes, true)), x.shape)]);
}

/** Mean over `dim` (all dims when omitted). */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = axesOf('mean', x, dim);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  if (count === 0) throw new ShapeError('mean', `mean over an empty dimension of shape ${fmt(x.shape)}`, currentPath());
  return sum(x, axes, keepdim).mul(1 / count);
}

/** Max over one dim; the gradient goes to the first maximal element (as in PyTorch). */
export function max(x: Tensor, dim: number, keepdim = false): Tensor {
  const d = normDim('max', dim, x.ndim, x.shape);
  const shape = reducedShape(x.shape, [d], keepdim);
  const out = empty(shape);
  kernels().max(x.data, x.shape, d, out.data);
  return record(out, 'max', [x], (g) => {
    const idx = argmax(x, d, true);
    // one-hot mask of the winners along d, times the broadcast gradient
    const mask = empty(x.shape, true);
    const outer = x.shape.slice(0, d).reduce((a, b) => a * b, 1);
    const n = x.shape[d]!;
    const inner = x.shape.slice(d + 1).reduce((a, b) => a * b, 1);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) mask.data[(o * n + idx.data[o * inner + i]!) * inner + i] = 1;
    }
    return [expandTo(g.reshape(reducedShape(x.shape, [d], true)), x.shape).mul(mask)];
  });
}

/** Index of the maximum along `dim`, as float values (no gradient). */
export function argmax(x: Tensor, dim: number, keepdim = false): Tensor {
  const d = normDim('argmax', dim, x.ndim, x.shape);
  const out = empty(reducedShape(x.shape, [d], keepdim));
  kernels().argmax(x.data, x.shape, d, out.data);
  return out;
}
