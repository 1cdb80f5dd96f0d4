/**
 * Convolution kernels of the js backend: im2col + GEMM, per image and group.
 * Layout: x [N, C, H, W], weight [O, C/groups, kH, kW], out [N, O, Ho, Wo].
 * The column matrix of one image and group is [C/groups * kH * kW, Ho * Wo]
 * (row r = (c * kH + i) * kW + j), so the forward pass is
 * out[n, group] = W[group] @ col, the weight gradient dW[group] += dy @ col^T,
 * and the input gradient is col2im(W[group]^T @ dy).
 */
import { type ConvEpilogue, type Conv2dAttrs, type F32, MAX_POOL_2X2, type Shape, epilogueShape } from '../kernels.js';
import { relu } from './elementwise.js';
import { gemm } from './gemm.js';
import { maxPool2d } from './pool.js';

let scratchBuf = new Float32Array(0);
/** The full-size maps of conv2dFused before its pool (reused like scratchBuf). */
let fusedBuf = new Float32Array(0);

/** A reusable scratch buffer (the js backend is single-threaded). */
function scratch(size: number): F32 {
  if (scratchBuf.length < size) scratchBuf = new Float32Array(size);
  return scratchBuf;
}

interface Geometry {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number; oh: number; ow: number;
  cg: number; og: number; rows: number; cols: number;
}

function geometry(xShape: Shape, wShape: Shape, outH: number, outW: number, groups: number): Geometry {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  return { n, c, h, w, o, kh, kw, oh: outH, ow: outW, cg, og: o / groups, rows: cg * kh * kw, cols: outH * outW };
}

/** [lo, hi): the output columns xo whose input column xo * sw + off lies inside [0, w). */
function validColumns(off: number, sw: number, w: number, ow: number): [number, number] {
  const lo = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
  return [lo, Math.max(lo, Math.min(ow, Math.floor((w - 1 - off) / sw) + 1))];
}

/** Copies the receptive fields of image `n`, channels [c0, c0 + cg), into col. */
function im2col(x: F32, g: Geometry, n: number, c0: number, a: Conv2dAttrs, col: F32): void {
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const pt = a.padding[0];
  const pl = a.padding[1];
  const { h, w, kh, kw, oh, ow, cg } = g;
  let r = 0;
  for (let c = 0; c < cg; c++) {
    const xBase = (n * g.c + c0 + c) * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, r++) {
        const rowBase = r * oh * ow;
        const off = j * dw - pl;
        const [lo, hi] = validColumns(off, sw, w, ow);
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - pt + i * dh;
          const dst = rowBase + y * ow;
          if (iy < 0 || iy >= h) {
            col.fill(0, dst, dst + ow);
            continue;
          }
          const src = xBase + iy * w;
          if (lo > 0) col.fill(0, dst, dst + lo);
          if (sw === 1) for (let xo = lo, ix = off + lo; xo < hi; xo++, ix++) col[dst + xo] = x[src + ix]!;
          else for (let xo = lo, ix = off + lo * sw; xo < hi; xo++, ix += sw) col[dst + xo] = x[src + ix]!;
          if (hi < ow) col.fill(0, dst + hi, dst + ow);
        }
      }
    }
  }
}

/** Adds col back into the input gradient of image `n` (the transpose of im2col). */
function col2im(col: F32, g: Geometry, n: number, c0: number, a: Conv2dAttrs, dx: F32): void {
  const [sh, sw] = a.stride;
  const [dh, dw] = a.dilation;
  const pt = a.padding[0];
  const pl = a.padding[1];
  const { h, w, kh, kw, oh, ow, cg } = g;
  let r = 0;
  for (let c = 0; c < cg; c++) {
    const xBase = (n * g.c + c0 + c) * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, r++) {
        const rowBase = r * oh * ow;
        const off = j * dw - pl;
        const [lo, hi] = validColumns(off, sw, w, ow);
        for (let y = 0; y < oh; y++) {
          const iy = y * sh - pt + i * dh;
          if (iy < 0 || iy >= h) continue;
          const src = rowBase + y * ow;
          const dst = xBase + iy * w;
          for (let xo = lo, ix = off + lo * sw; xo < hi; xo++, ix += sw) dx[dst + ix] = dx[dst + ix]! + col[src + xo]!;
        }
      }
    }
  }
}

export function conv2d(
  x: F32, xShape: Shape, w: F32, wShape: Shape, bias: F32 | null, out: F32, outShape: Shape, a: Conv2dAttrs,
): void {
  const g = geometry(xShape, wShape, outShape[2]!, outShape[3]!, a.groups);
  const col = scratch(g.rows * g.cols);
  for (let n = 0; n < g.n; n++) {
    for (let grp = 0; grp < a.groups; grp++) {
      im2col(x, g, n, grp * g.cg, a, col);
      const outOff = (n * g.o + grp * g.og) * g.cols;
      gemm(false, false, g.og, g.cols, g.rows, w, grp * g.og * g.rows, col, 0, out, outOff, false);
    }
    if (bias) {
      for (let oc = 0; oc < g.o; oc++) {
        const b = bias[oc]!;
        const base = (n * g.o + oc) * g.cols;
        for (let p = 0; p < g.cols; p++) out[base + p] = out[base + p]! + b;
      }
    }
  }
}

/** The spec of the fused kernel: conv2d, then relu, then the 2x2 max-pool, each a kernel of its own. */
export function conv2dFused(
  x: F32, xShape: Shape, w: F32, wShape: Shape, bias: F32 | null, out: F32, convShape: Shape, a: Conv2dAttrs, e: ConvEpilogue,
): void {
  const size = convShape.reduce((p, d) => p * d, 1);
  if (e.maxPool && fusedBuf.length < size) fusedBuf = new Float32Array(size);
  const y = e.maxPool ? fusedBuf.subarray(0, size) : out;
  conv2d(x, xShape, w, wShape, bias, y, convShape, a);
  if (e.relu) relu(y, y);
  if (e.maxPool) maxPool2d(y, convShape, out, epilogueShape(convShape, e), MAX_POOL_2X2);
}

export function conv2dBackwardInput(
  dy: F32, dyShape: Shape, w: F32, wShape: Shape, dx: F32, xShape: Shape, a: Conv2dAttrs,
): void {
  const g = geometry(xShape, wShape, dyShape[2]!, dyShape[3]!, a.groups);
  const col = scratch(g.rows * g.cols);
  dx.fill(0);
  for (let n = 0; n < g.n; n++) {
    for (let grp = 0; grp < a.groups; grp++) {
      const dyOff = (n * g.o + grp * g.og) * g.cols;
      gemm(true, false, g.rows, g.cols, g.og, w, grp * g.og * g.rows, dy, dyOff, col, 0, false);
      col2im(col, g, n, grp * g.cg, a, dx);
    }
  }
}

export function conv2dBackwardWeight(
  x: F32, xShape: Shape, dy: F32, dyShape: Shape, dw: F32, wShape: Shape, a: Conv2dAttrs,
): void {
  const g = geometry(xShape, wShape, dyShape[2]!, dyShape[3]!, a.groups);
  const col = scratch(g.rows * g.cols);
  dw.fill(0);
  for (let n = 0; n < g.n; n++) {
    for (let grp = 0; grp < a.groups; grp++) {
      im2col(x, g, n, grp * g.cg, a, col);
      const dyOff = (n * g.o + grp * g.og) * g.cols;
      gemm(false, true, g.og, g.rows, g.cols, dy, dyOff, col, 0, dw, grp * g.og * g.rows, true);
    }
  }
}
