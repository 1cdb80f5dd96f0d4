/**
 * Filter kernels as plain 2-D arrays (rows of numbers), the way a tutorial
 * writes them down and a JSON file holds them, and their validation.
 */
import { ValueError } from '../errors.js';

/**
 * A 2-D filter kernel: `kernel[row][col]`, all rows the same length.
 *
 * Shape: `[kH, kW]`, both at least 1.
 *
 * @example
 * const sobelX: Kernel = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];
 */
export type Kernel = readonly (readonly number[])[];

/**
 * What is wrong with `value` as a {@link Kernel}, or `null` when it is a
 * non-empty rectangular 2-D array of finite numbers. The text reads after a
 * file name or an op name: `row 1 has 3 entries but row 0 has 4`.
 *
 * @example
 * kernelProblem([[1, 2], [3]]); // 'row 1 has 1 entry but row 0 has 2; a kernel must be rectangular'
 */
export function kernelProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return `expected a 2-D array of numbers such as [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], got ${describe(value)}`;
  if (value.length === 0) return 'the kernel is empty ([]); expected at least one row of numbers';
  const first: unknown = value[0];
  if (!Array.isArray(first)) return `expected a 2-D array (an array of rows), but row 0 is ${describe(first)}`;
  const cols = first.length;
  for (let r = 0; r < value.length; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row)) return `row ${r} is ${describe(row)}, not an array of numbers`;
    if (row.length === 0) return `row ${r} is empty; every row needs at least one number`;
    if (row.length !== cols) return `row ${r} has ${plural(row.length, 'entry', 'entries')} but row 0 has ${cols}; a kernel must be rectangular`;
    for (let c = 0; c < row.length; c++) {
      const v: unknown = row[c];
      if (typeof v !== 'number') return `entry [${r}][${c}] is ${describe(v)}, not a number`;
      if (!Number.isFinite(v)) return `entry [${r}][${c}] is ${v}; kernel entries must be finite numbers`;
    }
  }
  return null;
}

/**
 * `value` checked as a {@link Kernel}, with its size and its entries flattened row by row.
 *
 * Shape: `rows` = kH, `cols` = kW, `flat` has kH * kW entries.
 *
 * @throws {ValueError} naming `op` and the problem, e.g. `filter2d: kernel row 1 has 3 entries but row 0 has 4; ...`.
 * @example const { rows, cols, flat } = checkKernel(kernel, 'filter2d');
 */
export function checkKernel(value: unknown, op: string): { rows: number; cols: number; flat: Float64Array } {
  const problem = kernelProblem(value);
  if (problem !== null) throw new ValueError(`${op}: invalid kernel: ${problem}`);
  const k = value as Kernel;
  const rows = k.length;
  const cols = k[0]!.length;
  const flat = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) flat[r * cols + c] = k[r]![c]!;
  return { rows, cols, flat };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
