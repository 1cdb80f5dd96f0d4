import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError } from '../errors.js';
import { DataLoader } from './data-loader.js';
import { ImageDataset } from './dataset.js';
import { compose } from './transforms/compose.js';
import { randomCrop } from './transforms/random-crop.js';
import { randomHorizontalFlip } from './transforms/random-horizontal-flip.js';
import { resize } from './transforms/resize.js';
import type { Transform } from './transforms/transform.js';

/** 10 images 2x3x4 whose bytes encode (image, position). */
function dataset(): ImageDataset {
  const n = 10;
  const images = Uint8Array.from({ length: n * 24 }, (_, i) => (i * 31) % 256);
  return new ImageDataset(images, Int32Array.from({ length: n }, (_, i) => i % 3), [2, 3, 4], ['a', 'b', 'c']);
}
const normalize = { mean: [0.5, 0.25], std: [0.5, 0.2] };
const epoch = (l: DataLoader): number[][] => [...l].map((b) => Array.from(b.x.data));

test('without a transform the loader is unchanged: bytes / 255, normalised, same shuffles', () => {
  const ds = dataset();
  const plain = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3, normalize });
  const batches = [...plain];
  assert.deepEqual(batches.map((b) => b.x.shape), [[4, 2, 3, 4], [4, 2, 3, 4], [2, 2, 3, 4]]);
  const b = batches[0]!;
  const i = b.indices[0]!;
  const v = ds.image(i)[13]!; // channel 1, pixel 1
  assert.ok(Math.abs(b.x.data[13]! - (v / 255 - 0.25) / 0.2) < 1e-5);
});

test('a transform is applied per sample before normalisation, reproducibly under the seed', () => {
  const ds = dataset();
  const seen: number[][] = [];
  const spy: Transform = (img, rng) => {
    seen.push([img.channels, img.height, img.width, img.data[0]!]);
    return randomHorizontalFlip()(img, rng);
  };
  const make = (seed: number, transform: Transform): DataLoader => new DataLoader(ds, { batchSize: 4, shuffle: true, seed, normalize, transform });
  const a = make(3, spy);
  const e1 = epoch(a);
  assert.equal(seen.length, 10);
  assert.deepEqual(seen[0]!.slice(0, 3), [2, 3, 4]);
  assert.ok(seen.every((s) => s[3]! >= 0 && s[3]! <= 1), 'the transform sees values in [0, 1]');
  const e2 = epoch(a);
  assert.notDeepEqual(e1, e2, 'a new epoch draws new augmentations');
  const b = make(3, randomHorizontalFlip());
  assert.deepEqual([epoch(b), epoch(b)], [e1, e2], 'same seed, same batches');
  assert.notDeepEqual(epoch(make(4, randomHorizontalFlip())), e1);
  // The transform draws do not disturb the shuffling: same order as without a transform.
  const order = (l: DataLoader): number[] => [...l].flatMap((x) => Array.from(x.indices));
  assert.deepEqual(order(make(3, randomHorizontalFlip())), order(new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3, normalize })));
});

test('an identity transform gives exactly the plain batches; a size-changing one gives its shape', () => {
  const ds = dataset();
  const plain = epoch(new DataLoader(ds, { batchSize: 5, normalize }));
  const same = epoch(new DataLoader(ds, { batchSize: 5, normalize, transform: (img) => img }));
  plain.flat().forEach((v, i) => assert.ok(Math.abs(v - same.flat()[i]!) < 1e-5));
  const bigger = new DataLoader(ds, { batchSize: 5, normalize, transform: compose(resize([6, 8]), randomCrop(5, { padding: 1 })) });
  assert.deepEqual([...bigger][0]!.x.shape, [5, 2, 5, 5]);
  assert.equal(new DataLoader(ds, { transform: (img) => img }).collate(Int32Array.of(1, 2)).x.shape[0], 2);
});

test('a transform that changes channels or gives mixed shapes is refused with the reason', () => {
  const ds = dataset();
  const gray: Transform = (img) => ({ ...img, channels: 1, data: img.data.slice(0, img.height * img.width) });
  assert.throws(() => [...new DataLoader(ds, { transform: gray })], (e: unknown) => e instanceof ShapeError && /turned 2-channel images into 1-channel/.test(e.message));
  let k = 0;
  const mixed: Transform = (img) => (k++ % 2 ? resize([4, 4])(img, undefined as never) : img);
  assert.throws(() => [...new DataLoader(ds, { transform: mixed })], /sample 1 of the batch the shape \[2, 4, 4\] but sample 0 \[2, 3, 4\]/);
});

test('batches(k) starts an epoch at batch k: the same batches as the full epoch from there, the same generator state after', () => {
  for (const transform of [undefined, randomHorizontalFlip()]) {
    const make = (): DataLoader => new DataLoader(dataset(), { batchSize: 3, shuffle: true, seed: 4, normalize, ...(transform ? { transform } : {}) });
    const full = make(), part = make();
    const fullEpoch = [...full.batches()].map((b) => [Array.from(b.x.data), Array.from(b.indices)]);
    const tail = [...part.batches(2)].map((b) => [Array.from(b.x.data), Array.from(b.indices)]);
    assert.deepEqual(tail, fullEpoch.slice(2));
    assert.deepEqual(part.generator.getState(), full.generator.getState());
    assert.deepEqual(epoch(part), epoch(full), 'the next epoch is the same too');
  }
});
