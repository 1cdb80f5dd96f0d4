// a * b + c on four float lanes: fused (relaxed SIMD) where the build enables
// it, otherwise a multiply and an add. ASC_FEATURE_RELAXED_SIMD is a
// compile-time constant, so each build contains only one of the two.
// @ts-ignore: decorator
@inline
export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Stores the first n (< 8) of the eight values lo, hi at dst. */
export function storeCols(dst: usize, lo: v128, hi: v128, n: i32): void {
  let v = lo;
  for (let i = 0; i < n; i++) {
    if (i == 4) v = hi;
    const l = i & 3;
    const f = l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1) : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
    store<f32>(dst + (<usize>i << 2), f);
  }
}

/**
 * The lane-wise maximum of four vectors, NaN if any of them is NaN (as
 * f32x4.max, the pool's spec): three pmax and a NaN mask cost V8 about 11
 * instructions, three f32x4.max about 24.
 */
// @ts-ignore: decorator
@inline
export function max4(a: v128, b: v128, c: v128, d: v128): v128 {
  const m = f32x4.pmax(f32x4.pmax(a, b), f32x4.pmax(c, d));
  const nan = v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c, c), f32x4.ne(d, d)));
  return v128.or(m, nan); // all ones: a NaN
}

/**
 * max(v, 0) with NaN kept: pmax(v, 0) is "0 if v < 0 else v", one instruction
 * (f32x4.max's NaN and -0 rules cost V8 about eight).
 */
// @ts-ignore: decorator
@inline
export function relu(v: v128): v128 {
  return f32x4.pmax(v, f32x4.splat(0));
}

/**
 * The 4x4 transpose of rows v0..v3 stored as rows: (v0[j], v1[j], v2[j],
 * v3[j]) at dst + j * step, for j < rows (4 unless a partial block).
 */
// @ts-ignore: decorator
@inline
export function storeTransposed4(dst: usize, step: usize, v0: v128, v1: v128, v2: v128, v3: v128, rows: i32 = 4): void {
  const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  if (rows > 1) v128.store(dst + step, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  if (rows > 2) v128.store(dst + 2 * step, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  if (rows > 3) v128.store(dst + 3 * step, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}
