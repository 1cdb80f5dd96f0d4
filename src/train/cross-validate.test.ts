import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate, subsetFeatures } from './cross-validate.js';
import type { FeatureSet } from './feature-cache.js';

const set: FeatureSet = {
  features: Float32Array.from({ length: 10 * 2 }, (_, i) => i), labels: Int32Array.from({ length: 10 }, (_, i) => i % 2),
  length: 10, dim: 2, shape: [2], views: 1,
};

test('subsetFeatures keeps the rows and labels asked for, in order', () => {
  const s = subsetFeatures(set, Int32Array.of(3, 0));
  assert.deepEqual(Array.from(s.features), [6, 7, 0, 1]);
  assert.deepEqual(Array.from(s.labels), [1, 0]);
  assert.equal(s.length, 2);
});

test('k folds: disjoint, stratified, covering every image once; the pooled accuracy counts each image once', async () => {
  const seen: number[] = [];
  const cv = await crossValidate(set, 5, 3, async (train, test) => {
    assert.equal(train.length + test.length, 10);
    assert.deepEqual([...test.labels].sort(), [0, 1], 'one of each class per fold');
    for (let i = 0; i < test.length; i++) seen.push(test.features[i * 2]! / 2);
    const trainRows = new Set(Array.from({ length: train.length }, (_, i) => train.features[i * 2]));
    for (let i = 0; i < test.length; i++) assert.ok(!trainRows.has(test.features[i * 2]!), 'a test image in its own training set');
    return 1; // one of two right
  });
  assert.deepEqual(seen.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(cv.accuracy, 0.5);
  assert.equal(cv.mean, 0.5);
  assert.equal(cv.std, 0);
  await assert.rejects(crossValidate(set, 1, 1, async () => 0), /folds must be an integer from 2 to the 10 images, got 1/);
});
