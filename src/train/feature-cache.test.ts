// Cached backbone features: placed by dataset index, batched like a DataLoader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader } from '../data/data-loader.js';
import { ImageDataset } from '../data/dataset.js';
import { randomHorizontalFlip } from '../data/transforms/random-horizontal-flip.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { AdaptiveAvgPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { noGrad } from '../tensor/grad-mode.js';
import { manualSeed } from '../util/random.js';
import { Tensor } from '../tensor/tensor.js';
import { extractFeatures, FeatureLoader, featureStats, foldStandardization, standardize } from './feature-cache.js';
import { Linear } from '../nn/linear.js';

function dataset(n: number): ImageDataset {
  const images = Uint8Array.from({ length: n * 3 * 6 * 6 }, (_, i) => (i * 37 + (i >> 5)) % 256);
  return new ImageDataset(images, Int32Array.from({ length: n }, (_, i) => i % 3), [3, 6, 6], ['a', 'b', 'c']);
}

test('extractFeatures stores each image\'s features at its dataset index, whatever the loader order', async () => {
  manualSeed(2);
  const backbone = new Sequential(new Conv2d(3, 4, 3), new AdaptiveAvgPool2d(1), new Flatten());
  const ds = dataset(10);
  const set = await extractFeatures(backbone, new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 5 }), ds.length);
  assert.equal(set.dim, 4);
  assert.equal(set.views, 1);
  assert.deepEqual(Array.from(set.labels), Array.from(ds.labels));
  const all = new DataLoader(ds, { batchSize: 10 }).collate(Int32Array.from({ length: 10 }, (_, i) => i));
  const direct = noGrad(() => backbone.forward(all.x)).data;
  for (let i = 0; i < set.features.length; i++) assert.ok(Math.abs(set.features[i]! - direct[i]!) < 1e-6);
});

test('with an augmenting loader each view is a new random pass; FeatureLoader picks one per epoch, reproducibly', async () => {
  manualSeed(2);
  const backbone = new Sequential(new Conv2d(3, 2, 3), new Flatten());
  const ds = dataset(6);
  const set = await extractFeatures(backbone, new DataLoader(ds, { batchSize: 4, seed: 1, transform: randomHorizontalFlip(0.5) }), ds.length, { views: 3 });
  assert.equal(set.views, 3);
  const per = ds.length * set.dim;
  const v0 = set.features.subarray(0, per), v1 = set.features.subarray(per, 2 * per);
  assert.ok(v0.some((x, i) => x !== v1[i]), 'two views differ (different flips)');
  const a = new FeatureLoader(set, { batchSize: 4, shuffle: true, seed: 9 });
  const b = new FeatureLoader(set, { batchSize: 4, shuffle: true, seed: 9 });
  const ea = [...a.batches()], eb = [...b.batches()];
  assert.equal(a.length, 2);
  assert.deepEqual(ea.map((x) => Array.from(x.indices)), eb.map((x) => Array.from(x.indices)));
  assert.deepEqual(ea.map((x) => x.x.toArray()), eb.map((x) => x.x.toArray()));
  assert.deepEqual(ea[0]!.x.shape, [4, set.dim]);
  const seen = ea.flatMap((x) => Array.from(x.indices)).sort();
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
  for (const batch of ea) for (let k = 0; k < batch.indices.length; k++) assert.equal(batch.y[k], ds.labels[batch.indices[k]!]);
});

test('resuming an epoch at a batch gives the remaining batches of the same epoch', () => {
  const set = { features: Float32Array.from({ length: 2 * 7 * 3 }, (_, i) => i), labels: Int32Array.from({ length: 7 }, (_, i) => i % 2), length: 7, dim: 3, shape: [3], views: 2 };
  const a = new FeatureLoader(set, { batchSize: 2, shuffle: true, seed: 4 });
  const state = a.generator.getState();
  const full = [...a.batches()];
  a.generator.setState(state);
  const rest = [...a.batches(2)];
  assert.deepEqual(rest.map((b) => b.x.toArray()), full.slice(2).map((b) => b.x.toArray()));
  assert.ok(full[0]!.x instanceof Tensor);
});

test('a head trained on standardised features gives the same logits on raw ones once the standardisation is folded in', () => {
  manualSeed(3);
  const raw = { features: Float32Array.from({ length: 6 * 4 }, (_, i) => ((i * 7) % 11) * 0.5 + (i % 4)), labels: new Int32Array(6), length: 6, dim: 4, shape: [4], views: 1 };
  const std = { ...raw, features: Float32Array.from(raw.features) };
  const stats = featureStats(std);
  standardize(std, stats);
  for (let k = 0; k < 4; k++) {
    let m = 0;
    for (let r = 0; r < 6; r++) m += std.features[r * 4 + k]! / 6;
    assert.ok(Math.abs(m) < 1e-5, 'zero mean after standardising');
  }
  const fc = new Linear(4, 3);
  const before = noGrad(() => fc.forward(new Tensor(std.features, [6, 4]))).toArray();
  foldStandardization(fc.weight, fc.bias, stats);
  const after = noGrad(() => fc.forward(new Tensor(raw.features, [6, 4]))).toArray();
  assert.ok(before.every((v, i) => Math.abs(v - after[i]!) < 1e-4));
});
