// SIMD-128 GEMM: C (+)= op(A) @ op(B), float32, row-major, with strides so
// that transposes cost nothing extra (they only change how panels are packed).
//
// Layout (Goto/BLIS style): a kc x nc block of B is packed into panels of
// NR = 8 columns ([p][8] contiguous), an mc x kc block of A into panels of
// MR = 4 rows ([p][4]); a 4x8 micro-kernel keeps its tile of C in 8 v128
// accumulators (x86 has 16 vector registers: 8 accumulators + 2 B vectors +
// 1 broadcast A value fit without spills). Partial edge tiles go through a
// small stack-like scratch tile.

import { fma, storeTransposed4 } from './simd';

const MR: i32 = 4; // default panel height; 6 where it fits m better (see gemmB)
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 72; // a multiple of both panel heights
const NC: i32 = 2048;

/** Packs A[i0 .. i0+mc, p0 .. p0+kc] into MR-row panels (MR = 4 or 6), zero-padding the last. */
function packA(a: usize, sAi: i32, sAp: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize, MR: i32): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    if (rows == 4 && MR == 4 && sAi == 1) {
      // A transposed (rows contiguous): one vector load per p
      for (let p = 0; p < kc; p++) {
        v128.store(dst + (((ip * kc) + p * MR) << 2), v128.load(a + (((i0 + ip) + (p0 + p) * sAp) << 2)));
      }
      continue;
    }
    for (let p = 0; p < kc; p++) {
      const o = dst + (((ip * kc) + p * MR) << 2);
      for (let r = 0; r < MR; r++) {
        const v: f32 = r < rows ? load<f32>(a + (((i0 + ip + r) * sAi + (p0 + p) * sAp) << 2)) : 0;
        store<f32>(o + (r << 2), v);
      }
    }
  }
}

/** Packs B[p0 .. p0+kc, j0 .. j0+nc] into NR-column panels, zero-padding the last. */
function packB(b: usize, sBp: i32, sBj: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    const panel = dst + ((jp * kc) << 2);
    if (cols == NR && sBj == 1) {
      for (let p = 0; p < kc; p++) {
        const src = b + (((p0 + p) * sBp + j0 + jp) << 2);
        const o = panel + ((p * NR) << 2);
        v128.store(o, v128.load(src));
        v128.store(o + 16, v128.load(src + 16));
      }
    } else if (cols == NR && sBp == 1 && (kc & 3) == 0) {
      // B transposed (columns contiguous along p): 4x4 blocks transposed in registers
      for (let half = 0; half < 2; half++) {
        const c0 = b + (((j0 + jp + half * 4) * sBj + p0) << 2);
        const cs = <usize>sBj << 2;
        for (let p = 0; p < kc; p += 4) {
          const q = <usize>p << 2;
          storeTransposed4(panel + ((p * NR + half * 4) << 2), NR << 2,
            v128.load(c0 + q), v128.load(c0 + cs + q), v128.load(c0 + 2 * cs + q), v128.load(c0 + 3 * cs + q));
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const o = panel + ((p * NR) << 2);
        for (let c = 0; c < NR; c++) {
          const v: f32 = c < cols ? load<f32>(b + (((p0 + p) * sBp + (j0 + jp + c) * sBj) << 2)) : 0;
          store<f32>(o + (c << 2), v);
        }
      }
    }
  }
}

/** 4x8 tile: acc = sum_p A[:, p] * B[p, :], then C (+)= acc (rows < mr, cols < nr valid). */
export function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const ld = (ldc as usize) << 2;
  if (mr == MR && nr == NR) {
    if (accumulate) {
      v128.store(c, f32x4.add(v128.load(c), c00)); v128.store(c + 16, f32x4.add(v128.load(c + 16), c01));
      c += ld;
      v128.store(c, f32x4.add(v128.load(c), c10)); v128.store(c + 16, f32x4.add(v128.load(c + 16), c11));
      c += ld;
      v128.store(c, f32x4.add(v128.load(c), c20)); v128.store(c + 16, f32x4.add(v128.load(c + 16), c21));
      c += ld;
      v128.store(c, f32x4.add(v128.load(c), c30)); v128.store(c + 16, f32x4.add(v128.load(c + 16), c31));
    } else {
      v128.store(c, c00); v128.store(c + 16, c01);
      c += ld;
      v128.store(c, c10); v128.store(c + 16, c11);
      c += ld;
      v128.store(c, c20); v128.store(c + 16, c21);
      c += ld;
      v128.store(c, c30); v128.store(c + 16, c31);
    }
    return;
  }
  // partial tile: spill to scratch, copy the valid part
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  storePartial(tile, c, ldc, mr, nr, accumulate);
}

/** C (+)= the valid mr x nr corner of a tile spilled to scratch (rows NR floats apart). */
function storePartial(tile: usize, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool): void {
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const dst = c + (((r * ldc) + j) << 2);
      const v = load<f32>(tile + (((r * NR) + j) << 2));
      store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
    }
  }
}

/** 6x8 tile (for heights like 6 that four-row panels would pad to 8): acc = sum_p A[:, p] * B[p, :], then C (+)= acc (rows < mr, cols < nr valid). */
function micro6(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = fma(a, b0, c40); c41 = fma(a, b1, c41);
    a = v128.load32_splat(pa, 20);
    c50 = fma(a, b0, c50); c51 = fma(a, b1, c51);
    pa += 24;
    pb += 32;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  v128.store(tile, c40, 128); v128.store(tile, c41, 144);
  v128.store(tile, c50, 160); v128.store(tile, c51, 176);
  if (nr == NR) {
    for (let r = 0; r < mr; r++) {
      const dst = c + (<usize>(r * ldc) << 2);
      const src = tile + (<usize>(r * NR) << 2);
      if (accumulate) {
        v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
        v128.store(dst, f32x4.add(v128.load(dst, 16), v128.load(src, 16)), 16);
      } else {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
    }
    return;
  }
  storePartial(tile, c, ldc, mr, nr, accumulate);
}

/**
 * Small-m GEMM with both operands contiguous along k (C = A @ B^T with
 * B stored [n, k], the Linear layer's layout): SIMD dot products, no packing.
 * At batch 1 this is a GEMV that streams the whole weight matrix once, so it
 * runs at memory speed only with enough independent work in flight: eight
 * rows of B at a time (eight load streams and eight dependency chains), and
 * every row of A against those eight rows while they are in cache.
 */
function gemmDot(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool): void {
  const k4 = k & ~3;
  const rb = <usize>ldb << 2;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const b0 = b + (<usize>(j * ldb) << 2), b1 = b0 + rb, b2 = b1 + rb, b3 = b2 + rb;
    const b4 = b3 + rb, b5 = b4 + rb, b6 = b5 + rb, b7 = b6 + rb;
    for (let i = 0; i < m; i++) {
      const ar = a + (<usize>(i * lda) << 2);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let u0 = f32x4.splat(0), u1 = f32x4.splat(0), u2 = f32x4.splat(0), u3 = f32x4.splat(0);
      let q: usize = 0;
      const e4 = <usize>k4 << 2;
      for (; q < e4; q += 16) {
        const x0 = v128.load(ar + q);
        s0 = fma(x0, v128.load(b0 + q), s0); u0 = fma(x0, v128.load(b4 + q), u0);
        s1 = fma(x0, v128.load(b1 + q), s1); u1 = fma(x0, v128.load(b5 + q), u1);
        s2 = fma(x0, v128.load(b2 + q), s2); u2 = fma(x0, v128.load(b6 + q), u2);
        s3 = fma(x0, v128.load(b3 + q), s3); u3 = fma(x0, v128.load(b7 + q), u3);
      }
      const t0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
      const t1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
      let r = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      const w0 = f32x4.add(v128.shuffle<f32>(u0, u1, 0, 4, 1, 5), v128.shuffle<f32>(u0, u1, 2, 6, 3, 7));
      const w1 = f32x4.add(v128.shuffle<f32>(u2, u3, 0, 4, 1, 5), v128.shuffle<f32>(u2, u3, 2, 6, 3, 7));
      let r2 = f32x4.add(v128.shuffle<f32>(w0, w1, 0, 1, 4, 5), v128.shuffle<f32>(w0, w1, 2, 3, 6, 7));
      for (let p = k4; p < k; p++) {
        const q2 = <usize>p << 2;
        const av = f32x4.splat(load<f32>(ar + q2));
        r = fma(av, f32x4(load<f32>(b0 + q2), load<f32>(b1 + q2), load<f32>(b2 + q2), load<f32>(b3 + q2)), r);
        r2 = fma(av, f32x4(load<f32>(b4 + q2), load<f32>(b5 + q2), load<f32>(b6 + q2), load<f32>(b7 + q2)), r2);
      }
      const o = c + (<usize>(i * ldc + j) << 2);
      v128.store(o, accumulate ? f32x4.add(v128.load(o), r) : r);
      v128.store(o, accumulate ? f32x4.add(v128.load(o, 16), r2) : r2, 16);
    }
  }
  for (; j < n; j++) {
    const b0 = b + (<usize>(j * ldb) << 2);
    for (let i = 0; i < m; i++) {
      const ar = a + (<usize>(i * lda) << 2);
      let s0 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) s0 = fma(v128.load(ar + (<usize>p << 2)), v128.load(b0 + (<usize>p << 2)), s0);
      let t0 = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      for (let p = k4; p < k; p++) t0 += load<f32>(ar + (<usize>p << 2)) * load<f32>(b0 + (<usize>p << 2));
      const o = c + (<usize>(i * ldc + j) << 2);
      store<f32>(o, accumulate ? load<f32>(o) + t0 : t0);
    }
  }
}

/** Bytes of scratch one gemm call needs (packed A block, packed B block, edge tile). */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * (NC + NR) + 6 * NR) << 2;
}

/**
 * C[m, n] = (accumulate ? C : 0) + sum_p A(i, p) * B(p, j), where
 * A(i, p) = a[i * sAi + p * sAp] and B(p, j) = b[p * sBp + j * sBj] (in floats).
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, sAi: i32, sAp: i32,
  b: usize, sBp: i32, sBj: i32,
  c: usize, ldc: i32, accumulate: bool, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + ((i * ldc) << 2), 0, (n as usize) << 2);
    return;
  }
  // small m with k-contiguous operands: dot products beat packing B
  if (m < MR * 2 && sAp == 1 && sBp == 1) {
    gemmDot(m, n, k, a, sAi, b, sBj, c, ldc, accumulate);
    return;
  }
  // panel height: 6 when it tiles m exactly and 4 does not (6, 18, 30 ... rows waste a third less)
  const R: i32 = m % 4 != 0 && m % 6 == 0 ? 6 : MR;
  const pa = scratch;
  const pb = pa + ((MC * KC) << 2);
  const tile = pb + ((KC * (NC + NR)) << 2);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = min(KC, k - p0);
      const acc = accumulate || p0 > 0;
      packB(b, sBp, sBj, p0, kc, j0, nc, pb);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packA(a, sAi, sAp, i0, mc, p0, kc, pa, R);
        for (let jp = 0; jp < nc; jp += NR) {
          const nr = min(NR, nc - jp);
          for (let ip = 0; ip < mc; ip += R) {
            const mr = min(R, mc - ip);
            const cp = c + ((((i0 + ip) * ldc) + j0 + jp) << 2);
            if (R == 6) micro6(kc, pa + ((ip * kc) << 2), pb + ((jp * kc) << 2), cp, ldc, mr, nr, acc, tile);
            else micro(kc, pa + ((ip * kc) << 2), pb + ((jp * kc) << 2), cp, ldc, mr, nr, acc, tile);
          }
        }
      }
    }
  }
}
