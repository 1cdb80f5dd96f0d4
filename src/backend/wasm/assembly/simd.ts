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
