/** Shared helpers of the op layer. */
import { ShapeError, fmt } from '../../errors.js';
import { modulePath } from '../context.js';

/** The dotted path of the module whose forward is running (for error messages). */
export function currentPath(): string {
  return modulePath();
}

/** Normalises a possibly negative dim against `rank`, or throws a ShapeError naming `op`. */
export function normDim(op: string, dim: number, rank: number, shape: readonly number[]): number {
  const d = dim < 0 ? dim + rank : dim;
  if (!Number.isInteger(d) || d < 0 || d >= rank) {
    throw new ShapeError(op, `dim ${dim} is out of range for a ${rank}-D tensor of shape ${fmt(shape)}`, currentPath());
  }
  return d;
}

/** A [h, w] pair from a number or a pair. */
export function pair(op: string, name: string, v: number | readonly number[]): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0] ?? NaN, v[1] ?? NaN];
  if (!Number.isInteger(p[0]) || !Number.isInteger(p[1]) || (typeof v !== 'number' && v.length !== 2)) {
    throw new ShapeError(op, `${name} must be an integer or a pair of integers, got ${JSON.stringify(v)}`, currentPath());
  }
  return p;
}
