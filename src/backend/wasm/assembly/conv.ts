// Convolution by im2col + GEMM, per image and group; spec:
// src/backend/js/conv2d.ts. x [N, C, H, W], w [O, C/g, kH, kW],
// col [C/g * kH * kW, Ho * Wo] with row r = (c * kH + i) * kW + j.

import { gemm, gemmScratchBytes } from './gemm';
import { setWinograd, setWinogradRows, winogradApplies, winogradBackwardWeight, winogradBackwardWeightScratchBytes, winogradConv, winogradScratchBytes } from './winograd';
import { setDepthwise, depthwiseConv, depthwiseScratchBytes } from './depthwise';
import { fma, storeCols } from './simd';
import { padBand } from './winograd-common';

// Geometry, set once per call by setConv (keeps the kernels' argument lists short).
let N = 0, C = 0, H = 0, W = 0, O = 0, KH = 0, KW = 0, OH = 0, OW = 0;
let SH = 1, SW = 1, PT = 0, PL = 0, DH = 1, DW = 1, G = 1;
// The output rows conv2d computes (setConv: all; setConvRows narrows them to split one image across threads).
let Y0 = 0, Y1 = 0;

export function setConv(n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32, g: i32): void {
  N = n; C = c; H = h; W = w; O = o; KH = kh; KW = kw; OH = oh; OW = ow;
  SH = sh; SW = sw; PT = pt; PL = pl; DH = dh; DW = dw; G = g;
  Y0 = 0; Y1 = oh;
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
  return ((O * C * 9) << 2) + 63 & ~63;
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
    if (!useWinogradBackwardInput()) return im2col;
    setWinogradTransposed();
    const bytes = turnedBytes() + winogradScratchBytes();
    setWinogradForward();
    return max(im2col, bytes);
  }
  if (useWinograd()) return max(im2col, winogradBackwardWeightScratchBytes());
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

// A small layer (5x5 on 1 or 6 channels, 3x3 on 3: 16 to DIRECT_TAPS
// products per output) is computed directly: there im2col's copy and the
// GEMM's packing cost more than the arithmetic. (LeNet's two convolutions,
// batch 64, one thread: 0.88 -> 0.63 ms and 1.53 -> 1.16 ms; 3x3 on 3
// channels 4.5 -> 4.0 ms. With fewer taps, 3x3 on one channel, the GEMM's
// long rows win.)
const DIRECT_TAPS = 150;

// @ts-ignore: decorator
@inline
function useDirect(): bool {
  const taps = C * KH * KW;
  return G == 1 && SH == 1 && SW == 1 && DH == 1 && DW == 1 && taps >= 16 && taps <= DIRECT_TAPS && OW >= 8 && O >= 4;
}

// Rows and row width of the direct kernel's padded input, and its filters' width (O rounded up to 4).
// @ts-ignore: decorator
@inline
function directRows(): i32 { return OH + KH - 1; }
// @ts-ignore: decorator
@inline
function directWidth(): i32 { return ((((OW + 7) & ~7) + KW - 1) + 3) & ~3; }
// @ts-ignore: decorator
@inline
function o4(): i32 { return (O + 3) & ~3; }

/** Scratch bytes of directConv: the padded input of one image and the filters tap-major. */
function directScratchBytes(): i32 {
  return ((C * directRows() * directWidth() + C * KH * KW * o4()) << 2) + 128;
}

/**
 * Forward of images [n0, n1), output rows [Y0, Y1), without im2col: for four
 * output channels and eight output pixels at a time (eight accumulators), each
 * tap (c, i, j) loads two vectors of the padded input and four broadcast
 * weights (the filters are rearranged tap-major, channels innermost).
 */
function directConv(x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, scratch: usize): void {
  const taps = C * KH * KW, O4 = o4(), WD = directWidth(), rows = Y1 - Y0 + KH - 1;
  const p = scratch;
  const wt = p + (<usize>(C * directRows() * WD) << 2);
  // wt[t][o] = w[o][t]; zeros for o >= O
  for (let t = 0; t < taps; t++) {
    for (let o = 0; o < O4; o++) store<f32>(wt + (<usize>(t * O4 + o) << 2), o < O ? load<f32>(w + (<usize>(o * taps + t) << 2)) : 0);
  }
  const plane = OH * OW;
  for (let n = n0; n < n1; n++) {
    padBand(x, n, C, H, W, WD, PL, Y0 - PT, rows, p);
    for (let ob = 0; ob < O4; ob += 4) {
      const lanes = min(4, O - ob);
      const b0 = bias != 0 ? load<f32>(bias + (<usize>ob << 2)) : 0;
      const b1 = bias != 0 && lanes > 1 ? load<f32>(bias + (<usize>(ob + 1) << 2)) : 0;
      const b2 = bias != 0 && lanes > 2 ? load<f32>(bias + (<usize>(ob + 2) << 2)) : 0;
      const b3 = bias != 0 && lanes > 3 ? load<f32>(bias + (<usize>(ob + 3) << 2)) : 0;
      for (let y = Y0; y < Y1; y++) {
        for (let xo = 0; xo < OW; xo += 8) {
          let a0 = f32x4.splat(b0), a1 = a0, c0 = f32x4.splat(b1), c1 = c0;
          let d0 = f32x4.splat(b2), d1 = d0, e0 = f32x4.splat(b3), e1 = e0;
          let wq = wt + (<usize>ob << 2);
          for (let c = 0; c < C; c++) {
            for (let i = 0; i < KH; i++) {
              let q = p + (<usize>((c * rows + y - Y0 + i) * WD + xo) << 2);
              for (let j = 0; j < KW; j++) {
                const v0 = v128.load(q), v1 = v128.load(q, 16);
                let s = v128.load32_splat(wq);
                a0 = fma(s, v0, a0); a1 = fma(s, v1, a1);
                s = v128.load32_splat(wq, 4);
                c0 = fma(s, v0, c0); c1 = fma(s, v1, c1);
                s = v128.load32_splat(wq, 8);
                d0 = fma(s, v0, d0); d1 = fma(s, v1, d1);
                s = v128.load32_splat(wq, 12);
                e0 = fma(s, v0, e0); e1 = fma(s, v1, e1);
                q += 4;
                wq += <usize>O4 << 2;
              }
            }
          }
          const dst = out + (<usize>((n * O + ob) * plane + y * OW + xo) << 2);
          const ps = <usize>plane << 2;
          if (xo + 8 <= OW) {
            v128.store(dst, a0); v128.store(dst, a1, 16);
            if (lanes > 1) { v128.store(dst + ps, c0); v128.store(dst + ps, c1, 16); }
            if (lanes > 2) { v128.store(dst + 2 * ps, d0); v128.store(dst + 2 * ps, d1, 16); }
            if (lanes > 3) { v128.store(dst + 3 * ps, e0); v128.store(dst + 3 * ps, e1, 16); }
          } else {
            const k = OW - xo;
            storeCols(dst, a0, a1, k);
            if (lanes > 1) storeCols(dst + ps, c0, c1, k);
            if (lanes > 2) storeCols(dst + 2 * ps, d0, d1, k);
            if (lanes > 3) storeCols(dst + 3 * ps, e0, e1, k);
          }
        }
      }
    }
  }
}

/** Forward for images [n0, n1), output rows [Y0, Y1). */
export function conv2d(x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, scratch: usize): void {
  if (useWinograd()) {
    setWinogradRows(Y0, Y1);
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
    // w'[c][o][i][j] = w[o][c][2 - i][2 - j]
    for (let o = 0; o < O; o++) {
      for (let c = 0; c < C; c++) {
        const src = w + (<usize>((o * C + c) * 9) << 2), dst = scratch + (<usize>((c * O + o) * 9) << 2);
        for (let k = 0; k < 9; k++) store<f32>(dst + (<usize>k << 2), load<f32>(src + (<usize>(8 - k) << 2)));
      }
    }
    setWinogradTransposed();
    winogradConv(dy, scratch, 0, dx, n0, n1, scratch + <usize>turnedBytes());
    setWinogradForward();
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

/** Weight gradient summed over images [n0, n1) into dw (overwritten). */
export function conv2dBackwardWeight(x: usize, dy: usize, dw: usize, n0: i32, n1: i32, scratch: usize): void {
  if (useWinograd()) {
    winogradBackwardWeight(x, dy, dw, n0, n1, scratch);
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
