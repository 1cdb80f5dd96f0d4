/**
 * Rounding as Python's `round` and C's `nearbyint` do: to the nearest
 * integer, halves to even. torchvision's crops and resampling round so.
 * @example roundHalfEven(2.5) // 2
 * @example roundHalfEven(3.5) // 4
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
