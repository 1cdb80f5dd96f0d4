/**
 * Seeded, stratified splits: every class is divided in the given proportions,
 * so a small validation set still has every class.
 */
import { ValueError } from '../errors.js';
import { Generator } from '../util/random.js';

/**
 * Splits indices 0..labels.length-1 into parts with the given fractions
 * (summing to 1), per class, deterministically under `seed`.
 * @example const [train, val] = stratifiedSplit(labels, [0.9, 0.1], 42);
 */
export function stratifiedSplit(labels: ArrayLike<number>, fractions: readonly number[], seed: number): Int32Array[] {
  const total = fractions.reduce((a, b) => a + b, 0);
  if (fractions.some((f) => !(f >= 0)) || Math.abs(total - 1) > 1e-6) {
    throw new ValueError(`split fractions must be non-negative and sum to 1, got ${fractions.join('/')}`);
  }
  const g = new Generator(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    let l = byClass.get(c);
    if (!l) byClass.set(c, (l = []));
    l.push(i);
  }
  const parts: number[][] = fractions.map(() => []);
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = byClass.get(c)!;
    const perm = g.permutation(idx.length);
    let start = 0;
    let acc = 0;
    fractions.forEach((f, p) => {
      acc += f;
      const end = p === fractions.length - 1 ? idx.length : Math.round(acc * idx.length);
      for (let k = start; k < end; k++) parts[p]!.push(idx[perm[k]!]!);
      start = end;
    });
  }
  // interleave classes: sort each part by a seeded permutation
  return parts.map((p) => {
    const perm = g.permutation(p.length);
    return Int32Array.from(perm, (k) => p[k]!);
  });
}

/** Parses "80/10/10" or "0.9,0.1" into fractions summing to 1. */
export function parseSplit(spec: string): number[] {
  const parts = spec.split(/[/,:]/).map(Number);
  if (parts.length < 2 || parts.some((v) => !(v >= 0))) {
    throw new ValueError(`invalid split '${spec}': expected numbers like 90/10 or 80/10/10`);
  }
  const total = parts.reduce((a, b) => a + b, 0);
  if (!(total > 0) || !Number.isFinite(total)) throw new ValueError(`invalid split '${spec}': the parts sum to ${total}; expected numbers like 90/10 or 80/10/10`);
  return parts.map((v) => v / total);
}
