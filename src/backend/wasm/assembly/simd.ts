// a * b + c on four float lanes: fused (relaxed SIMD) where the build enables
// it, otherwise a multiply and an add. ASC_FEATURE_RELAXED_SIMD is a
// compile-time constant, so each build contains only one of the two.
// @ts-ignore: decorator
@inline
export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
