// What both Winograd kernels (winograd.ts: F(2x2, 3x3), winograd4.ts:
// F(4x4, 3x3)) share: the padded band they transform, and the GEMMs in the
// transform domain.

import { micro } from './gemm';

// Floats from one transform-domain plane to the next: a plane size plus 16, so
// that the planes a transform touches together do not share cache sets
// (plane sizes are often multiples of 4 KiB).
// @ts-ignore: decorator
@inline
export function stride(floats: i32): i32 { return ((floats + 15) & ~15) + 16; }

// @ts-ignore: decorator
@inline
export function align64(p: usize): usize { return (p + 63) & ~(<usize>63); }

/**
 * P[ch][r][wp] for r < rows = image n's row y0 + r (zeros where that row is
 * outside [0, h)), shifted right by pl, zeros after it. x is [*, c, h, w].
 */
export function padBand(x: usize, n: i32, c: i32, h: i32, w: i32, wp: i32, pl: i32, y0: i32, rows: i32, p: usize): void {
  const rowBytes = <usize>wp << 2;
  const cols = min(w, wp - pl);
  const z = f32x4.splat(0);
  for (let ch = 0; ch < c; ch++) {
    const src = x + (<usize>((n * c + ch) * h * w) << 2);
    const dst = p + (<usize>(ch * rows * wp) << 2);
    for (let r = 0; r < rows; r++) {
      const d = dst + <usize>r * rowBytes;
      const y = y0 + r;
      if (y < 0 || y >= h) {
        for (let q: usize = 0; q < rowBytes; q += 16) v128.store(d + q, z);
        continue;
      }
      // (short rows: inline loops beat memory.copy's call)
      for (let q = 0; q < pl; q++) store<f32>(d + (<usize>q << 2), 0);
      const s = src + (<usize>(y * w) << 2), e = d + (<usize>(pl + cols) << 2);
      let q = d + (<usize>pl << 2), r2 = s;
      for (; q + 16 <= e; q += 16, r2 += 16) v128.store(q, v128.load(r2));
      for (; q < e; q += 4, r2 += 4) store<f32>(q, load<f32>(r2));
      for (; q < d + rowBytes; q += 4) store<f32>(q, 0);
    }
  }
}

/**
 * M[xi][O, T8] = U[xi] @ V[xi] for each of the `planes` transform-domain
 * planes: U in filter panels [O/4][c][4] (`su` floats per plane), V in tile
 * panels [tp][c][8] (`sv`), M row-major with T8 columns (`sm`); one 4x8
 * micro-tile per (filter panel, tile panel). The larger of U[xi] and V[xi]
 * is walked once, the smaller stays in cache.
 */
export function transformDomainGemms(planes: i32, u: usize, su: i32, v: usize, sv: i32, m: usize, sm: i32,
  o: i32, c: i32, tp: i32, t8: i32, tile: usize): void {
  const op = (o + 3) >> 2;
  const filtersOuter = op * 4 > tp * 8;
  for (let xi = 0; xi < planes; xi++) {
    const ux = u + (<usize>(xi * su) << 2), vx = v + (<usize>(xi * sv) << 2), mx = m + (<usize>(xi * sm) << 2);
    if (filtersOuter) {
      for (let f = 0; f < op; f++) {
        const pa = ux + (<usize>(f * 4 * c) << 2), mr = min(4, o - f * 4);
        for (let t = 0; t < tp; t++) micro(c, pa, vx + (<usize>(t * 8 * c) << 2), mx + (<usize>(f * 4 * t8 + t * 8) << 2), t8, mr, 8, false, tile);
      }
    } else {
      for (let t = 0; t < tp; t++) {
        const pb = vx + (<usize>(t * 8 * c) << 2);
        for (let f = 0; f < op; f++) micro(c, ux + (<usize>(f * 4 * c) << 2), pb, mx + (<usize>(f * 4 * t8 + t * 8) << 2), t8, min(4, o - f * 4), 8, false, tile);
      }
    }
  }
}
