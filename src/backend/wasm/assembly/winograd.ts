// Winograd F(2x2, 3x3) convolution forward (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016) for 3x3 stride-1 undilated ungrouped
// convolutions: each 2x2 output tile costs 16 multiplies per (in, out) channel
// pair instead of 36, as 16 independent GEMMs in the transform domain:
//
//   U[xi] = (G g G^T)[xi]      filters   [16][O/4][C][4]   (GEMM A panels)
//   V[xi] = (B^T d B)[xi]      input     [16][T/8][C][8]   (GEMM B panels; T = tiles of one image)
//   M[xi] = U[xi] @ V[xi]                 [16][O][T]
//   y     = A^T M A + bias                2x2 per tile
//
// The transforms write U and V directly in the GEMM micro-kernel's panel
// layouts, so the 16 GEMMs (short: k = C) run without any packing. Tiles are
// numbered row by row with each row padded to a multiple of four tiles (the
// extra tiles are computed from zero padding and never stored).
//
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
// A^T = [1 1 1 0; 0 1 -1 -1]. The input transform runs on four horizontally
// adjacent tiles at once (one per lane) from a zero-padded copy of the image,
// so no tile needs bounds checks. The spec is the direct convolution
// (src/backend/js/conv2d.ts); the result differs from it by rounding only.

import { gemm, gemmScratchBytes } from './gemm';
import { max4, relu, storeCols, storeTransposed4 } from './simd';
import { align64, padBand, stride, transformDomainGemms } from './winograd-common';
import { setWinograd4, setWinograd4Epilogue, setWinograd4Rows, winograd4BackwardWeight, winograd4BackwardWeightScratchBytes, winograd4Conv, winograd4Pays, winograd4ScratchBytes } from './winograd4';

let C = 0, H = 0, W = 0, O = 0, OH = 0, OW = 0, PT = 0, PL = 0;
// tile rows, tiles per row (a multiple of 4), tile rows per band, padded band width
let TH = 0, TW = 0, BR = 0, WP = 0;
// the tile rows winogradConv computes (setWinograd: all of them)
let TY0 = 0, TY1 = 0;
// the forward's epilogue (setWinogradEpilogue; setWinograd clears it): ReLU, then a 2x2 max-pool
let RELU = false, POOL = false;

/** Floats of V and M together for one band: about 1 MiB, so that a band's GEMMs run from L2. */
const BAND_FLOATS = 1 << 18;

/** Geometry of the next calls (a subset of setConv's). */
export function setWinograd(c: i32, h: i32, w: i32, o: i32, oh: i32, ow: i32, pt: i32, pl: i32): void {
  C = c; H = h; W = w; O = o; OH = oh; OW = ow; PT = pt; PL = pl;
  TH = (oh + 1) >> 1; TW = (((ow + 1) >> 1) + 3) & ~3;
  TY0 = 0; TY1 = TH;
  RELU = false; POOL = false;
  BR = max(1, min(TH, BAND_FLOATS / (16 * (c + o) * TW)));
  WP = 2 * TW + 4;
  setWinograd4(c, h, w, o, oh, ow, pt, pl);
}

/**
 * winogradConv applies max(0, y) (relu) and then a 2x2 stride-2 max-pool
 * (pool: the output is [N, O, OH / 2, OW / 2], rounded down) in its output
 * transform, until the next setWinograd.
 */
export function setWinogradEpilogue(relu: bool, pool: bool): void {
  RELU = relu; POOL = pool;
  setWinograd4Epilogue(relu, pool);
}

/** Restricts winogradConv to output rows [y0, y1) (y0 a multiple of 4): one image split across threads. */
export function setWinogradRows(y0: i32, y1: i32): void {
  TY0 = y0 >> 1; TY1 = min(TH, (y1 + 1) >> 1);
  setWinograd4Rows(y0, y1);
}

/**
 * True when this kernel computes the convolution: 3x3, stride 1, undilated,
 * ungrouped, at least four input channels (with fewer, the GEMMs are too
 * short to pay for the transforms: im2col is faster for 1-3 channels), and
 * enough output pixels to pay for the filter transform, whose cost grows
 * with O * C and not with the image: once the 16 transformed filter planes
 * outgrow L2 (more than 256 x 256 filters), a batch-1 image of a few pixels
 * (e.g. 512 -> 512 channels at 4x4) is faster through im2col.
 */
export function winogradApplies(kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, g: i32, c: i32,
  n: i32, o: i32, oh: i32, ow: i32): bool {
  if (kh != 3 || kw != 3 || sh != 1 || sw != 1 || dh != 1 || dw != 1 || g != 1 || c < 4) return false;
  const filters = o * c, pixels = n * oh * ow;
  return filters <= 256 * 256 || pixels >= 32;
}

// Rows of the padded band (its tiles overlap by two rows).
// @ts-ignore: decorator
@inline
function bandRows(): i32 { return 2 * BR + 2; }

// Filter panels (four output channels each) and tile panels of a band (eight tiles each).
// @ts-ignore: decorator
@inline
function oPanels(): i32 { return (O + 3) >> 2; }
// @ts-ignore: decorator
@inline
function tPanels(): i32 { return (BR * TW + 7) >> 3; }

/** Scratch bytes of winogradConv: U, padded band, V, M and a spill tile (or F(4x4, 3x3)'s). */
export function winogradScratchBytes(): i32 {
  if (winograd4Pays(C, OH, OW)) return winograd4ScratchBytes();
  const floats = 16 * stride(oPanels() * 4 * C) + C * bandRows() * WP + 16 * stride(tPanels() * 8 * C) + 16 * stride(O * tPanels() * 8) + 64;
  return (floats << 2) + 6 * 64;
}

/** U[xi][o / 4][c][o % 4] = (G g G^T)[xi] for every filter g = w[o][c] (3x3); rows past O are zero. */
function transformFilters(w: usize, u: usize): void {
  const plane = <usize>stride(oPanels() * 4 * C) << 2;
  if (O & 3) for (let xi = 0; xi < 16; xi++) memory.fill(u + <usize>xi * plane + (<usize>((O >> 2) * 4 * C) << 2), 0, <usize>(4 * C) << 2);
  const full = O & ~3;
  for (let o = 0; o < full; o += 4) {
    for (let c = 0; c < C; c++) filterPanel(w + (<usize>((o * C + c) * 9) << 2), <usize>(C * 36), u + (<usize>(((o >> 2) * C + c) * 4) << 2), plane);
  }
  for (let o = full; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const g = w + (<usize>((o * C + c) * 9) << 2);
      // rows: Gg (4x3)
      const g00 = load<f32>(g), g01 = load<f32>(g, 4), g02 = load<f32>(g, 8);
      const g10 = load<f32>(g, 12), g11 = load<f32>(g, 16), g12 = load<f32>(g, 20);
      const g20 = load<f32>(g, 24), g21 = load<f32>(g, 28), g22 = load<f32>(g, 32);
      const h: f32 = 0.5;
      const dst = u + (<usize>(((o >> 2) * C + c) * 4 + (o & 3)) << 2);
      storeRow(dst, 0, plane, g00, g01, g02);
      storeRow(dst, 4, plane, h * (g00 + g10 + g20), h * (g01 + g11 + g21), h * (g02 + g12 + g22));
      storeRow(dst, 8, plane, h * (g00 - g10 + g20), h * (g01 - g11 + g21), h * (g02 - g12 + g22));
      storeRow(dst, 12, plane, g20, g21, g22);
    }
  }
}

/**
 * The transform of four filters at once (lanes = four output channels, the
 * filters `fs` bytes apart from g): their first eight weights are two 4x4
 * blocks transposed in registers, the ninth is gathered.
 */
function filterPanel(g: usize, fs: usize, dst: usize, plane: usize): void {
  const a0 = v128.load(g), a1 = v128.load(g + fs), a2 = v128.load(g + 2 * fs), a3 = v128.load(g + 3 * fs);
  const b0 = v128.load(g, 16), b1 = v128.load(g + fs, 16), b2 = v128.load(g + 2 * fs, 16), b3 = v128.load(g + 3 * fs, 16);
  let t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
  let t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
  const g00 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), g01 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  const g02 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), g10 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  t0 = v128.shuffle<f32>(b0, b1, 0, 4, 1, 5); t1 = v128.shuffle<f32>(b2, b3, 0, 4, 1, 5);
  t2 = v128.shuffle<f32>(b0, b1, 2, 6, 3, 7); t3 = v128.shuffle<f32>(b2, b3, 2, 6, 3, 7);
  const g11 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), g12 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
  const g20 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), g21 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
  const g22 = f32x4(load<f32>(g, 32), load<f32>(g + fs, 32), load<f32>(g + 2 * fs, 32), load<f32>(g + 3 * fs, 32));
  const h = f32x4.splat(0.5);
  storeRows(dst, 0, plane, g00, g01, g02);
  storeRows(dst, 4, plane, f32x4.mul(h, f32x4.add(f32x4.add(g00, g10), g20)), f32x4.mul(h, f32x4.add(f32x4.add(g01, g11), g21)),
    f32x4.mul(h, f32x4.add(f32x4.add(g02, g12), g22)));
  storeRows(dst, 8, plane, f32x4.mul(h, f32x4.add(f32x4.sub(g00, g10), g20)), f32x4.mul(h, f32x4.add(f32x4.sub(g01, g11), g21)),
    f32x4.mul(h, f32x4.add(f32x4.sub(g02, g12), g22)));
  storeRows(dst, 12, plane, g20, g21, g22);
}

// @ts-ignore: decorator
@inline
function storeRows(dst: usize, xi0: i32, plane: usize, a: v128, b: v128, c: v128): void {
  // (row of Gg) G^T, four filters per vector
  const h = f32x4.splat(0.5);
  v128.store(dst + <usize>xi0 * plane, a);
  v128.store(dst + <usize>(xi0 + 1) * plane, f32x4.mul(h, f32x4.add(f32x4.add(a, b), c)));
  v128.store(dst + <usize>(xi0 + 2) * plane, f32x4.mul(h, f32x4.add(f32x4.sub(a, b), c)));
  v128.store(dst + <usize>(xi0 + 3) * plane, c);
}

// @ts-ignore: decorator
@inline
function storeRow(dst: usize, xi0: i32, plane: usize, a: f32, b: f32, c: f32): void {
  // (row of Gg) G^T
  store<f32>(dst + <usize>xi0 * plane, a);
  store<f32>(dst + <usize>(xi0 + 1) * plane, <f32>0.5 * (a + b + c));
  store<f32>(dst + <usize>(xi0 + 2) * plane, <f32>0.5 * (a - b + c));
  store<f32>(dst + <usize>(xi0 + 3) * plane, c);
}

/**
 * (B^T d B)[xi] for every 4x4 input tile d of the padded band of `rows` tile
 * rows, into V[xi][t / 8][c][t % 8] (the forward GEMM's panels) or, when
 * `rowMajor`, into V[xi][c][t] with rows BR * TW floats long (the weight
 * gradient's layout).
 */
function transformInput(p: usize, v: usize, rows: i32, rowMajor: bool): void {
  const plane = <usize>(rowMajor ? stride(C * BR * TW) : stride(tPanels() * 8 * C)) << 2;
  const rowBytes = <usize>WP << 2;
  for (let c = 0; c < C; c++) {
    const pc = p + (<usize>(c * (2 * rows + 2) * WP) << 2);
    const vc = v + (<usize>(rowMajor ? c * BR * TW : c * 8) << 2);
    for (let ty = 0; ty < rows; ty++) {
      const r0 = pc + <usize>(2 * ty) * rowBytes;
      for (let tx = 0; tx < TW; tx += 4) {
        const b = r0 + (<usize>(2 * tx) << 2);
        // t_rj: row r of the tile, column transform applied (lanes = four tiles)
        let q = b;
        let a0: v128, a1: v128, a2: v128, a3: v128;
        let b0: v128, b1: v128, b2: v128, b3: v128;
        let c0: v128, c1: v128, c2: v128, c3: v128;
        let e0: v128, e1: v128, e2: v128, e3: v128;
        { const x0 = v128.load(q), x1 = v128.load(q, 16), x2 = v128.load(q, 32);
          const d0 = v128.shuffle<f32>(x0, x1, 0, 2, 4, 6), d1 = v128.shuffle<f32>(x0, x1, 1, 3, 5, 7);
          const d2 = v128.shuffle<f32>(d0, x2, 1, 2, 3, 4), d3 = v128.shuffle<f32>(d1, x2, 1, 2, 3, 5);
          a0 = f32x4.sub(d0, d2); a1 = f32x4.add(d1, d2); a2 = f32x4.sub(d2, d1); a3 = f32x4.sub(d1, d3); }
        q += rowBytes;
        { const x0 = v128.load(q), x1 = v128.load(q, 16), x2 = v128.load(q, 32);
          const d0 = v128.shuffle<f32>(x0, x1, 0, 2, 4, 6), d1 = v128.shuffle<f32>(x0, x1, 1, 3, 5, 7);
          const d2 = v128.shuffle<f32>(d0, x2, 1, 2, 3, 4), d3 = v128.shuffle<f32>(d1, x2, 1, 2, 3, 5);
          b0 = f32x4.sub(d0, d2); b1 = f32x4.add(d1, d2); b2 = f32x4.sub(d2, d1); b3 = f32x4.sub(d1, d3); }
        q += rowBytes;
        { const x0 = v128.load(q), x1 = v128.load(q, 16), x2 = v128.load(q, 32);
          const d0 = v128.shuffle<f32>(x0, x1, 0, 2, 4, 6), d1 = v128.shuffle<f32>(x0, x1, 1, 3, 5, 7);
          const d2 = v128.shuffle<f32>(d0, x2, 1, 2, 3, 4), d3 = v128.shuffle<f32>(d1, x2, 1, 2, 3, 5);
          c0 = f32x4.sub(d0, d2); c1 = f32x4.add(d1, d2); c2 = f32x4.sub(d2, d1); c3 = f32x4.sub(d1, d3); }
        q += rowBytes;
        { const x0 = v128.load(q), x1 = v128.load(q, 16), x2 = v128.load(q, 32);
          const d0 = v128.shuffle<f32>(x0, x1, 0, 2, 4, 6), d1 = v128.shuffle<f32>(x0, x1, 1, 3, 5, 7);
          const d2 = v128.shuffle<f32>(d0, x2, 1, 2, 3, 4), d3 = v128.shuffle<f32>(d1, x2, 1, 2, 3, 5);
          e0 = f32x4.sub(d0, d2); e1 = f32x4.add(d1, d2); e2 = f32x4.sub(d2, d1); e3 = f32x4.sub(d1, d3); }
        // row transform, then V[i*4 + j] at tile t
        const t = ty * TW + tx;
        const o = vc + (<usize>(rowMajor ? t : (t >> 3) * 8 * C + (t & 7)) << 2);
        v128.store(o, f32x4.sub(a0, c0)); v128.store(o + plane, f32x4.sub(a1, c1));
        v128.store(o + 2 * plane, f32x4.sub(a2, c2)); v128.store(o + 3 * plane, f32x4.sub(a3, c3));
        v128.store(o + 4 * plane, f32x4.add(b0, c0)); v128.store(o + 5 * plane, f32x4.add(b1, c1));
        v128.store(o + 6 * plane, f32x4.add(b2, c2)); v128.store(o + 7 * plane, f32x4.add(b3, c3));
        v128.store(o + 8 * plane, f32x4.sub(c0, b0)); v128.store(o + 9 * plane, f32x4.sub(c1, b1));
        v128.store(o + 10 * plane, f32x4.sub(c2, b2)); v128.store(o + 11 * plane, f32x4.sub(c3, b3));
        v128.store(o + 12 * plane, f32x4.sub(b0, e0)); v128.store(o + 13 * plane, f32x4.sub(b1, e1));
        v128.store(o + 14 * plane, f32x4.sub(b2, e2)); v128.store(o + 15 * plane, f32x4.sub(b3, e3));
      }
    }
  }
}


/**
 * Output rows of tile rows ty0 .. ty0 + rows of image n = A^T M A (+ bias),
 * then the epilogue; a partial last tile row/column is clipped. With the
 * pool each 2x2 tile is one pooling window: four tiles make four adjacent
 * pooled outputs.
 */
function transformOutput(m: usize, bias: usize, out: usize, n: i32, ty0: i32, rows: i32): void {
  const T = tPanels() * 8;
  const plane = <usize>stride(O * T) << 2;
  const PH = OH >> 1, PW = OW >> 1;
  for (let o = 0; o < O; o++) {
    const bs: f32 = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0;
    const bv = f32x4.splat(bs);
    const mo = m + (<usize>(o * T) << 2);
    const yo = out + (<usize>((n * O + o) * (POOL ? PH * PW : OH * OW)) << 2);
    for (let ty = 0; ty < rows; ty++) {
      const y0 = yo + (<usize>(2 * (ty0 + ty) * OW) << 2);
      const two = 2 * (ty0 + ty) + 1 < OH;
      if (POOL && ty0 + ty >= PH) break;
      for (let tx = 0; tx < TW; tx += 4) {
        const x = 2 * tx;
        if (x >= OW || (POOL && tx >= PW)) break;
        const s = mo + (<usize>(ty * TW + tx) << 2);
        // column sums over rows 0..3 of M (A^T on the left)
        const m0 = v128.load(s), m1 = v128.load(s + plane), m2 = v128.load(s + 2 * plane), m3 = v128.load(s + 3 * plane);
        const m4 = v128.load(s + 4 * plane), m5 = v128.load(s + 5 * plane), m6 = v128.load(s + 6 * plane), m7 = v128.load(s + 7 * plane);
        const m8 = v128.load(s + 8 * plane), m9 = v128.load(s + 9 * plane), m10 = v128.load(s + 10 * plane), m11 = v128.load(s + 11 * plane);
        const m12 = v128.load(s + 12 * plane), m13 = v128.load(s + 13 * plane), m14 = v128.load(s + 14 * plane), m15 = v128.load(s + 15 * plane);
        const s00 = f32x4.add(f32x4.add(m0, m4), m8), s01 = f32x4.add(f32x4.add(m1, m5), m9);
        const s02 = f32x4.add(f32x4.add(m2, m6), m10), s03 = f32x4.add(f32x4.add(m3, m7), m11);
        const s10 = f32x4.sub(f32x4.sub(m4, m8), m12), s11 = f32x4.sub(f32x4.sub(m5, m9), m13);
        const s12 = f32x4.sub(f32x4.sub(m6, m10), m14), s13 = f32x4.sub(f32x4.sub(m7, m11), m15);
        let y00 = f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), bv);
        let y01 = f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), bv);
        let y10 = f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), bv);
        let y11 = f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), bv);
        if (POOL) {
          // one window per tile: pooled columns tx .. tx + 3 of pooled row ty0 + ty
          let p = max4(y00, y01, y10, y11);
          if (RELU) p = relu(p);
          const d = yo + (<usize>((ty0 + ty) * PW + tx) << 2);
          if (tx + 4 <= PW) v128.store(d, p);
          else storeCols(d, p, p, PW - tx);
          continue;
        }
        if (RELU) { y00 = relu(y00); y01 = relu(y01); y10 = relu(y10); y11 = relu(y11); }
        // interleave the tiles' two columns: output columns x .. x + 7
        const lo0 = v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), hi0 = v128.shuffle<f32>(y00, y01, 2, 6, 3, 7);
        const lo1 = v128.shuffle<f32>(y10, y11, 0, 4, 1, 5), hi1 = v128.shuffle<f32>(y10, y11, 2, 6, 3, 7);
        const d0 = y0 + (<usize>x << 2), d1 = d0 + (<usize>OW << 2);
        if (x + 8 <= OW) {
          v128.store(d0, lo0); v128.store(d0, hi0, 16);
          if (two) { v128.store(d1, lo1); v128.store(d1, hi1, 16); }
        } else {
          storeCols(d0, lo0, hi0, OW - x);
          if (two) storeCols(d1, lo1, hi1, OW - x);
        }
      }
    }
  }
}

/**
 * Forward for images [n0, n1) (geometry from setWinograd): through
 * F(4x4, 3x3) (winograd4.ts) where its larger tiles pay, else F(2x2, 3x3).
 */
export function winogradConv(x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, scratch: usize): void {
  if (winograd4Pays(C, OH, OW)) {
    winograd4Conv(x, w, bias, out, n0, n1, scratch);
    return;
  }
  const OP = oPanels(), T8 = tPanels() * 8;
  const su = stride(OP * 4 * C), sv = stride(T8 * C), sm = stride(O * T8);
  const u = align64(scratch);
  const p = align64(u + (<usize>(16 * su) << 2));
  const v = align64(p + (<usize>(C * bandRows() * WP) << 2));
  const m = align64(v + (<usize>(16 * sv) << 2));
  const tile = align64(m + (<usize>(16 * sm) << 2));
  transformFilters(w, u);
  for (let n = n0; n < n1; n++) {
    for (let ty0 = TY0; ty0 < TY1; ty0 += BR) {
      const rows = min(BR, TY1 - ty0);
      padBand(x, n, C, H, W, WP, PL, 2 * ty0 - PT, 2 * rows + 2, p);
      transformInput(p, v, rows, false);
      transformDomainGemms(16, u, su, v, sv, m, sm, O, C, (rows * TW + 7) >> 3, T8, tile);
      transformOutput(m, bias, out, n, ty0, rows);
    }
  }
}

// ---- Weight gradient ------------------------------------------------------
//
// The forward pass is M[xi] = U[xi] @ V[xi] per tile and y = A^T M A, with
// U = G g G^T. Its gradient with respect to the filters, by the chain rule
// through those linear maps:
//
//   dM[xi]  = (A dy A^T)[xi]                    per 2x2 tile of dy (4x4)
//   dU[xi] += dM[xi] @ V[xi]^T                  [O, T] @ [T, C], summed over tiles
//   dg      = G^T dU G                           3x3 per (o, c)
//
// so the weight gradient is 16 GEMMs of depth "tiles" (O x C each, 16 multiplies
// per tile and channel pair instead of direct's 36), between an input
// transform (the forward's, in row-major layout) and a 4x4 -> 3x3 transform.

// The weight gradient's sums run over tiles, not channels: the output size alone decides
// (F(4x4, 3x3)'s error there, against float64: 1.5e-6 to 1.9e-6 of the largest gradient).
// @ts-ignore: decorator
@inline
function winograd4PaysForWeights(): bool { return winograd4Pays(0, OH, OW); }

/** Scratch bytes of winogradBackwardWeight: dU, padded band, V, dM, an 8-float row and the GEMM's packing space. */
export function winogradBackwardWeightScratchBytes(): i32 {
  if (winograd4PaysForWeights()) return winograd4BackwardWeightScratchBytes();
  const tb = BR * TW;
  const floats = 16 * stride(O * C) + C * bandRows() * WP + 16 * stride(C * tb) + 16 * stride(o4() * tb) + 256 + 8;
  return (floats << 2) + gemmScratchBytes() + 6 * 64;
}

/** Output channels rounded up to a multiple of four (dM's rows). */
// @ts-ignore: decorator
@inline
function o4(): i32 { return (O + 3) & ~3; }

/**
 * dM[xi][t][o] = (A dY A^T)[xi] for every 2x2 tile dY of dy (image n, tile
 * rows ty0 .. ty0 + rows); outside dy is zero, as are channels O .. o4().
 * Channels are innermost so that the GEMM reads four of them with one load:
 * each group of four channels is computed into `tmp` ([4][16] vectors of
 * four tiles) and transposed there.
 */
function transformGradOutput(dy: usize, n: i32, ty0: i32, rows: i32, dm: usize, tmp: usize): void {
  const tb = BR * TW, O4 = o4();
  const plane = <usize>stride(O4 * tb) << 2;
  const z = f32x4.splat(0);
  const row8 = tmp + 1024;
  for (let og = 0; og < O4; og += 4) {
    for (let ty = 0; ty < rows; ty++) {
      const y = 2 * (ty0 + ty);
      const two = y + 1 < OH;
      for (let tx = 0; tx < TW; tx += 4) {
        const x = 2 * tx;
        for (let oo = 0; oo < 4; oo++) {
          const o = og + oo;
          // rows y, y + 1 at columns x .. x + 7, deinterleaved: lanes = four tiles
          let a0 = z, a1 = z, b0 = z, b1 = z;
          if (o < O && x < OW) {
            const r0 = dy + (<usize>(((n * O + o) * OH + y) * OW) << 2);
            let p0: v128, p1: v128, q0 = z, q1 = z;
            if (x + 8 <= OW) {
              p0 = v128.load(r0 + (<usize>x << 2)); p1 = v128.load(r0 + (<usize>x << 2), 16);
              if (two) { q0 = v128.load(r0 + (<usize>(x + OW) << 2)); q1 = v128.load(r0 + (<usize>(x + OW) << 2), 16); }
            } else {
              const k = OW - x;
              v128.store(row8, z); v128.store(row8, z, 16);
              for (let i = 0; i < k; i++) store<f32>(row8 + (<usize>i << 2), load<f32>(r0 + (<usize>(x + i) << 2)));
              p0 = v128.load(row8); p1 = v128.load(row8, 16);
              if (two) {
                for (let i = 0; i < k; i++) store<f32>(row8 + (<usize>i << 2), load<f32>(r0 + (<usize>(x + OW + i) << 2)));
                q0 = v128.load(row8); q1 = v128.load(row8, 16);
              }
            }
            a0 = v128.shuffle<f32>(p0, p1, 0, 2, 4, 6); a1 = v128.shuffle<f32>(p0, p1, 1, 3, 5, 7);
            b0 = v128.shuffle<f32>(q0, q1, 0, 2, 4, 6); b1 = v128.shuffle<f32>(q0, q1, 1, 3, 5, 7);
          }
          // rows of A dY: (a0, a1), (a0 + b0, a1 + b1), (a0 - b0, a1 - b1), (-b0, -b1); then each row times A^T
          const s = tmp + (<usize>(oo * 64) << 2);
          storeGradRow(s, 0, a0, a1);
          storeGradRow(s, 4, f32x4.add(a0, b0), f32x4.add(a1, b1));
          storeGradRow(s, 8, f32x4.sub(a0, b0), f32x4.sub(a1, b1));
          storeGradRow(s, 12, f32x4.neg(b0), f32x4.neg(b1));
        }
        // transpose: tmp[oo][xi][lane] -> dM[xi][t + lane][og + oo]
        const d = dm + (<usize>((ty * TW + tx) * O4 + og) << 2);
        const ts = <usize>O4 << 2;
        for (let xi = 0; xi < 16; xi++) {
          const q = tmp + (<usize>(xi * 4) << 2);
          storeTransposed4(d + <usize>xi * plane, ts, v128.load(q), v128.load(q, 256), v128.load(q, 512), v128.load(q, 768));
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function storeGradRow(dst: usize, xi0: i32, r0: v128, r1: v128): void {
  // (r0, r1) A^T = (r0, r0 + r1, r0 - r1, -r1), at xi0 .. xi0 + 3 of a [16][4] block
  v128.store(dst + (<usize>xi0 << 4), r0);
  v128.store(dst + (<usize>(xi0 + 1) << 4), f32x4.add(r0, r1));
  v128.store(dst + (<usize>(xi0 + 2) << 4), f32x4.sub(r0, r1));
  v128.store(dst + (<usize>(xi0 + 3) << 4), f32x4.neg(r1));
}

/** dw[o][c] (3x3, overwritten) = G^T dU[o][c] G. */
function transformGradFilters(du: usize, dw: usize): void {
  const plane = <usize>stride(O * C) << 2;
  const h: f32 = 0.5;
  for (let i = 0; i < O * C; i++) {
    const s = du + (<usize>i << 2);
    // columns first: for each row a of dU, its 4 values -> 3 (u0 + h(u1 + u2), h(u1 - u2), h(u1 + u2) + u3)
    let r00: f32 = 0, r01: f32 = 0, r02: f32 = 0, r10: f32 = 0, r11: f32 = 0, r12: f32 = 0;
    let r20: f32 = 0, r21: f32 = 0, r22: f32 = 0, r30: f32 = 0, r31: f32 = 0, r32: f32 = 0;
    {
      const u0 = load<f32>(s), u1 = load<f32>(s + plane), u2 = load<f32>(s + 2 * plane), u3 = load<f32>(s + 3 * plane);
      r00 = u0 + h * (u1 + u2); r01 = h * (u1 - u2); r02 = h * (u1 + u2) + u3;
    }
    {
      const u0 = load<f32>(s + 4 * plane), u1 = load<f32>(s + 5 * plane), u2 = load<f32>(s + 6 * plane), u3 = load<f32>(s + 7 * plane);
      r10 = u0 + h * (u1 + u2); r11 = h * (u1 - u2); r12 = h * (u1 + u2) + u3;
    }
    {
      const u0 = load<f32>(s + 8 * plane), u1 = load<f32>(s + 9 * plane), u2 = load<f32>(s + 10 * plane), u3 = load<f32>(s + 11 * plane);
      r20 = u0 + h * (u1 + u2); r21 = h * (u1 - u2); r22 = h * (u1 + u2) + u3;
    }
    {
      const u0 = load<f32>(s + 12 * plane), u1 = load<f32>(s + 13 * plane), u2 = load<f32>(s + 14 * plane), u3 = load<f32>(s + 15 * plane);
      r30 = u0 + h * (u1 + u2); r31 = h * (u1 - u2); r32 = h * (u1 + u2) + u3;
    }
    // then rows
    const d = dw + (<usize>(i * 9) << 2);
    store<f32>(d, r00 + h * (r10 + r20)); store<f32>(d, r01 + h * (r11 + r21), 4); store<f32>(d, r02 + h * (r12 + r22), 8);
    store<f32>(d, h * (r10 - r20), 12); store<f32>(d, h * (r11 - r21), 16); store<f32>(d, h * (r12 - r22), 20);
    store<f32>(d, h * (r10 + r20) + r30, 24); store<f32>(d, h * (r11 + r21) + r31, 28); store<f32>(d, h * (r12 + r22) + r32, 32);
  }
}

/** Weight gradient summed over images [n0, n1) into dw (overwritten; geometry of the forward, from setWinograd). */
export function winogradBackwardWeight(x: usize, dy: usize, dw: usize, n0: i32, n1: i32, scratch: usize): void {
  if (winograd4PaysForWeights()) {
    winograd4BackwardWeight(x, dy, dw, n0, n1, scratch);
    return;
  }
  const tb = BR * TW;
  const sdu = stride(O * C), sv = stride(C * tb), sm = stride(o4() * tb);
  const du = align64(scratch);
  const p = align64(du + (<usize>(16 * sdu) << 2));
  const v = align64(p + (<usize>(C * bandRows() * WP) << 2));
  const dm = align64(v + (<usize>(16 * sv) << 2));
  const tmp = align64(dm + (<usize>(16 * sm) << 2));
  const gs = align64(tmp + 1024 + 32);
  for (let xi = 0; xi < 16; xi++) memory.fill(du + (<usize>(xi * sdu) << 2), 0, <usize>(O * C) << 2);
  for (let n = n0; n < n1; n++) {
    for (let ty0 = 0; ty0 < TH; ty0 += BR) {
      const rows = min(BR, TH - ty0);
      padBand(x, n, C, H, W, WP, PL, 2 * ty0 - PT, 2 * rows + 2, p);
      transformInput(p, v, rows, true);
      transformGradOutput(dy, n, ty0, rows, dm, tmp);
      const k = rows * TW;
      for (let xi = 0; xi < 16; xi++) {
        // dU[xi][O, C] += dM[xi][k, O]^T @ V[xi][C, k]^T
        gemm(O, C, k, dm + (<usize>(xi * sm) << 2), 1, o4(), v + (<usize>(xi * sv) << 2), 1, tb, du + (<usize>(xi * sdu) << 2), C, true, gs);
      }
    }
  }
  transformGradFilters(du, dw);
}
