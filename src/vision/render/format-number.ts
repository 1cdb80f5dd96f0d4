/**
 * Short numbers for labels: three significant digits, exponent notation for
 * very large or very small magnitudes, no trailing zeros. Platform-free.
 *
 * @example
 * formatNumber(-0.52341)   // '-0.523'
 * formatNumber(12)         // '12'
 * formatNumber(0.00042)    // '4.2e-4'
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) return v.toExponential(1).replace('.0e', 'e');
  return String(Number(v.toPrecision(3)));
}
