// Winograd F(4x4, 3x3) convolution forward (Lavin & Gray 2016): each 4x4
// output tile costs 36 multiplies per (in, out) channel pair instead of 144
// (direct) or 64 (four F(2x2, 3x3) tiles), as 36 GEMMs in the transform
// domain, laid out as winograd.ts lays out F(2x2, 3x3):
//
//   U[xi] = (G g G^T)[xi]      filters   [36][O/4][C][4]   (GEMM A panels)
//   V[xi] = (B^T d B)[xi]      input     [36][T/8][C][8]   (GEMM B panels)
//   M[xi] = U[xi] @ V[xi]                 [36][O][T]
//   y     = A^T M A + bias                4x4 per tile
//
// with the interpolation points 0, -1, 1, 1/2, -2 and infinity rather than
// the textbook 0, 1, -1, 2, -2 (Barabasz et al., "Error analysis and improving
// the accuracy of Winograd convolution for deep neural networks", 2020):
// their float32 error is about a third of the textbook matrices' (measured
// in a float32 simulation), which keeps the results within the conformance
// suite's tolerance (rel 1e-4 + abs 1e-5) where the textbook set is not.
//
//   B^T = [1 -3/2   -2  3/2    1  0]   G = [    1      0     0]   A^T = [1  1  1    1   1  0]
//         [0    1 -5/2  1/2    1  0]       [ -1/3    1/3  -1/3]         [0 -1  1  1/2  -2  0]
//         [0   -1  1/2  5/2    1  0]       [  1/3    1/3   1/3]         [0  1  1  1/4   4  0]
//         [0   -2   -1    2    1  0]       [-16/15 -8/15 -4/15]         [0 -1  1  1/8  -8  1]
//         [0  1/2   -1 -1/2    1  0]       [ 1/15  -2/15  4/15]
//         [0    1 -3/2   -2  3/2  1]       [    0      0     1]
//
// Transforms run on four horizontally adjacent tiles at once (one per lane):
// the four tiles' first four columns are one 4x4 transpose of four
// consecutive vectors, their last two columns one shuffle with the next.
// Each 2-D transform is two 1-D passes through a small block in scratch.

import { gemm, gemmScratchBytes } from './gemm';
import { max4, relu, storeCols, storeTransposed4 } from './simd';
import { align64, padBand, stride, transformDomainGemms } from './winograd-common';

let C = 0, H = 0, W = 0, O = 0, OH = 0, OW = 0, PT = 0, PL = 0;
// tile rows, tiles per row (a multiple of 4), tile rows per band, padded band width, tile rows to compute
let TH = 0, TW = 0, BR = 0, WP = 0, TY0 = 0, TY1 = 0;
// the forward's epilogue (setWinograd4Epilogue; setWinograd4 clears it): ReLU, then a 2x2 max-pool
let RELU = false, POOL = false;

/** Floats of V and M together for one band (about 1 MiB). */
const BAND_FLOATS = 1 << 18;

/** Geometry of the next calls (setWinograd's). */
export function setWinograd4(c: i32, h: i32, w: i32, o: i32, oh: i32, ow: i32, pt: i32, pl: i32): void {
  C = c; H = h; W = w; O = o; OH = oh; OW = ow; PT = pt; PL = pl;
  TH = (oh + 3) >> 2; TW = (((ow + 3) >> 2) + 3) & ~3;
  BR = max(1, min(TH, BAND_FLOATS / (36 * (c + o) * TW)));
  WP = 4 * TW + 4;
  TY0 = 0; TY1 = TH;
  RELU = false; POOL = false;
}

/** winograd4Conv applies ReLU and then a 2x2 stride-2 max-pool in its output transform (see setWinogradEpilogue). */
export function setWinograd4Epilogue(relu: bool, pool: bool): void {
  RELU = relu; POOL = pool;
}

/** Restricts winograd4Conv to output rows [y0, y1) (y0 a multiple of 4). */
export function setWinograd4Rows(y0: i32, y1: i32): void {
  TY0 = y0 >> 2; TY1 = min(TH, (y1 + 3) >> 2);
}

/**
 * True when F(4x4, 3x3) costs clearly fewer multiplies than F(2x2, 3x3) on
 * this output (tiles padded as the kernels pad them; on a 2x2 or 6x6 output
 * the larger tiles waste what they save) and its rounding stays within the
 * conformance tolerance: its error grows with the `depth` of the sums (input
 * channels), measured against a float64 convolution at 64 to 512 channels
 * (2.4e-6 to 6.3e-6 of the largest output, F(2x2, 3x3) 3e-7 to 8e-7), so
 * deeper sums than 128 channels take F(2x2, 3x3).
 */
export function winograd4Pays(depth: i32, oh: i32, ow: i32): bool {
  if (depth > 128) return false;
  const f2 = ((oh + 1) >> 1) * ((((ow + 1) >> 1) + 3) & ~3) * 16;
  const f4 = ((oh + 3) >> 2) * ((((ow + 3) >> 2) + 3) & ~3) * 36;
  return 4 * f4 <= 3 * f2;
}

// @ts-ignore: decorator
@inline
function bandRows(): i32 { return 4 * BR + 2; }

// @ts-ignore: decorator
@inline
function oPanels(): i32 { return (O + 3) >> 2; }
// @ts-ignore: decorator
@inline
function tPanels(): i32 { return (BR * TW + 7) >> 3; }

/** Scratch bytes of winograd4Conv: U, padded band, V, M, a transform block and a spill tile. */
export function winograd4ScratchBytes(): i32 {
  const floats = 36 * stride(oPanels() * 4 * C) + C * bandRows() * WP + 36 * stride(tPanels() * 8 * C) + 36 * stride(O * tPanels() * 8);
  return (floats << 2) + 1024 + 256 + 6 * 64;
}

/** The six rows of G applied to (a, b, c), stored `step` bytes apart from dst. */
// @ts-ignore: decorator
@inline
function gRows(a: v128, b: v128, c: v128, dst: usize, step: usize): void {
  const third = f32x4.splat(<f32>(1.0 / 3.0)), fifteenth = f32x4.splat(<f32>(1.0 / 15.0));
  const ac = f32x4.add(a, c);
  v128.store(dst, a);
  v128.store(dst + step, f32x4.mul(f32x4.sub(b, ac), third));
  v128.store(dst + 2 * step, f32x4.mul(f32x4.add(ac, b), third));
  // -(16a + 8b + 4c) / 15 and (a - 2b + 4c) / 15
  const c4 = f32x4.mul(f32x4.splat(4), c), b2 = f32x4.add(b, b);
  v128.store(dst + 3 * step, f32x4.neg(f32x4.mul(f32x4.add(f32x4.add(f32x4.mul(f32x4.splat(16), a), f32x4.mul(f32x4.splat(8), b)), c4), fifteenth)));
  v128.store(dst + 4 * step, f32x4.mul(f32x4.add(f32x4.sub(a, b2), c4), fifteenth));
  v128.store(dst + 5 * step, c);
}

/** U[xi][o / 4][c][o % 4] = (G g G^T)[xi] for every filter g = w[o][c]; lanes past O are zero. */
function transformFilters(w: usize, u: usize, tmp: usize): void {
  const plane = <usize>stride(oPanels() * 4 * C) << 2;
  const fs = <usize>(C * 9) << 2;
  for (let op = 0; op < oPanels(); op++) {
    const lanes = min(4, O - op * 4);
    for (let c = 0; c < C; c++) {
      // tmp[k] = weight k of the four filters (lanes)
      const g = w + (<usize>((op * 4 * C + c) * 9) << 2);
      for (let k = 0; k < 9; k++) {
        const s = g + (<usize>k << 2);
        const v = lanes == 4
          ? f32x4(load<f32>(s), load<f32>(s + fs), load<f32>(s + 2 * fs), load<f32>(s + 3 * fs))
          : f32x4(load<f32>(s), lanes > 1 ? load<f32>(s + fs) : 0, lanes > 2 ? load<f32>(s + 2 * fs) : 0, 0);
        v128.store(tmp + (<usize>k << 4), v);
      }
      // G on the kernel's columns: block[i][j] (6 x 3) at tmp + 144 + (i * 3 + j) * 16
      const b = tmp + 144;
      for (let j = 0; j < 3; j++) {
        gRows(v128.load(tmp + (<usize>j << 4)), v128.load(tmp + (<usize>(3 + j) << 4)), v128.load(tmp + (<usize>(6 + j) << 4)),
          b + (<usize>j << 4), 48);
      }
      // then on its rows: U[i * 6 + jj]
      const dst = u + (<usize>((op * C + c) * 4) << 2);
      for (let i = 0; i < 6; i++) {
        const r = b + <usize>(i * 48);
        gRows(v128.load(r), v128.load(r, 16), v128.load(r, 32), dst + <usize>(i * 6) * plane, plane);
      }
    }
  }
}

/** The six rows of B^T applied to (d0 .. d5), stored `step` bytes apart from dst. */
// @ts-ignore: decorator
@inline
function bRows(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, dst: usize, step: usize): void {
  const half = f32x4.splat(0.5), oneHalf = f32x4.splat(1.5), twoHalf = f32x4.splat(2.5), two = f32x4.splat(2);
  const d42 = f32x4.sub(d4, d2);
  v128.store(dst, f32x4.sub(f32x4.add(f32x4.add(d0, d4), f32x4.mul(oneHalf, f32x4.sub(d3, d1))), f32x4.mul(two, d2)));
  v128.store(dst + step, f32x4.sub(f32x4.add(f32x4.add(d1, d4), f32x4.mul(half, d3)), f32x4.mul(twoHalf, d2)));
  v128.store(dst + 2 * step, f32x4.add(f32x4.add(f32x4.sub(d4, d1), f32x4.mul(half, d2)), f32x4.mul(twoHalf, d3)));
  v128.store(dst + 3 * step, f32x4.add(d42, f32x4.mul(two, f32x4.sub(d3, d1))));
  v128.store(dst + 4 * step, f32x4.add(d42, f32x4.mul(half, f32x4.sub(d1, d3))));
  v128.store(dst + 5 * step, f32x4.sub(f32x4.add(f32x4.add(d1, d5), f32x4.mul(oneHalf, d42)), f32x4.mul(two, d3)));
}

/**
 * (B^T d B)[xi] for every 6x6 input tile d of the padded band of `rows` tile
 * rows, into V[xi][t / 8][c][t % 8] (the forward GEMM's panels) or, when
 * `rowMajor`, into V[xi][c][t] with rows BR * TW floats long (the weight
 * gradient's layout).
 */
function transformInput(p: usize, v: usize, rows: i32, tmp: usize, rowMajor: bool): void {
  const plane = <usize>(rowMajor ? stride(C * BR * TW) : stride(tPanels() * 8 * C)) << 2;
  const rowBytes = <usize>WP << 2;
  for (let c = 0; c < C; c++) {
    const pc = p + (<usize>(c * (4 * rows + 2) * WP) << 2);
    const vc = v + (<usize>(rowMajor ? c * BR * TW : c * 8) << 2);
    for (let ty = 0; ty < rows; ty++) {
      for (let tx = 0; tx < TW; tx += 4) {
        // B on each of the six rows: the four tiles' columns 0 .. 5 (lanes = tiles), then B^T down the columns
        let q = pc + <usize>(4 * ty) * rowBytes + (<usize>(4 * tx) << 2);
        for (let r = 0; r < 6; r++, q += rowBytes) {
          const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48), v4 = v128.load(q, 64);
          const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
          const c0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), c1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
          const c2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), c3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
          const c4 = v128.shuffle<f32>(c0, v4, 1, 2, 3, 4), c5 = v128.shuffle<f32>(c1, v4, 1, 2, 3, 5);
          bRows(c0, c1, c2, c3, c4, c5, tmp + <usize>(r * 96), 16);
        }
        const t = ty * TW + tx;
        const o = vc + (<usize>(rowMajor ? t : (t >> 3) * 8 * C + (t & 7)) << 2);
        for (let j = 0; j < 6; j++) {
          const s = tmp + (<usize>j << 4);
          bRows(v128.load(s), v128.load(s, 96), v128.load(s, 192), v128.load(s, 288), v128.load(s, 384), v128.load(s, 480),
            o + <usize>j * plane, 6 * plane);
        }
      }
    }
  }
}

/** The four rows of A^T applied to (m0 .. m5), stored `step` bytes apart from dst. */
// @ts-ignore: decorator
@inline
function aRows(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, dst: usize, step: usize): void {
  const p12 = f32x4.add(m1, m2), d21 = f32x4.sub(m2, m1);
  v128.store(dst, f32x4.add(f32x4.add(m0, p12), f32x4.add(m3, m4)));
  v128.store(dst + step, f32x4.sub(f32x4.add(d21, f32x4.mul(f32x4.splat(0.5), m3)), f32x4.mul(f32x4.splat(2), m4)));
  v128.store(dst + 2 * step, f32x4.add(f32x4.add(p12, f32x4.mul(f32x4.splat(0.25), m3)), f32x4.mul(f32x4.splat(4), m4)));
  v128.store(dst + 3 * step, f32x4.add(f32x4.sub(f32x4.add(d21, f32x4.mul(f32x4.splat(0.125), m3)), f32x4.mul(f32x4.splat(8), m4)), m5));
}

/**
 * Output rows of tile rows ty0 .. ty0 + rows of image n = A^T M A (+ bias),
 * then the epilogue; a partial last tile row/column is clipped. With the
 * pool, rows a and a + 1 of a 4x4 tile make its two pooled rows' windows.
 */
function transformOutput(m: usize, bias: usize, out: usize, n: i32, ty0: i32, rows: i32, tmp: usize): void {
  const T = tPanels() * 8;
  const plane = <usize>stride(O * T) << 2;
  const PH = OH >> 1, PW = OW >> 1;
  for (let o = 0; o < O; o++) {
    const bv = f32x4.splat(bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0);
    const mo = m + (<usize>(o * T) << 2);
    const yo = out + (<usize>((n * O + o) * (POOL ? PH * PW : OH * OW)) << 2);
    for (let ty = 0; ty < rows; ty++) {
      const y0 = 4 * (ty0 + ty);
      for (let tx = 0; tx < TW; tx += 4) {
        const x = 4 * tx, px = x >> 1;
        if (x >= OW || (POOL && px >= PW)) break;
        const s = mo + (<usize>(ty * TW + tx) << 2);
        // A^T down each column j: tmp[a][j] (4 x 6)
        for (let j = 0; j < 6; j++) {
          const c = s + <usize>j * plane;
          aRows(v128.load(c), v128.load(c + 6 * plane), v128.load(c + 12 * plane), v128.load(c + 18 * plane),
            v128.load(c + 24 * plane), v128.load(c + 30 * plane), tmp + (<usize>j << 4), 96);
        }
        const blk = tmp + 384;
        if (POOL) {
          // rows a, a + 1: columns b = 0 .. 3 (lanes = tiles); windows (b0, b1) and (b2, b3) of each tile
          for (let a = 0; a < 4; a += 2) {
            const py = (y0 + a) >> 1;
            if (py >= PH) break;
            const r = tmp + <usize>(a * 96);
            aRows(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64), v128.load(r, 80), blk, 16);
            const u0 = v128.load(blk), u1 = v128.load(blk, 16), u2 = v128.load(blk, 32), u3 = v128.load(blk, 48);
            aRows(v128.load(r, 96), v128.load(r, 112), v128.load(r, 128), v128.load(r, 144), v128.load(r, 160), v128.load(r, 176), blk, 16);
            let pl = f32x4.add(max4(u0, u1, v128.load(blk), v128.load(blk, 16)), bv);
            let ph = f32x4.add(max4(u2, u3, v128.load(blk, 32), v128.load(blk, 48)), bv);
            if (RELU) { pl = relu(pl); ph = relu(ph); }
            // each tile's two pooled columns side by side: pooled columns px .. px + 7
            const lo = v128.shuffle<f32>(pl, ph, 0, 4, 1, 5), hi = v128.shuffle<f32>(pl, ph, 2, 6, 3, 7);
            const d = yo + (<usize>(py * PW + px) << 2);
            if (px + 8 <= PW) { v128.store(d, lo); v128.store(d, hi, 16); }
            else storeCols(d, lo, hi, PW - px);
          }
          continue;
        }
        // then A along each row a: four vectors (columns b = 0 .. 3, lanes = tiles), transposed to each tile's four pixels
        for (let a = 0; a < 4; a++) {
          const y = y0 + a;
          if (y >= OH) break;
          const r = tmp + <usize>(a * 96);
          aRows(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64), v128.load(r, 80), blk, 16);
          let b0 = f32x4.add(v128.load(blk), bv), b1 = f32x4.add(v128.load(blk, 16), bv);
          let b2 = f32x4.add(v128.load(blk, 32), bv), b3 = f32x4.add(v128.load(blk, 48), bv);
          if (RELU) { b0 = relu(b0); b1 = relu(b1); b2 = relu(b2); b3 = relu(b3); }
          // each tile's four pixels side by side (a partial last block through blk)
          const d = yo + (<usize>(y * OW + x) << 2);
          if (x + 16 <= OW) storeTransposed4(d, 16, b0, b1, b2, b3);
          else {
            storeTransposed4(blk, 16, b0, b1, b2, b3);
            const k = OW - x;
            for (let i = 0; i < k; i++) store<f32>(d + (<usize>i << 2), load<f32>(blk + (<usize>i << 2)));
          }
        }
      }
    }
  }
}

/** Forward for images [n0, n1), tile rows [TY0, TY1) (geometry from setWinograd4). */
export function winograd4Conv(x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, scratch: usize): void {
  const OP = oPanels(), T8 = tPanels() * 8;
  const su = stride(OP * 4 * C), sv = stride(T8 * C), sm = stride(O * T8);
  const u = align64(scratch);
  const p = align64(u + (<usize>(36 * su) << 2));
  const v = align64(p + (<usize>(C * bandRows() * WP) << 2));
  const m = align64(v + (<usize>(36 * sv) << 2));
  const tmp = align64(m + (<usize>(36 * sm) << 2));
  const tile = tmp + 1024;
  transformFilters(w, u, tmp);
  for (let n = n0; n < n1; n++) {
    for (let ty0 = TY0; ty0 < TY1; ty0 += BR) {
      const rows = min(BR, TY1 - ty0);
      padBand(x, n, C, H, W, WP, PL, 4 * ty0 - PT, 4 * rows + 2, p);
      transformInput(p, v, rows, tmp, false);
      transformDomainGemms(36, u, su, v, sv, m, sm, O, C, (rows * TW + 7) >> 3, T8, tile);
      transformOutput(m, bias, out, n, ty0, rows, tmp);
    }
  }
}

// ---- Weight gradient ------------------------------------------------------
//
// As winograd.ts's F(2x2, 3x3) weight gradient, with 6x6 transforms:
//   dM[xi]  = (A dY A^T)[xi]           per 4x4 tile of dy
//   dU[xi] += dM[xi] @ V[xi]^T          36 GEMMs [O, T] @ [T, C] over the tiles
//   dg      = G^T dU G                  3x3 per (o, c)

/** Output channels rounded up to a multiple of four (dM's rows). */
// @ts-ignore: decorator
@inline
function o4(): i32 { return (O + 3) & ~3; }

/** Bytes of the transform blocks of winograd4BackwardWeight: [4][36] vectors, a [4][6] block and a 16-float row. */
const GRAD_TMP_BYTES = 2304 + 384 + 64;

/** Scratch bytes of winograd4BackwardWeight: dU, padded band, V, dM, transform blocks and the GEMM's packing space. */
export function winograd4BackwardWeightScratchBytes(): i32 {
  const tb = BR * TW;
  const floats = 36 * stride(O * C) + C * bandRows() * WP + 36 * stride(C * tb) + 36 * stride(o4() * tb);
  return (floats << 2) + GRAD_TMP_BYTES + gemmScratchBytes() + 6 * 64;
}

/** The six rows of A applied to (y0 .. y3) (A = (A^T)^T), stored `step` bytes apart from dst. */
// @ts-ignore: decorator
@inline
function aColumn(y0: v128, y1: v128, y2: v128, y3: v128, dst: usize, step: usize): void {
  const p02 = f32x4.add(y0, y2), p13 = f32x4.add(y1, y3);
  v128.store(dst, y0);
  v128.store(dst + step, f32x4.sub(p02, p13));
  v128.store(dst + 2 * step, f32x4.add(p02, p13));
  v128.store(dst + 3 * step, f32x4.add(f32x4.add(y0, f32x4.mul(f32x4.splat(0.5), y1)),
    f32x4.add(f32x4.mul(f32x4.splat(0.25), y2), f32x4.mul(f32x4.splat(0.125), y3))));
  v128.store(dst + 4 * step, f32x4.sub(f32x4.add(y0, f32x4.mul(f32x4.splat(4), y2)),
    f32x4.add(f32x4.mul(f32x4.splat(2), y1), f32x4.mul(f32x4.splat(8), y3))));
  v128.store(dst + 5 * step, y3);
}

/**
 * dM[xi][t][o] = (A dY A^T)[xi] for every 4x4 tile dY of dy (image n, tile
 * rows ty0 .. ty0 + rows); outside dy is zero, as are channels O .. o4().
 * Four channels are computed into tmp ([4][36] vectors of four tiles) and
 * transposed there, so that the GEMM reads four channels with one load.
 */
function transformGradOutput(dy: usize, n: i32, ty0: i32, rows: i32, dm: usize, tmp: usize): void {
  const tb = BR * TW, O4 = o4();
  const plane = <usize>stride(O4 * tb) << 2;
  const z = f32x4.splat(0);
  const blk = tmp + 2304, row16 = tmp + 2688;
  for (let og = 0; og < O4; og += 4) {
    for (let ty = 0; ty < rows; ty++) {
      const y0 = 4 * (ty0 + ty);
      for (let tx = 0; tx < TW; tx += 4) {
        const x = 4 * tx;
        for (let oo = 0; oo < 4; oo++) {
          const o = og + oo;
          // A along each of the tile rows a: blk[a][j] (4 x 6), lanes = four tiles
          for (let a = 0; a < 4; a++) {
            const y = y0 + a;
            let c0 = z, c1 = z, c2 = z, c3 = z;
            if (o < O && y < OH && x < OW) {
              const r = dy + (<usize>(((n * O + o) * OH + y) * OW + x) << 2);
              let v0: v128, v1: v128, v2: v128, v3: v128;
              if (x + 16 <= OW) {
                v0 = v128.load(r); v1 = v128.load(r, 16); v2 = v128.load(r, 32); v3 = v128.load(r, 48);
              } else {
                v128.store(row16, z); v128.store(row16, z, 16); v128.store(row16, z, 32); v128.store(row16, z, 48);
                const k = OW - x;
                for (let i = 0; i < k; i++) store<f32>(row16 + (<usize>i << 2), load<f32>(r + (<usize>i << 2)));
                v0 = v128.load(row16); v1 = v128.load(row16, 16); v2 = v128.load(row16, 32); v3 = v128.load(row16, 48);
              }
              const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
              const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
              c0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5); c1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
              c2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5); c3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
            }
            aColumn(c0, c1, c2, c3, blk + <usize>(a * 96), 16);
          }
          // then A down each column j: dM[i * 6 + j] into tmp[oo][xi]
          const d = tmp + <usize>(oo * 576);
          for (let j = 0; j < 6; j++) {
            const s = blk + (<usize>j << 4);
            aColumn(v128.load(s), v128.load(s, 96), v128.load(s, 192), v128.load(s, 288), d + (<usize>j << 4), 96);
          }
        }
        // transpose: tmp[oo][xi][lane] -> dM[xi][t + lane][og + oo]
        const e0 = dm + (<usize>((ty * TW + tx) * O4 + og) << 2);
        const ts = <usize>O4 << 2;
        for (let xi = 0; xi < 36; xi++) {
          const q = tmp + (<usize>xi << 4);
          storeTransposed4(e0 + <usize>xi * plane, ts, v128.load(q), v128.load(q, 576), v128.load(q, 1152), v128.load(q, 1728));
        }
      }
    }
  }
}

/** G^T applied to the six values u0 .. u5: the three values of a filter row or column. */
// @ts-ignore: decorator
@inline
function gt0(u0: f32, u1: f32, u2: f32, u3: f32, u4: f32): f32 {
  return u0 + (u2 - u1) * <f32>(1.0 / 3.0) + (u4 - 16 * u3) * <f32>(1.0 / 15.0);
}
// @ts-ignore: decorator
@inline
function gt1(u1: f32, u2: f32, u3: f32, u4: f32): f32 {
  return (u1 + u2) * <f32>(1.0 / 3.0) - (8 * u3 + 2 * u4) * <f32>(1.0 / 15.0);
}
// @ts-ignore: decorator
@inline
function gt2(u1: f32, u2: f32, u3: f32, u4: f32, u5: f32): f32 {
  return (u2 - u1) * <f32>(1.0 / 3.0) + (4 * u4 - 4 * u3) * <f32>(1.0 / 15.0) + u5;
}

/** dw[o][c] (3x3, overwritten) = G^T dU[o][c] G. */
function transformGradFilters(du: usize, dw: usize, tmp: usize): void {
  const plane = <usize>stride(O * C) << 2;
  for (let i = 0; i < O * C; i++) {
    const s = du + (<usize>i << 2);
    // rows a of dU: tmp[a][l] = (dU[a] G)[l]
    for (let a = 0; a < 6; a++) {
      const r = s + <usize>(a * 6) * plane;
      const u0 = load<f32>(r), u1 = load<f32>(r + plane), u2 = load<f32>(r + 2 * plane);
      const u3 = load<f32>(r + 3 * plane), u4 = load<f32>(r + 4 * plane), u5 = load<f32>(r + 5 * plane);
      const t = tmp + <usize>(a * 12);
      store<f32>(t, gt0(u0, u1, u2, u3, u4)); store<f32>(t, gt1(u1, u2, u3, u4), 4); store<f32>(t, gt2(u1, u2, u3, u4, u5), 8);
    }
    // then G^T down each column l
    const d = dw + (<usize>(i * 9) << 2);
    for (let l = 0; l < 3; l++) {
      const t = tmp + (<usize>l << 2);
      const u0 = load<f32>(t), u1 = load<f32>(t, 12), u2 = load<f32>(t, 24), u3 = load<f32>(t, 36), u4 = load<f32>(t, 48), u5 = load<f32>(t, 60);
      store<f32>(d + (<usize>l << 2), gt0(u0, u1, u2, u3, u4));
      store<f32>(d + (<usize>(3 + l) << 2), gt1(u1, u2, u3, u4));
      store<f32>(d + (<usize>(6 + l) << 2), gt2(u1, u2, u3, u4, u5));
    }
  }
}

/** Weight gradient summed over images [n0, n1) into dw (overwritten; geometry from setWinograd4). */
export function winograd4BackwardWeight(x: usize, dy: usize, dw: usize, n0: i32, n1: i32, scratch: usize): void {
  const tb = BR * TW;
  const sdu = stride(O * C), sv = stride(C * tb), sm = stride(o4() * tb);
  const du = align64(scratch);
  const p = align64(du + (<usize>(36 * sdu) << 2));
  const v = align64(p + (<usize>(C * bandRows() * WP) << 2));
  const dm = align64(v + (<usize>(36 * sv) << 2));
  const tmp = align64(dm + (<usize>(36 * sm) << 2));
  const gs = align64(tmp + GRAD_TMP_BYTES);
  for (let xi = 0; xi < 36; xi++) memory.fill(du + (<usize>(xi * sdu) << 2), 0, <usize>(O * C) << 2);
  for (let n = n0; n < n1; n++) {
    for (let ty0 = 0; ty0 < TH; ty0 += BR) {
      const rows = min(BR, TH - ty0);
      padBand(x, n, C, H, W, WP, PL, 4 * ty0 - PT, 4 * rows + 2, p);
      transformInput(p, v, rows, tmp, true);
      transformGradOutput(dy, n, ty0, rows, dm, tmp);
      const k = rows * TW;
      for (let xi = 0; xi < 36; xi++) {
        // dU[xi][O, C] += dM[xi][k, O]^T @ V[xi][C, k]^T
        gemm(O, C, k, dm + (<usize>(xi * sm) << 2), 1, o4(), v + (<usize>(xi * sv) << 2), 1, tb, du + (<usize>(xi * sdu) << 2), C, true, gs);
      }
    }
  }
  transformGradFilters(du, dw, tmp);
}
