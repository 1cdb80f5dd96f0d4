// Depthwise convolution forward (groups == input channels, any channel
// multiplier), computed directly: each output plane is one input plane
// correlated with one small filter, too little work per group for im2col +
// GEMM (a GEMM of height 1). Spec: src/backend/js/conv2d.ts.
//
// Each input plane is first copied into a zero-padded plane P[HP][WP] so that
// no output needs bounds checks. 3x3 undilated filters with stride 1 or 2 (the
// MobileNet layers) run four output columns per vector with the nine weights
// held in registers; stride 2 reads eight input columns and de-interleaves
// them. Any other geometry takes a scalar loop over the same padded plane.

import { fma } from './simd';

let N = 0, C = 0, H = 0, W = 0, O = 0, KH = 0, KW = 0, OH = 0, OW = 0;
let SH = 1, SW = 1, PT = 0, PL = 0, DH = 1, DW = 1;
let HP = 0, WP = 0, OW4 = 0;

/** Geometry of the next calls (setConv's, for groups == c). */
export function setDepthwise(n: i32, c: i32, h: i32, w: i32, o: i32, kh: i32, kw: i32, oh: i32, ow: i32,
  sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32): void {
  N = n; C = c; H = h; W = w; O = o; KH = kh; KW = kw; OH = oh; OW = ow;
  SH = sh; SW = sw; PT = pt; PL = pl; DH = dh; DW = dw;
  OW4 = (ow + 3) & ~3;
  HP = (oh - 1) * sh + (kh - 1) * dh + 1;
  // vector reads run up to eight columns past the last group's first input column
  WP = (OW4 * sw + (kw - 1) * dw + 8 + 3) & ~3;
}

/** Scratch bytes of depthwiseConv: one padded plane. */
export function depthwiseScratchBytes(): i32 {
  return (HP * WP << 2) + 64;
}

/** P = plane (n, c) of x shifted by the top/left padding, zeros around. */
function padPlane(x: usize, n: i32, c: i32, p: usize): void {
  const rowBytes = <usize>WP << 2;
  const z = f32x4.splat(0);
  const cols = max(0, min(W, WP - PL));
  const src0 = x + (<usize>((n * C + c) * H * W) << 2);
  for (let r = 0; r < HP; r++) {
    const d = p + <usize>r * rowBytes;
    const y = r - PT;
    if (y < 0 || y >= H) {
      for (let q: usize = 0; q < rowBytes; q += 16) v128.store(d + q, z);
      continue;
    }
    for (let q = 0; q < PL; q++) store<f32>(d + (<usize>q << 2), 0);
    const e = d + (<usize>(PL + cols) << 2);
    let q = d + (<usize>PL << 2), s = src0 + (<usize>(y * W) << 2);
    for (; q + 16 <= e; q += 16, s += 16) v128.store(q, v128.load(s));
    for (; q < e; q += 4, s += 4) store<f32>(q, load<f32>(s));
    for (; q < d + rowBytes; q += 4) store<f32>(q, 0);
  }
}

/** Stores the first `n` lanes of v at dst. */
// @ts-ignore: decorator
@inline
function storeLanes(dst: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(dst, v); return; }
  store<f32>(dst, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(dst, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(dst, f32x4.extract_lane(v, 2), 8);
}

/** Output plane `out` = 3x3 correlation of P with filter f at stride 1, + bias. */
function plane3x3s1(p: usize, f: usize, bias: f32, out: usize): void {
  const w0 = f32x4.splat(load<f32>(f)), w1 = f32x4.splat(load<f32>(f, 4)), w2 = f32x4.splat(load<f32>(f, 8));
  const w3 = f32x4.splat(load<f32>(f, 12)), w4 = f32x4.splat(load<f32>(f, 16)), w5 = f32x4.splat(load<f32>(f, 20));
  const w6 = f32x4.splat(load<f32>(f, 24)), w7 = f32x4.splat(load<f32>(f, 28)), w8 = f32x4.splat(load<f32>(f, 32));
  const bv = f32x4.splat(bias);
  const rowBytes = <usize>WP << 2;
  const full = <usize>(OW & ~3) << 2, tail = OW & 3;
  for (let y = 0; y < OH; y++) {
    const r0 = p + <usize>y * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes;
    const dst = out + (<usize>(y * OW) << 2);
    let q: usize = 0;
    for (; q < full; q += 16) {
      let a = fma(v128.load(r0 + q), w0, bv);
      let b = f32x4.mul(v128.load(r1 + q), w3);
      let c = f32x4.mul(v128.load(r2 + q), w6);
      a = fma(v128.load(r0 + q, 4), w1, a); b = fma(v128.load(r1 + q, 4), w4, b); c = fma(v128.load(r2 + q, 4), w7, c);
      a = fma(v128.load(r0 + q, 8), w2, a); b = fma(v128.load(r1 + q, 8), w5, b); c = fma(v128.load(r2 + q, 8), w8, c);
      v128.store(dst + q, f32x4.add(f32x4.add(a, b), c));
    }
    if (tail) {
      let a = fma(v128.load(r0 + q), w0, bv);
      let b = f32x4.mul(v128.load(r1 + q), w3);
      let c = f32x4.mul(v128.load(r2 + q), w6);
      a = fma(v128.load(r0 + q, 4), w1, a); b = fma(v128.load(r1 + q, 4), w4, b); c = fma(v128.load(r2 + q, 4), w7, c);
      a = fma(v128.load(r0 + q, 8), w2, a); b = fma(v128.load(r1 + q, 8), w5, b); c = fma(v128.load(r2 + q, 8), w8, c);
      storeLanes(dst + q, f32x4.add(f32x4.add(a, b), c), tail);
    }
  }
}

/** One filter row at stride 2 for output columns x .. x + 3: input columns 2x + {0, 2, 4, 6} + j for j = 0, 1, 2. */
// @ts-ignore: decorator
@inline
function row2(q: usize, w0: v128, w1: v128, w2: v128, acc: v128): v128 {
  const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32);
  const even = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6), odd = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  return fma(v128.shuffle<f32>(even, v2, 1, 2, 3, 4), w2, fma(odd, w1, fma(even, w0, acc)));
}

/** Output plane `out` = 3x3 correlation of P with filter f at stride 2, + bias (eight input columns de-interleaved per four outputs). */
function plane3x3s2(p: usize, f: usize, bias: f32, out: usize): void {
  const w0 = f32x4.splat(load<f32>(f)), w1 = f32x4.splat(load<f32>(f, 4)), w2 = f32x4.splat(load<f32>(f, 8));
  const w3 = f32x4.splat(load<f32>(f, 12)), w4 = f32x4.splat(load<f32>(f, 16)), w5 = f32x4.splat(load<f32>(f, 20));
  const w6 = f32x4.splat(load<f32>(f, 24)), w7 = f32x4.splat(load<f32>(f, 28)), w8 = f32x4.splat(load<f32>(f, 32));
  const bv = f32x4.splat(bias), z = f32x4.splat(0);
  const rowBytes = <usize>WP << 2;
  const full = <usize>(OW & ~3) << 2, tail = OW & 3;
  for (let y = 0; y < OH; y++) {
    const r0 = p + <usize>(2 * y) * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes;
    const dst = out + (<usize>(y * OW) << 2);
    let q: usize = 0;
    for (; q < full; q += 16) {
      const a = row2(r0 + 2 * q, w0, w1, w2, bv), b = row2(r1 + 2 * q, w3, w4, w5, z), c = row2(r2 + 2 * q, w6, w7, w8, z);
      v128.store(dst + q, f32x4.add(f32x4.add(a, b), c));
    }
    if (tail) {
      const a = row2(r0 + 2 * q, w0, w1, w2, bv), b = row2(r1 + 2 * q, w3, w4, w5, z), c = row2(r2 + 2 * q, w6, w7, w8, z);
      storeLanes(dst + q, f32x4.add(f32x4.add(a, b), c), tail);
    }
  }
}

/** Any geometry: the direct sum, one output at a time. */
function planeScalar(p: usize, f: usize, bias: f32, out: usize): void {
  for (let y = 0; y < OH; y++) {
    for (let x = 0; x < OW; x++) {
      let s = bias;
      for (let i = 0; i < KH; i++) {
        const row = p + (<usize>((y * SH + i * DH) * WP + x * SW) << 2);
        for (let j = 0; j < KW; j++) s += load<f32>(row + (<usize>(j * DW) << 2)) * load<f32>(f + (<usize>(i * KW + j) << 2));
      }
      store<f32>(out + (<usize>(y * OW + x) << 2), s);
    }
  }
}

/** Forward for images [n0, n1): out[n, c * m + k] = x[n, c] correlated with w[c * m + k] (m = O / C). */
export function depthwiseConv(x: usize, w: usize, bias: usize, out: usize, n0: i32, n1: i32, scratch: usize): void {
  const p = (scratch + 63) & ~(<usize>63);
  const mult = O / C, fsize = KH * KW;
  const fast = KH == 3 && KW == 3 && DH == 1 && DW == 1 && SH == SW && (SW == 1 || SW == 2);
  for (let n = n0; n < n1; n++) {
    for (let c = 0; c < C; c++) {
      padPlane(x, n, c, p);
      for (let k = 0; k < mult; k++) {
        const oc = c * mult + k;
        const f = w + (<usize>(oc * fsize) << 2);
        const bs: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
        const dst = out + (<usize>((n * O + oc) * OH * OW) << 2);
        if (!fast) planeScalar(p, f, bs, dst);
        else if (SW == 1) plane3x3s1(p, f, bs, dst);
        else plane3x3s2(p, f, bs, dst);
      }
    }
  }
}
