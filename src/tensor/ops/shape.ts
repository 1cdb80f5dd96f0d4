/**
 * Shape ops: reshape (a view sharing memory), flatten, permute, transpose,
 * squeeze, unsqueeze.
 */
import { kernels } from '../../backend/configure.js';
import { ShapeError, fmt } from '../../errors.js';
import { Tensor, empty, numel, record } from '../tensor.js';
import { currentPath, normDim } from './util.js';

/**
 * Same data, new shape; one dim may be -1 (inferred).
 * @example x.reshape([x.shape[0], -1])
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = [...shape];
  const infer = s.indexOf(-1);
  if (infer >= 0) {
    const known = s.reduce((a, d, i) => (i === infer ? a : a * d), 1);
    if (known === 0 || x.numel() % known !== 0) {
      throw new ShapeError('reshape', `cannot reshape ${fmt(x.shape)} (${x.numel()} elements) to ${fmt(shape)}`, currentPath());
    }
    s[infer] = x.numel() / known;
  }
  if (numel(s) !== x.numel() || s.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError('reshape', `cannot reshape ${fmt(x.shape)} (${x.numel()} elements) to ${fmt(shape)}`, currentPath());
  }
  const out = new Tensor(x.storageRef, s);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Merges dims startDim..endDim into one. [N, C, H, W].flatten(1) → [N, C*H*W]. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim('flatten', startDim, x.ndim, x.shape);
  const e = normDim('flatten', endDim, x.ndim, x.shape);
  if (s > e) throw new ShapeError('flatten', `startDim ${startDim} comes after endDim ${endDim} for shape ${fmt(x.shape)}`, currentPath());
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Reorders dims: out.shape[i] = x.shape[dims[i]]. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError('permute', `expected ${x.ndim} dims for shape ${fmt(x.shape)}, got ${fmt(dims)}`, currentPath());
  }
  const perm = dims.map((d) => normDim('permute', d, x.ndim, x.shape));
  if (new Set(perm).size !== perm.length) throw new ShapeError('permute', `repeated dim in ${fmt(dims)}`, currentPath());
  const out = empty(perm.map((p) => x.shape[p]!));
  kernels().permute(x.data, x.shape, perm, out.data);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(out, 'permute', [x], (g) => [permute(g, inverse)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim('transpose', dim0, x.ndim, x.shape);
  const b = normDim('transpose', dim1, x.ndim, x.shape);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim('unsqueeze', dim, x.ndim + 1, x.shape);
  const s = [...x.shape];
  s.splice(d, 0, 1);
  return reshape(x, s);
}

/** Removes size-1 dims (only `dim` when given). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normDim('squeeze', dim, x.ndim, x.shape);
  if (x.shape[d] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

/**
 * The slice [start, start + length) of `dim` (torch.narrow, x[:, start:start+length] on dim 1): a copy;
 * its gradient puts the output's gradient back in place, zeros elsewhere.
 *
 * Shape: [.., d, ..] → [.., length, ..].
 * @example narrow(x, 1, 0, x.shape[1] / 2)   // the first half of the channels (ShuffleNetV2's split)
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim('narrow', dim, x.ndim, x.shape);
  const size = x.shape[d]!;
  if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > size) {
    throw new ShapeError('narrow', `[${start}, ${start + length}) is not inside dim ${d} of ${fmt(x.shape)}`, currentPath());
  }
  const shape = [...x.shape];
  shape[d] = length;
  const outer = x.shape.slice(0, d).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const out = empty(shape);
  for (let o = 0; o < outer; o++) {
    const from = (o * size + start) * inner;
    out.data.set(x.data.subarray(from, from + length * inner), o * length * inner);
  }
  return record(out, 'narrow', [x], (g) => {
    const dx = empty(x.shape, true);
    for (let o = 0; o < outer; o++) dx.data.set(g.data.subarray(o * length * inner, (o + 1) * length * inner), (o * size + start) * inner);
    return [dx];
  });
}
