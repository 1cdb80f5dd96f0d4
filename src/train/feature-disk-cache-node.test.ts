import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageDataset } from '../data/dataset.js';
import { Linear } from '../nn/linear.js';
import { Flatten } from '../nn/flatten.js';
import { Sequential } from '../nn/sequential.js';
import { manualSeed } from '../util/random.js';
import type { FeatureSet } from './feature-cache.js';
import { cachedFeatures, featureCacheKey, type FeatureCacheKey } from './feature-disk-cache-node.js';

manualSeed(2);
const images = new ImageDataset(Uint8Array.from({ length: 4 * 3 * 2 * 2 }, (_, i) => i), Int32Array.of(0, 1, 0, 1), [3, 2, 2], ['a', 'b']);
const key = (o: Partial<FeatureCacheKey> = {}): FeatureCacheKey => ({
  model: new Sequential(new Flatten(), new Linear(12, 5)), images, normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, views: 1, ...o,
});
const set = (): FeatureSet => ({ features: Float32Array.from({ length: 4 * 5 }, (_, i) => i / 7), labels: Int32Array.of(0, 1, 0, 1), length: 4, dim: 5, shape: [5], views: 1 });

test('the feature-cache key changes with every input the features depend on, and only with those', () => {
  const base = key();
  const k = featureCacheKey(base);
  assert.equal(featureCacheKey({ ...base }), k);
  const other = key();
  assert.notEqual(featureCacheKey(other), k, 'other weights');
  other.model.loadStateDict(base.model.stateDict());
  assert.equal(featureCacheKey(other), k, 'same weights, same key');
  const changed = new ImageDataset(images.images.slice(), images.labels, images.shape, images.classNames);
  changed.images[5] = 99;
  assert.notEqual(featureCacheKey({ ...base, images: changed }), k, 'one pixel');
  assert.notEqual(featureCacheKey({ ...base, normalize: { mean: [0.5, 0, 0], std: [1, 1, 1] } }), k, 'normalisation');
  assert.notEqual(featureCacheKey({ ...base, views: 2, augment: 'hflip', seed: 1 }), k, 'views');
  assert.notEqual(featureCacheKey({ ...base, views: 2, augment: 'hflip', seed: 2 }), featureCacheKey({ ...base, views: 2, augment: 'hflip', seed: 1 }), 'seed of the augmentation');
  assert.equal(featureCacheKey({ ...base, augment: 'hflip', seed: 2 }), k, 'without views the augmentation is not used');
});

test('a second request is served from disk, equal to what was computed; a damaged entry is recomputed', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'fovea-fcache-')), 'features');
  const k = key();
  let computed = 0;
  const compute = async (): Promise<FeatureSet> => (computed++, set());
  const first = await cachedFeatures(dir, k, compute);
  assert.equal(first.hit, false);
  const second = await cachedFeatures(dir, k, compute);
  assert.equal(second.hit, true);
  assert.equal(computed, 1);
  assert.deepEqual(Array.from(second.set.features), Array.from(set().features));
  assert.deepEqual(Array.from(second.set.labels), [0, 1, 0, 1]);
  assert.deepEqual([second.set.length, second.set.dim, second.set.views, second.set.shape], [4, 5, 1, [5]]);
  writeFileSync(first.file!, 'fovea-features/1\n{"length":4,"dim":5,"shape":[5],"views":1}\ntruncated');
  const third = await cachedFeatures(dir, k, compute);
  assert.equal(third.hit, false);
  assert.equal(computed, 2);
  assert.equal(readdirSync(dir).length, 1);
  assert.equal((await cachedFeatures(null, k, compute)).hit, false);
});
