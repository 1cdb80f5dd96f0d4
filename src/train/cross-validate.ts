/**
 * K-fold cross-validation over cached features: every image is tested once,
 * by a model that never saw it. With few images (600 flower photos leave 90
 * for a 15 % test split, ±4.5 points of noise) it is the steadier figure.
 */
import { ValueError } from '../errors.js';
import { stratifiedSplit } from '../data/split.js';
import type { FeatureSet } from './feature-cache.js';

/** One fold's outcome. */
export interface FoldResult {
  /** Correct predictions and images tested in this fold. */
  correct: number;
  count: number;
  accuracy: number;
}

/** What {@link crossValidate} gives. */
export interface CrossValidation {
  folds: FoldResult[];
  /** Correct over all images (each tested exactly once). */
  accuracy: number;
  /** Mean and (population) standard deviation of the folds' accuracies. */
  mean: number;
  std: number;
}

/** The images of `set` at `idx`, every view kept. */
export function subsetFeatures(set: FeatureSet, idx: Int32Array): FeatureSet {
  const { dim, length, views } = set;
  const features = new Float32Array(views * idx.length * dim);
  for (let v = 0; v < views; v++) {
    idx.forEach((i, k) => features.set(set.features.subarray((v * length + i) * dim, (v * length + i + 1) * dim), (v * idx.length + k) * dim));
  }
  return { ...set, features, labels: Int32Array.from(idx, (i) => set.labels[i]!), length: idx.length };
}

/**
 * Splits `set` into `folds` stratified parts under `seed`; for each part,
 * `trainAndTest(train, test, fold)` trains a fresh model on the other parts
 * and returns how many of `test` it classifies right.
 *
 * Shape: `set` holds `length` images of `dim` features.
 * @example
 * const cv = await crossValidate(features, 5, 1, async (train, test) => countCorrect(await trainHead(train), test));
 * console.log(cv.accuracy, cv.mean, cv.std);
 */
export async function crossValidate(set: FeatureSet, folds: number, seed: number, trainAndTest: (train: FeatureSet, test: FeatureSet, fold: number) => Promise<number>): Promise<CrossValidation> {
  if (!Number.isInteger(folds) || folds < 2 || folds > set.length) throw new ValueError(`crossValidate: folds must be an integer from 2 to the ${set.length} images, got ${folds}`);
  const parts = stratifiedSplit(set.labels, new Array<number>(folds).fill(1 / folds), seed);
  const results: FoldResult[] = [];
  for (let f = 0; f < folds; f++) {
    const testIdx = parts[f]!;
    const trainIdx = Int32Array.from(parts.flatMap((p, g) => (g === f ? [] : Array.from(p))));
    const correct = await trainAndTest(subsetFeatures(set, trainIdx), subsetFeatures({ ...set, views: 1 }, testIdx), f);
    results.push({ correct, count: testIdx.length, accuracy: testIdx.length ? correct / testIdx.length : 0 });
  }
  const total = results.reduce((n, r) => n + r.count, 0);
  const mean = results.reduce((s, r) => s + r.accuracy, 0) / folds;
  const std = Math.sqrt(results.reduce((s, r) => s + (r.accuracy - mean) ** 2, 0) / folds);
  return { folds: results, accuracy: results.reduce((n, r) => n + r.correct, 0) / total, mean, std };
}
