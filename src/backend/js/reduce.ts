/**
 * Reductions and layout kernels of the js reference backend.
 */
import type { F32, Shape } from '../kernels.js';

/**
 * Sum over `axes`. Accumulates in float64 so that long sums (a bias gradient
 * over 64 x 28 x 28 positions) do not lose the small terms.
 */
export function sum(x: F32, shape: Shape, axes: readonly number[], out: F32): void {
  const rank = shape.length;
  if (rank === 0 || x.length === 0) {
    out.fill(0);
    if (rank === 0 && x.length === 1) out[0] = x[0]!;
    return;
  }
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  // stride of each input dim inside `out` (0 for reduced dims)
  const os = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (!reduced[d]) {
      os[d] = s;
      s *= shape[d]!;
    }
  }
  const acc = new Float64Array(out.length);
  const inner = shape[rank - 1]!;
  const innerStride = os[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < x.length; i += inner) {
    if (innerStride === 0) {
      let t = 0;
      for (let j = 0; j < inner; j++) t += x[i + j]!;
      acc[off] = acc[off]! + t;
    } else {
      for (let j = 0; j < inner; j++) acc[off + j] = acc[off + j]! + x[i + j]!;
    }
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      off += os[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= os[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}

function split(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[axis]!, inner];
}

/** Max over one axis; NaN propagates as in PyTorch. */
export function max(x: F32, shape: Shape, axis: number, out: F32): void {
  const [outer, dim, inner] = split(shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      for (let k = 0; k < dim; k++) {
        const v = x[(o * dim + k) * inner + i]!;
        if (v > best || Number.isNaN(v)) best = v;
        if (Number.isNaN(v)) break;
      }
      out[o * inner + i] = best;
    }
  }
}

/** Index of the first maximum over one axis, as a float; a NaN counts as the maximum (torch.argmax, and `max` above). */
export function argmax(x: F32, shape: Shape, axis: number, out: F32): void {
  const [outer, dim, inner] = split(shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let at = 0;
      for (let k = 0; k < dim; k++) {
        const v = x[(o * dim + k) * inner + i]!;
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = k;
        }
        if (Number.isNaN(v)) break;
      }
      out[o * inner + i] = at;
    }
  }
}

/** out[i0, i1, ...] = x[...] with out.shape[i] = shape[perm[i]]. */
export function permute(x: F32, shape: Shape, perm: readonly number[], out: F32): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1]! * shape[d + 1]!;
  const outShape = perm.map((p) => shape[p]!);
  const srcStride = perm.map((p) => inStrides[p]!);
  const idx = new Array<number>(rank).fill(0);
  const inner = outShape[rank - 1] ?? 1;
  const innerStride = srcStride[rank - 1] ?? 1;
  let src = 0;
  for (let o = 0; o < out.length; o += inner) {
    let p = src;
    for (let j = 0; j < inner; j++) {
      out[o + j] = x[p]!;
      p += innerStride;
    }
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      src += srcStride[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= srcStride[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** Softmax along the middle axis of [outer, dim, inner], max-subtracted for stability. */
export function softmax(x: F32, outer: number, dim: number, inner: number, out: F32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let m = -Infinity;
      for (let k = 0; k < dim; k++) m = Math.max(m, x[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const e = Math.exp(x[base + k * inner]! - m);
        out[base + k * inner] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let k = 0; k < dim; k++) out[base + k * inner] = out[base + k * inner]! * inv;
    }
  }
}

/** log(softmax(x)) computed as x - max - log(sum(exp(x - max))), exact for large logits. */
export function logSoftmax(x: F32, outer: number, dim: number, inner: number, out: F32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let m = -Infinity;
      for (let k = 0; k < dim; k++) m = Math.max(m, x[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < dim; k++) s += Math.exp(x[base + k * inner]! - m);
      const lse = m + Math.log(s);
      for (let k = 0; k < dim; k++) out[base + k * inner] = x[base + k * inner]! - lse;
    }
  }
}
