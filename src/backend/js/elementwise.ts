/**
 * Element-wise kernels of the js reference backend: unary maps, broadcasting
 * binary ops, and the backward rules of the activations.
 */
import type { F32, Shape } from '../kernels.js';

type Map1 = (v: number) => number;

function map1(x: F32, out: F32, f: Map1): void {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
}

export const neg = (x: F32, out: F32): void => map1(x, out, (v) => -v);
export const exp = (x: F32, out: F32): void => map1(x, out, Math.exp);
export const log = (x: F32, out: F32): void => map1(x, out, Math.log);
export const sqrt = (x: F32, out: F32): void => map1(x, out, Math.sqrt);
export const abs = (x: F32, out: F32): void => map1(x, out, Math.abs);
export const square = (x: F32, out: F32): void => map1(x, out, (v) => v * v);
export const tanh = (x: F32, out: F32): void => map1(x, out, Math.tanh);

/**
 * erf to float32 precision: its Maclaurin series below 0.5 (where 1 - erfc would lose the small values'
 * relative precision), 1 - erfc above, erfc by Numerical Recipes' Chebyshev fit (relative error < 1.2e-7).
 */
function erf1(v: number): number {
  const z = Math.abs(v);
  if (z < 0.5) {
    // 2/sqrt(pi) * sum (-1)^n z^(2n+1) / (n! (2n+1)); 12 terms reach 1e-17 at z = 0.5
    let term = v, s = v;
    const z2 = v * v;
    for (let n = 1; n < 12; n++) {
      term *= -z2 / n;
      s += term / (2 * n + 1);
    }
    return s * 1.1283791670955126;
  }
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return v >= 0 ? 1 - erfc : erfc - 1;
}

export const erf = (x: F32, out: F32): void => map1(x, out, erf1);

export function relu(x: F32, out: F32): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : 0;
  }
}

/** Numerically stable for large |v|: never evaluates exp of a large positive number. */
export function sigmoid(x: F32, out: F32): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
}

export function leakyRelu(x: F32, out: F32, slope: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : v * slope;
  }
}

export function hardtanh(x: F32, out: F32, min: number, max: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // Comparisons are false for NaN, so NaN passes through as in PyTorch.
    out[i] = v < min ? min : v > max ? max : v;
  }
}

export function hardtanhBackward(dy: F32, x: F32, out: F32, min: number, max: number): void {
  for (let i = 0; i < dy.length; i++) {
    const v = x[i]!;
    out[i] = v > min && v < max ? dy[i]! : 0;
  }
}

/**
 * ELU, alpha * (exp(x) - 1) for x <= 0 and x otherwise (PyTorch's branch test,
 * so NaN stays NaN). expm1, not exp - 1: no cancellation for x near 0.
 */
export function elu(x: F32, out: F32, alpha: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v <= 0 ? alpha * Math.expm1(v) : v;
  }
}

/** PyTorch's elu backward from x: dy * alpha * exp(x) for x <= 0, dy otherwise (so dy * alpha at 0). */
export function eluBackward(dy: F32, x: F32, out: F32, alpha: number): void {
  for (let i = 0; i < dy.length; i++) {
    const v = x[i]!;
    out[i] = v <= 0 ? dy[i]! * alpha * Math.exp(v) : dy[i]!;
  }
}

export function affineScalar(x: F32, out: F32, scale: number, shift: number): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * scale + shift;
}

export function affineChannels(x: F32, scale: F32, shift: F32, out: F32, size: number): void {
  const c = scale.length;
  for (let o = 0, i = 0; o < x.length; o += size, i++) {
    const s = scale[i % c]!, t = shift[i % c]!;
    for (let j = o; j < o + size; j++) out[j] = x[j]! * s + t;
  }
}

export function powScalar(x: F32, out: F32, exponent: number): void {
  if (exponent === 2) return square(x, out);
  for (let i = 0; i < x.length; i++) out[i] = Math.pow(x[i]!, exponent);
}

export function reluBackward(dy: F32, x: F32, out: F32): void {
  for (let i = 0; i < dy.length; i++) out[i] = x[i]! > 0 ? dy[i]! : 0;
}

export function leakyReluBackward(dy: F32, x: F32, out: F32, slope: number): void {
  for (let i = 0; i < dy.length; i++) out[i] = x[i]! > 0 ? dy[i]! : dy[i]! * slope;
}

/** Takes y = tanh(x): dx = dy * (1 - y^2). */
export function tanhBackward(dy: F32, y: F32, out: F32): void {
  for (let i = 0; i < dy.length; i++) {
    const t = y[i]!;
    out[i] = dy[i]! * (1 - t * t);
  }
}

/** Takes y = sigmoid(x): dx = dy * y * (1 - y). */
export function sigmoidBackward(dy: F32, y: F32, out: F32): void {
  for (let i = 0; i < dy.length; i++) {
    const s = y[i]!;
    out[i] = dy[i]! * s * (1 - s);
  }
}

type Op2 = (a: number, b: number) => number;

/**
 * Broadcasting binary op (NumPy rules; shapes are right-aligned and already
 * validated by the op layer). The innermost dimension runs as a flat loop with
 * per-operand strides of 0 or 1; outer dimensions are walked with a counter.
 */
function binary(a: F32, aShape: Shape, b: F32, bShape: Shape, out: F32, outShape: Shape, f: Op2): void {
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  if (b.length === 1 && a.length === n) {
    const s = b[0]!;
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, s);
    return;
  }
  if (a.length === 1 && b.length === n) {
    const s = a[0]!;
    for (let i = 0; i < n; i++) out[i] = f(s, b[i]!);
    return;
  }
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1] ?? 1;
  const ia = sa[rank - 1] ?? 0;
  const ib = sb[rank - 1] ?? 0;
  const idx = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let o = 0; o < n; o += inner) {
    let pa = offA;
    let pb = offB;
    for (let j = 0; j < inner; j++) {
      out[o + j] = f(a[pa]!, b[pb]!);
      pa += ia;
      pb += ib;
    }
    // advance the outer counter (dims rank-2 .. 0)
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      offA += sa[d]!;
      offB += sb[d]!;
      if (idx[d]! < outShape[d]!) break;
      offA -= sa[d]! * outShape[d]!;
      offB -= sb[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** Strides of `shape` seen through `outShape` (0 where broadcast). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = d + rank - shape.length;
    strides[od] = shape[d] === 1 ? 0 : s;
    s *= shape[d]!;
  }
  return strides;
}

/**
 * Merges neighbouring dims that both operands walk in one stride run
 * (stride[d] = stride[d + 1] * shape[d + 1], broadcast dims included), and
 * drops dims of size 1: [8, 96, 14, 14] with a per-channel operand's strides
 * [0, 1, 0, 0] becomes [8, 96, 196] with [0, 1, 0], so the innermost run is
 * 196 values, not 14. The element order is unchanged.
 */
export function coalesceDims(shape: Shape, a: readonly number[], b: readonly number[]): { shape: number[]; a: number[]; b: number[] } {
  const out = { shape: [] as number[], a: [] as number[], b: [] as number[] };
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const k = out.shape.length - 1;
    if (k >= 0 && out.a[k] === a[d]! * shape[d]! && out.b[k] === b[d]! * shape[d]!) {
      out.shape[k] = out.shape[k]! * shape[d]!;
      out.a[k] = a[d]!;
      out.b[k] = b[d]!;
    } else {
      out.shape.push(shape[d]!);
      out.a.push(a[d]!);
      out.b.push(b[d]!);
    }
  }
  if (!out.shape.length) return { shape: [1], a: [0], b: [0] };
  return out;
}

export const add = (a: F32, as: Shape, b: F32, bs: Shape, out: F32, os: Shape): void =>
  binary(a, as, b, bs, out, os, (x, y) => x + y);
export const sub = (a: F32, as: Shape, b: F32, bs: Shape, out: F32, os: Shape): void =>
  binary(a, as, b, bs, out, os, (x, y) => x - y);
export const mul = (a: F32, as: Shape, b: F32, bs: Shape, out: F32, os: Shape): void =>
  binary(a, as, b, bs, out, os, (x, y) => x * y);
export const div = (a: F32, as: Shape, b: F32, bs: Shape, out: F32, os: Shape): void =>
  binary(a, as, b, bs, out, os, (x, y) => x / y);
