// Convolution by im2col + GEMM, per image and group; spec:
// src/backend/js/conv2d.ts. x [N, C, H, W], w [O, C/g, kH, kW],
// col [C/g * kH * kW, Ho * Wo] with row r = (c * kH + i) * kW + j.

import { gemm, gemmScratchBytes } from './gemm';
import { setWinograd, setWinogradEpilogue, setWinogradRows, winogradApplies, winogradBackwardWeight, winogradBackwardWeightScratchBytes, winogradConv, winogradScratchBytes } from './winograd';
import { setDepthwise, depthwiseConv, depthwiseScratchBytes } from './depthwise';
import { fma, max4, relu, storeTransposed4 } from './simd';
import { align64, padBand } from './winograd-common';

// Geometry, set once per call by setConv (keeps the kernels' argument lists short).
let N = 0, C = 0, H = 0, W = 0, O = 0, KH = 0, KW = 0, OH = 0, OW = 0;
let SH = 1, SW = 1, PT = 0, PL = 0, DH = 1, DW = 1, G = 1;
// The output rows conv2d computes (setConv: all; setConvRows narrows them to split one image across threads).
let Y0 = 0, Y1 = 0;
// The forward's epilogue (setConvEpilogue; setConv clears it): ReLU, then a 2x2 stride-2 max-pool.
let RELU = false, POOL = false;

export function setConv(n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, g: i32): void {
  N = n; C = c; H = h; W = w; O = o; KH = kh; KW = kw; OH = oh; OW = ow;
  SH = sh; SW = sw; PT = pt; PL = pl; DH = dh; DW = dw; G = g;
  Y0 = 0; Y1 = oh;
  RELU = false; POOL = false;
  setWinogradForward();
  setDepthwise(n, c, h, w, o, kh, kw, oh, ow, sh, sw, pt, pl, dh, dw);
}

/**
 * The forward pass computes only output rows [y0, y1) from now on (until the
 * next setConv); y0 a multiple of 4 (a Winograd tile row). Only where
 * convRowsSplit() says so: the depthwise kernel computes whole images.
 */
export function setConvRows(y0: i32, y1: i32): void {
  Y0 = y0; Y1 = y1;
}

/**
 * The forward pass applies max(0, y) (flags bit 1) and then a 2x2 stride-2
 * max-pool (bit 2; the output is [N, O, OH / 2, OW / 2], rounded down) to
 * what it writes. Only where convFusesEpilogue() says so; setConv clears it.
 */
export function setConvEpilogue(flags: i32): void {
  RELU = (flags & 1) != 0; POOL = (flags & 2) != 0;
}

/** True when the forward pass applies an epilogue in its own registers (the Winograd and direct kernels). */
export function convFusesEpilogue(): bool {
  return useWinograd() || useDirect();
}

// @ts-ignore: decorator
@inline
function depthwise(): bool {
  return G == C && G > 1;
}

/** True when the forward pass honours setConvRows (every path but the depthwise kernel). */
export function convRowsSplit(): bool {
  return !depthwise();
}

// @ts-ignore: decorator
@inline
function useWinograd(): bool {
  return winogradApplies(KH, KW, SH, SW, DH, DW, G, C, N, O, OH, OW);
}

// The input gradient of a 3x3 stride-1 convolution is itself a 3x3 stride-1
// convolution: of dy, with each filter turned 180 degrees and the channel axes
// swapped (w'[c][o] = rot180(w[o][c])), padded by 2 - padding. It runs through
// the forward Winograd kernel when that convolution is one the kernel takes.
// @ts-ignore: decorator
@inline
function useWinogradBackwardInput(): bool {
  return G == 1 && PT <= 2 && PL <= 2 && winogradApplies(KH, KW, SH, SW, DH, DW, G, O, N, C, H, W);
}

/** Sets the Winograd geometry of this convolution (x -> y). */
function setWinogradForward(): void {
  setWinograd(C, H, W, O, OH, OW, PT, PL);
}

/** Sets the Winograd geometry of the input gradient's convolution (dy -> dx). */
function setWinogradTransposed(): void {
  setWinograd(O, OH, OW, C, H, W, 2 - PT, 2 - PL);
}

/** Bytes of the turned filters of the input gradient's convolution, rounded to 64. */
// @ts-ignore: decorator
@inline
function turnedBytes(): i32 {
  return ((O * C * KH * KW) << 2) + 63 & ~63;
}

/** The input gradient's filters: w'[c][o][i][j] = w[o][c][KH - 1 - i][KW - 1 - j] (turned 180 degrees, channel axes swapped). */
function turnFilters(w: usize, dst: usize): void {
  const k = KH * KW;
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const src = w + (<usize>((o * C + c) * k) << 2), d = dst + (<usize>((c * O + o) * k) << 2);
      for (let t = 0; t < k; t++) store<f32>(d + (<usize>t << 2), load<f32>(src + (<usize>(k - 1 - t) << 2)));
    }
  }
}

// The same holds for any stride-1 undilated ungrouped kernel padded by at
// most its size - 1: the input gradient is a convolution of dy with the
// turned filters, padded by (size - 1 - padding). Where that convolution is
// one the direct kernel takes, it runs there instead of GEMM + col2im (5x5
// 'same', 16 -> 32 channels on 14x14: 49 against 31 GFLOP/s), unless the
// products it spends on padding and on idle lanes (dx's channels rounded up
// to 8) pass 1.6 times the real ones, about where the GEMM is faster again:
// LeNet's second layer (dy 10x10 padded by 4 to give 14x14 on 6 of 8 lanes,
// 2.6 times) is 2.35 ms direct against 1.64 ms through the GEMM.
// @ts-ignore: decorator
@inline
function useDirectBackwardInput(): bool {
  if (G != 1 || SH != 1 || SW != 1 || DH != 1 || DW != 1 || PT > KH - 1 || PL > KW - 1) return false;
  if (<i64>H * W * ((C + 7) & ~7) * 5 > <i64>OH * OW * C * 8) return false;
  transposeGeometry();
  const ok = useDirect();
  transposeGeometry();
  return ok;
}

/** Swaps the geometry between this convolution (x -> y) and its input gradient's (dy -> dx); twice is the identity. */
function transposeGeometry(): void {
  let t = C; C = O; O = t;
  t = H; H = OH; OH = t;
  t = W; W = OW; OW = t;
  PT = KH - 1 - PT; PL = KW - 1 - PL;
  Y0 = 0; Y1 = OH;
}

/**
 * Scratch bytes the conv kernels need for pass `kind` (0 forward, 1 input
 * gradient, 2 weight gradient): one column matrix plus the GEMM's packing
 * space, or what the Winograd or depthwise kernel takes instead.
 */
export function convScratchBytes(kind: i32): i32 {
  const im2col = ((C / G) * KH * KW * OH * OW << 2) + gemmScratchBytes() + 64;
  if (kind == 0) {
    if (depthwise()) return max(im2col, depthwiseScratchBytes());
    if (useWinograd()) return max(im2col, winogradScratchBytes());
    return useDirect() ? max(im2col, directScratchBytes()) : im2col;
  }
  if (kind == 1) {
    if (useWinogradBackwardInput()) {
      setWinogradTransposed();
      const bytes = turnedBytes() + winogradScratchBytes();
      setWinogradForward();
      return max(im2col, bytes);
    }
    if (useDirectBackwardInput()) {
      const turned = turnedBytes();
      transposeGeometry();
      const bytes = turned + directScratchBytes();
      transposeGeometry();
      return max(im2col, bytes);
    }
    return im2col;
  }
  if (useWinograd()) return max(im2col, winogradBackwardWeightScratchBytes());
  if (useDirect()) return max(im2col, directWeightScratchBytes());
  return transposedWeightGradient() ? im2col + (((C / G) * KH * KW * O) << 2) : im2col;
}

// @ts-ignore: decorator
@inline
function zero(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), 0);
}

// Output columns xo whose input column xo * SW + off lies inside [0, W) form the range [firstCol, endCol).
// @ts-ignore: decorator
@inline
function firstCol(off: i32): i32 {
  return min(OW, off >= 0 ? 0 : (-off + SW - 1) / SW);
}

// @ts-ignore: decorator
@inline
function endCol(off: i32, lo: i32): i32 {
  return max(lo, min(OW, off > W - 1 ? 0 : (W - 1 - off) / SW + 1));
}

/** col[r][(y - Y0) * OW + xo] for output rows y in [Y0, Y1). */
function im2col(x: usize, n: i32, c0: i32, col: usize): void {
  const cg = C / G, len = (Y1 - Y0) * OW;
  let r = 0;
  for (let c = 0; c < cg; c++) {
    const xBase = x + (<usize>((n * C + c0 + c) * H * W) << 2);
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++) {
        const rowBase = col + (<usize>(r * len) << 2);
        const off = j * DW - PL;
        const lo = firstCol(off), hi = endCol(off, lo);
        for (let y = Y0; y < Y1; y++) {
          const iy = y * SH - PT + i * DH;
          const dst = rowBase + (<usize>((y - Y0) * OW) << 2);
          if (iy < 0 || iy >= H) {
            zero(dst, OW);
            continue;
          }
          const src = xBase + (<usize>(iy * W) << 2);
          if (lo > 0) zero(dst, lo);
          if (SW == 1) {
            // short runs (a 5x5 kernel on 10 columns copies 10 floats): an inline vector loop beats memory.copy's call
            let d = dst + (<usize>lo << 2), q = src + (<usize>(off + lo) << 2);
            const end = dst + (<usize>hi << 2);
            for (; d + 16 <= end; d += 16, q += 16) v128.store(d, v128.load(q));
            for (; d < end; d += 4, q += 4) store<f32>(d, load<f32>(q));
          } else for (let xo = lo, ix = off + lo * SW; xo < hi; xo++, ix += SW) store<f32>(dst + (<usize>xo << 2), load<f32>(src + (<usize>ix << 2)));
          if (hi < OW) zero(dst + (<usize>hi << 2), OW - hi);
        }
        r++;
      }
    }
  }
}

function col2im(col: usize, n: i32, c0: i32, dx: usize): void {
  const cg = C / G;
  let r = 0;
  for (let c = 0; c < cg; c++) {
    const xBase = dx + (<usize>((n * C + c0 + c) * H * W) << 2);
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++) {
        const rowBase = col + (<usize>(r * OH * OW) << 2);
        const off = j * DW - PL;
        const lo = firstCol(off), hi = endCol(off, lo);
        for (let y = 0; y < OH; y++) {
          const iy = y * SH - PT + i * DH;
          if (iy < 0 || iy >= H) continue;
          const src = rowBase + (<usize>(y * OW) << 2);
          const dst = xBase + (<usize>(iy * W) << 2);
          let xo = lo, ix = off + lo * SW;
          if (SW == 1) {
            // contiguous on both sides: four at a time
            for (; xo + 4 <= hi; xo += 4, ix += 4) {
              const p = dst + (<usize>ix << 2);
              v128.store(p, f32x4.add(v128.load(p), v128.load(src + (<usize>xo << 2))));
            }
          }
          for (; xo < hi; xo++, ix += SW) {
            const p = dst + (<usize>ix << 2);
            store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>xo << 2)));
          }
        }
        r++;
      }
    }
  }
}

// A stride-1 layer with 9 to DIRECT_TAPS products per output that Winograd
// does not take (5x5 and 7x7 kernels, 3x3 on 1-3 channels) is computed
// directly: there im2col's copy and the GEMM's packing cost more than they
// save. (One thread, GFLOP/s direct against im2col + GEMM: 3x3 1 -> 32 on
// 28x28 30 / 23, 5x5 16 -> 32 on 14x14 48 / 30, 5x5 40 -> 64 45 / 35,
// 5x5 64 -> 64 43 / 35.) Past DIRECT_TAPS the weights a
// block of pixels walks through outgrow L2 and the GEMM's blocking wins;
// under 9 taps (2x2, 1x1) the GEMM's long rows do.
const DIRECT_MIN_TAPS = 9;
const DIRECT_TAPS = 1600;

// @ts-ignore: decorator
@inline
function useDirect(): bool {
  const taps = C * KH * KW;
  return G == 1 && SH == 1 && SW == 1 && DH == 1 && DW == 1 && taps >= DIRECT_MIN_TAPS && taps <= DIRECT_TAPS && O >= 4;
}

// Rows and row width of the direct kernel's padded input, and its filters' width (O rounded up to 8).
// @ts-ignore: decorator
@inline
function directRows(): i32 { return OH + KH - 1; }
// @ts-ignore: decorator
@inline
function directWidth(): i32 { return (OW + KW - 1 + 3) & ~3; }
// @ts-ignore: decorator
@inline
function o8(): i32 { return (O + 7) & ~7; }

/**
 * Scratch bytes of directConv: the padded input of one image, the filters
 * tap-major, the bias padded to o8, the taps' and the pixels' offsets, and
 * the pooled tile and a spill block for partial stores.
 */
function directScratchBytes(): i32 {
  const taps = C * KH * KW;
  return ((C * directRows() * directWidth() + taps * o8() + o8() + taps + OH * OW + 48) << 2) + 256;
}

/**
 * Forward of images [n0, n1), output rows [Y0, Y1), without im2col, with the
 * epilogue (ReLU, 2x2 max-pool) applied in registers. The output channels
 * are the vector lanes: for eight channels (two vectors) and four pixels at a
 * time (eight accumulators), each tap loads the eight weights of that tap
 * (filters rearranged tap-major) and one value of the padded input per pixel,
 * broadcast. Without pooling the four pixels run along the flattened output
 * plane (across row ends), so no lane or column is wasted on a ragged width,
 * and a 4x4 transpose in registers writes them back as rows. With pooling
 * they are one 2x2 window, reduced by max to one pooled pixel; four pooled
 * pixels are written back together the same way.
 */
function directConv(x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, scratch: usize): void {
  const taps = C * KH * KW, O8 = o8(), WD = directWidth(), rows = Y1 - Y0 + KH - 1;
  const p = scratch;
  const wt = align64(p + (<usize>(C * directRows() * WD) << 2));
  const bp = wt + (<usize>(taps * O8) << 2);
  const offs = bp + (<usize>O8 << 2);
  const pix = offs + (<usize>taps << 2);
  const tile = align64(pix + (<usize>(OH * OW) << 2)), spill = tile + 128;
  // wt[t][o] = w[o][t] (zeros for o >= O); bp[o] = bias[o]
  for (let t = 0; t < taps; t++) {
    for (let o = 0; o < O8; o++) store<f32>(wt + (<usize>(t * O8 + o) << 2), o < O ? load<f32>(w + (<usize>(o * taps + t) << 2)) : 0);
  }
  for (let o = 0; o < O8; o++) store<f32>(bp + (<usize>o << 2), bias != 0 && o < O ? load<f32>(bias + (<usize>o << 2)) : 0);
  // byte offset of tap (c, i, j) in the padded band
  for (let c = 0, t = 0; c < C; c++) {
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++, t++) store<i32>(offs + (<usize>t << 2), ((c * rows + i) * WD + j) << 2);
    }
  }
  // byte offset of each unit's first pixel: 4 output pixels, or one 2x2 window of the pooled output
  const ow = POOL ? OW >> 1 : OW, plane = POOL ? (OH >> 1) * ow : OH * OW, s = POOL ? 2 : 1;
  const first = (POOL ? Y0 >> 1 : Y0) * ow, last = (POOL ? Y1 >> 1 : Y1) * ow;
  for (let q = first; q < last; q++) {
    const y = q / ow;
    store<i32>(pix + (<usize>(q - first) << 2), ((y * s - Y0) * WD + (q - y * ow) * s) << 2);
  }
  const units = POOL ? last - first : (last - first + 3) >> 2;
  const ps = <usize>plane << 2, oEnd = offs + (<usize>taps << 2), wdB = <usize>WD << 2;
  for (let n = n0; n < n1; n++) {
    padBand(x, n, C, H, W, WD, PL, Y0 - PT, rows, p);
    for (let ob = 0; ob < O8; ob += 8) {
      const lanes = min(8, O - ob), lo = min(4, lanes);
      // (the bias and zero vectors are loaded where used: kept live across the tap loop, they cost it registers)
      const bo = bp + (<usize>ob << 2);
      const w0 = wt + (<usize>ob << 2), o0 = out + (<usize>((n * O + ob) * plane) << 2);
      for (let u = 0; u < units; u++) {
        let p0: usize, p1: usize, p2: usize, p3: usize;
        if (POOL) {
          p0 = p + <usize>load<i32>(pix + (<usize>u << 2));
          p1 = p0 + 4; p2 = p0 + wdB; p3 = p2 + 4;
        } else {
          // the pixels past the end repeat the last one (computed, not stored)
          const k = min(4, last - first - 4 * u), pq = pix + (<usize>(4 * u) << 2);
          p0 = p + <usize>load<i32>(pq);
          p1 = p + <usize>load<i32>(pq + (<usize>min(1, k - 1) << 2));
          p2 = p + <usize>load<i32>(pq + (<usize>min(2, k - 1) << 2));
          p3 = p + <usize>load<i32>(pq + (<usize>min(3, k - 1) << 2));
        }
        const bl = v128.load(bo), bh = v128.load(bo, 16);
        let a0 = bl, a1 = bh, c0 = bl, c1 = bh, d0 = bl, d1 = bh, e0 = bl, e1 = bh;
        let wq = w0;
        for (let to = offs; to < oEnd; to += 4) {
          const o = <usize>load<i32>(to);
          const l = v128.load(wq), h = v128.load(wq, 16);
          let v = v128.load32_splat(p0 + o);
          a0 = fma(v, l, a0); a1 = fma(v, h, a1);
          v = v128.load32_splat(p1 + o);
          c0 = fma(v, l, c0); c1 = fma(v, h, c1);
          v = v128.load32_splat(p2 + o);
          d0 = fma(v, l, d0); d1 = fma(v, h, d1);
          v = v128.load32_splat(p3 + o);
          e0 = fma(v, l, e0); e1 = fma(v, h, e1);
          wq += <usize>O8 << 2;
        }
        if (POOL) {
          // (max, then bias and ReLU commute with it; the bias is already in)
          let m0 = max4(a0, c0, d0, e0), m1 = max4(a1, c1, d1, e1);
          if (RELU) { m0 = relu(m0); m1 = relu(m1); }
          const slot = tile + (<usize>(u & 3) << 5);
          v128.store(slot, m0); v128.store(slot, m1, 16);
          if ((u & 3) == 3 || u == units - 1) {
            const u0 = u & ~3, k = (u & 3) + 1, dst = o0 + (<usize>(first + u0) << 2);
            storeTransposed(dst, ps, v128.load(tile), v128.load(tile, 32), v128.load(tile, 64), v128.load(tile, 96), lo, k, spill);
            if (lanes > 4) storeTransposed(dst + 4 * ps, ps, v128.load(tile, 16), v128.load(tile, 48), v128.load(tile, 80), v128.load(tile, 112), lanes - 4, k, spill);
          }
        } else {
          if (RELU) {
            a0 = relu(a0); a1 = relu(a1); c0 = relu(c0); c1 = relu(c1);
            d0 = relu(d0); d1 = relu(d1); e0 = relu(e0); e1 = relu(e1);
          }
          const k = min(4, last - first - 4 * u), dst = o0 + (<usize>(first + 4 * u) << 2);
          storeTransposed(dst, ps, a0, c0, d0, e0, lo, k, spill);
          if (lanes > 4) storeTransposed(dst + 4 * ps, ps, a1, c1, d1, e1, lanes - 4, k, spill);
        }
      }
    }
  }
}

/**
 * v0..v3 hold four channels of pixels 0..3; writes channel r's k (<= 4)
 * pixels at dst + r * rowBytes for r < lanes (a k < 4 end of the plane
 * goes through `tile`, 64 bytes).
 */
// @ts-ignore: decorator
@inline
function storeTransposed(dst: usize, rowBytes: usize, v0: v128, v1: v128, v2: v128, v3: v128, lanes: i32, k: i32, tile: usize): void {
  if (k == 4) {
    storeTransposed4(dst, rowBytes, v0, v1, v2, v3, lanes);
    return;
  }
  storeTransposed4(tile, 16, v0, v1, v2, v3);
  for (let r = 0; r < lanes; r++) {
    for (let i = 0; i < k; i++) store<f32>(dst + <usize>r * rowBytes + (<usize>i << 2), load<f32>(tile + (<usize>(r * 4 + i) << 2)));
  }
}

/** Forward for images [n0, n1), output rows [Y0, Y1). */
export function conv2d(x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, scratch: usize): void {
  if (useWinograd()) {
    setWinogradRows(Y0, Y1);
    setWinogradEpilogue(RELU, POOL);
    winogradConv(x, w, bias, out, n0, n1, scratch);
    return;
  }
  if (depthwise()) {
    depthwiseConv(x, w, bias, out, n0, n1, scratch);
    return;
  }
  if (useDirect()) {
    directConv(x, w, bias, out, n0, n1, scratch);
    return;
  }
  const cg = C / G, og = O / G, rows = cg * KH * KW, plane = OH * OW, cols = (Y1 - Y0) * OW;
  const col = scratch;
  const gs = scratch + (<usize>(rows * plane) << 2) + 64;
  const pointwise = KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0 && OH == H && OW == W;
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      // a 1x1 convolution needs no im2col: the input already is the column matrix
      let b = col, ldb = cols;
      if (pointwise) { b = x + (<usize>((n * C + g * cg) * H * W + Y0 * W) << 2); ldb = plane; }
      else im2col(x, n, g * cg, col);
      const o = out + (<usize>((n * O + g * og) * plane + Y0 * OW) << 2);
      gemm(og, cols, rows, w + (<usize>(g * og * rows) << 2), rows, 1, b, ldb, 1, o, plane, false, gs);
    }
    if (bias != 0) {
      for (let oc = 0; oc < O; oc++) {
        const bv = f32x4.splat(load<f32>(bias + (<usize>oc << 2)));
        const bs = load<f32>(bias + (<usize>oc << 2));
        const base = out + (<usize>((n * O + oc) * plane + Y0 * OW) << 2);
        let p = 0;
        for (; p + 4 <= cols; p += 4) { const q = base + (<usize>p << 2); v128.store(q, f32x4.add(v128.load(q), bv)); }
        for (; p < cols; p++) { const q = base + (<usize>p << 2); store<f32>(q, load<f32>(q) + bs); }
      }
    }
  }
}

/** Input gradient for images [n0, n1) (dx of those images is overwritten). */
export function conv2dBackwardInput(dy: usize, w: usize, dx: usize, n0: i32, n1: i32, scratch: usize): void {
  if (useWinogradBackwardInput()) {
    turnFilters(w, scratch);
    setWinogradTransposed();
    winogradConv(dy, scratch, 0, dx, n0, n1, scratch + <usize>turnedBytes());
    setWinogradForward();
    return;
  }
  if (useDirectBackwardInput()) {
    turnFilters(w, scratch);
    const turned = <usize>turnedBytes();
    transposeGeometry();
    directConv(dy, scratch, 0, dx, n0, n1, scratch + turned);
    transposeGeometry();
    return;
  }
  const cg = C / G, og = O / G, rows = cg * KH * KW, cols = OH * OW;
  const col = scratch;
  const gs = scratch + (<usize>(rows * cols) << 2) + 64;
  memory.fill(dx + (<usize>(n0 * C * H * W) << 2), 0, <usize>((n1 - n0) * C * H * W) << 2);
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const d = dy + (<usize>((n * O + g * og) * cols) << 2);
      // dcol[rows, cols] = W[g]^T @ dy: A(i, p) = W[p * rows + i]
      gemm(rows, cols, og, w + (<usize>(g * og * rows) << 2), 1, rows, d, cols, 1, col, cols, false, gs);
      col2im(col, n, g * cg, dx);
    }
  }
}

// @ts-ignore: decorator
@inline
function transposedWeightGradient(): bool {
  // fewer rows (C/g * kH * kW) than filters: the first layer of most nets (3x3 on 1-3 channels)
  return (C / G) * KH * KW < O / G;
}

// The weight gradient of a layer the direct forward kernel takes, computed
// the same way round: output channels as the lanes, dW[t][o] += dy[p][o] *
// x(p + tap t), for four taps and eight channels at a time (eight
// accumulators) over every pixel p, from a padded copy of the image and dy
// transposed to pixel-major. No im2col, and no GEMM over a handful of rows.
// (Batch 64, one thread, against im2col + GEMM: LeNet's 5x5 1 -> 6 and
// 6 -> 16 1.24 -> 0.67 and 2.13 -> 0.72 ms; 3x3 1 -> 32 on 28x28 2.04 ->
// 1.18 ms; 3x3 3 -> 32 on 32x32 5.76 -> 3.40 ms; 5x5 16 -> 32 2.49 -> 1.74.)
// It serves every layer useDirect() takes.

/**
 * dst[b][q][k] = src[8b + k][q] for the O channels of src (rows of `plane`
 * floats): pixel-major blocks of eight channels, zeros past O; 4x4
 * transposes in registers.
 */
function transposeBlocks(src: usize, plane: i32, dst: usize): void {
  const z = f32x4.splat(0), q4 = plane & ~3;
  for (let c0 = 0; c0 < o8(); c0 += 4) {
    const blk = dst + (<usize>((c0 >> 3) * plane * 8 + (c0 & 4)) << 2);
    const valid = O - c0;
    const r0 = src + (<usize>(c0 * plane) << 2), rs = <usize>plane << 2;
    let q = 0;
    if (valid >= 4) {
      for (; q < q4; q += 4) {
        const qb = <usize>q << 2;
        storeTransposed4(blk + (<usize>(q * 8) << 2), 32,
          v128.load(r0 + qb), v128.load(r0 + rs + qb), v128.load(r0 + 2 * rs + qb), v128.load(r0 + 3 * rs + qb));
      }
    }
    for (; q < plane; q++) {
      const d = blk + (<usize>(q * 8) << 2);
      v128.store(d, z);
      for (let k = 0; k < min(4, valid); k++) store<f32>(d + (<usize>k << 2), load<f32>(r0 + <usize>k * rs + (<usize>q << 2)));
    }
  }
}

/** Scratch of directWeightGradient: padded image, dy pixel-major, the sums tap-major, tap and pixel offsets. */
function directWeightScratchBytes(): i32 {
  const taps = C * KH * KW, plane = OH * OW;
  return ((C * directRows() * directWidth() + plane * o8() + ((taps + 3) & ~3) * o8() + taps + 4 + plane) << 2) + 256;
}

/** Weight gradient summed over images [n0, n1) into dw (overwritten), for useDirect() layers. */
function directWeightGradient(x: usize, dy: usize, dw: usize, n0: i32, n1: i32, scratch: usize): void {
  const taps = C * KH * KW, taps4 = (taps + 3) & ~3, O8 = o8(), WD = directWidth(), rows = OH + KH - 1, plane = OH * OW;
  const p = scratch;
  const dyt = align64(p + (<usize>(C * directRows() * WD) << 2));
  const acc = dyt + (<usize>(plane * O8) << 2);
  const offs = acc + (<usize>(taps4 * O8) << 2);
  const pix = offs + (<usize>(taps4) << 2);
  // byte offsets of tap (c, i, j) in the padded image (the taps past the last repeat it: computed, never stored)
  for (let c = 0, t = 0; c < C; c++) {
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++, t++) store<i32>(offs + (<usize>t << 2), ((c * rows + i) * WD + j) << 2);
    }
  }
  for (let t = taps; t < taps4; t++) store<i32>(offs + (<usize>t << 2), load<i32>(offs + (<usize>(taps - 1) << 2)));
  for (let q = 0; q < plane; q++) {
    const y = q / OW;
    store<i32>(pix + (<usize>q << 2), (y * WD + q - y * OW) << 2);
  }
  memory.fill(acc, 0, <usize>(taps4 * O8) << 2);
  const pEnd = pix + (<usize>plane << 2), rowB = <usize>O8 << 2;
  for (let n = n0; n < n1; n++) {
    padBand(x, n, C, H, W, WD, PL, -PT, rows, p);
    transposeBlocks(dy + (<usize>(n * O * plane) << 2), plane, dyt);
    for (let ob = 0; ob < O8; ob += 8) {
      for (let t = 0; t < taps4; t += 4) {
        const o0 = <usize>load<i32>(offs + (<usize>t << 2)), o1 = <usize>load<i32>(offs + (<usize>(t + 1) << 2));
        const o2 = <usize>load<i32>(offs + (<usize>(t + 2) << 2)), o3 = <usize>load<i32>(offs + (<usize>(t + 3) << 2));
        const at = acc + (<usize>(t * O8 + ob) << 2);
        let a0 = v128.load(at), a1 = v128.load(at, 16);
        let c0 = v128.load(at + rowB), c1 = v128.load(at + rowB, 16);
        let d0 = v128.load(at + 2 * rowB), d1 = v128.load(at + 2 * rowB, 16);
        let e0 = v128.load(at + 3 * rowB), e1 = v128.load(at + 3 * rowB, 16);
        let dq = dyt + (<usize>(ob * plane) << 2);
        for (let pq = pix; pq < pEnd; pq += 4) {
          const b = p + <usize>load<i32>(pq);
          const l = v128.load(dq), h = v128.load(dq, 16);
          let v = v128.load32_splat(b + o0);
          a0 = fma(v, l, a0); a1 = fma(v, h, a1);
          v = v128.load32_splat(b + o1);
          c0 = fma(v, l, c0); c1 = fma(v, h, c1);
          v = v128.load32_splat(b + o2);
          d0 = fma(v, l, d0); d1 = fma(v, h, d1);
          v = v128.load32_splat(b + o3);
          e0 = fma(v, l, e0); e1 = fma(v, h, e1);
          dq += 32;
        }
        v128.store(at, a0); v128.store(at, a1, 16);
        v128.store(at + rowB, c0); v128.store(at + rowB, c1, 16);
        v128.store(at + 2 * rowB, d0); v128.store(at + 2 * rowB, d1, 16);
        v128.store(at + 3 * rowB, e0); v128.store(at + 3 * rowB, e1, 16);
      }
    }
  }
  // dw[o][t] = acc[t][o]
  for (let o = 0; o < O; o++) {
    for (let t = 0; t < taps; t++) store<f32>(dw + (<usize>(o * taps + t) << 2), load<f32>(acc + (<usize>(t * O8 + o) << 2)));
  }
}

/** Weight gradient summed over images [n0, n1) into dw (overwritten). */
export function conv2dBackwardWeight(x: usize, dy: usize, dw: usize, n0: i32, n1: i32, scratch: usize): void {
  if (useWinograd()) {
    winogradBackwardWeight(x, dy, dw, n0, n1, scratch);
    return;
  }
  if (useDirect()) {
    directWeightGradient(x, dy, dw, n0, n1, scratch);
    return;
  }
  const cg = C / G, og = O / G, rows = cg * KH * KW, cols = OH * OW;
  const col = scratch;
  const gs = scratch + (<usize>(rows * cols) << 2) + 64;
  if (transposedWeightGradient()) {
    // dW[g]^T[rows, og] += col[rows, cols] @ dy[og, cols]^T: the short side (rows) is the GEMM's m,
    // so its panels are full and the long dy is packed by the transposing fast path
    const acc = gs + <usize>gemmScratchBytes();
    memory.fill(acc, 0, <usize>(G * rows * og) << 2);
    for (let n = n0; n < n1; n++) {
      for (let g = 0; g < G; g++) {
        im2col(x, n, g * cg, col);
        const d = dy + (<usize>((n * O + g * og) * cols) << 2);
        gemm(rows, og, cols, col, cols, 1, d, 1, cols, acc + (<usize>(g * rows * og) << 2), og, true, gs);
      }
    }
    for (let g = 0; g < G; g++) {
      for (let o = 0; o < og; o++) {
        for (let r = 0; r < rows; r++) {
          store<f32>(dw + (<usize>((g * og + o) * rows + r) << 2), load<f32>(acc + (<usize>((g * rows + r) * og + o) << 2)));
        }
      }
    }
    return;
  }
  memory.fill(dw, 0, <usize>(O * rows) << 2);
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      im2col(x, n, g * cg, col);
      const d = dy + (<usize>((n * O + g * og) * cols) << 2);
      // dW[g][og, rows] += dy[og, cols] @ col^T: B(p, j) = col[j * cols + p]
      gemm(og, rows, cols, d, cols, 1, col, 1, cols, dw + (<usize>(g * og * rows) << 2), rows, true, gs);
    }
  }
}
