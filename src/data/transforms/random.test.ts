// Every random transform: the output shape, and determinism under a seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../util/random.js';
import { imageF32FromData8, type ImageF32 } from '../../vision/image-f32.js';
import { centerCrop } from './center-crop.js';
import { colorJitter } from './color-jitter.js';
import { compose } from './compose.js';
import { grayscale } from './grayscale.js';
import { normalize } from './normalize.js';
import { randomAffine } from './random-affine.js';
import { randomCrop } from './random-crop.js';
import { randomHorizontalFlip } from './random-horizontal-flip.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { randomRotation } from './random-rotation.js';
import { randomVerticalFlip } from './random-vertical-flip.js';
import { resize } from './resize.js';
import { toTensor } from './to-tensor.js';
import type { Transform } from './transform.js';

const img: ImageF32 = { channels: 3, height: 12, width: 16, data: Float32Array.from({ length: 3 * 12 * 16 }, (_, i) => ((i * 7919) % 256) / 255) };

const cases: [string, Transform, [number, number, number]][] = [
  ['randomHorizontalFlip', randomHorizontalFlip(), [3, 12, 16]],
  ['randomVerticalFlip', randomVerticalFlip(), [3, 12, 16]],
  ['randomRotation', randomRotation(30), [3, 12, 16]],
  ['randomAffine', randomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.8, 1.2], shear: 10 }), [3, 12, 16]],
  ['randomCrop', randomCrop([8, 10], { padding: 2 }), [3, 8, 10]],
  ['randomResizedCrop', randomResizedCrop([9, 7]), [3, 9, 7]],
  ['colorJitter', colorJitter({ brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.05 }), [3, 12, 16]],
  ['compose', compose(randomHorizontalFlip(), randomRotation(10), randomCrop(12, { padding: 1, padIfNeeded: true })), [3, 12, 12]],
  ['resize', resize([6, 8]), [3, 6, 8]],
  ['centerCrop', centerCrop(10), [3, 10, 10]],
  ['grayscale', grayscale(1), [1, 12, 16]],
];

for (const [name, t, shape] of cases) {
  test(`${name}: output shape ${shape.join('x')}, same seed same output, input untouched`, () => {
    const before = img.data.slice();
    const a = new Generator(42), b = new Generator(42);
    const outs = Array.from({ length: 6 }, () => t(img, a));
    for (const o of outs) {
      assert.deepEqual([o.channels, o.height, o.width], shape);
      assert.equal(o.data.length, shape[0] * shape[1] * shape[2]);
      assert.ok(o.data.every(Number.isFinite));
      assert.deepEqual(o, t(img, b));
    }
    assert.deepEqual(img.data, before);
  });
}

test('random transforms vary between draws', () => {
  for (const [name, t] of cases.slice(0, 7)) {
    const rng = new Generator(5);
    const distinct = new Set(Array.from({ length: 8 }, () => t(img, rng).data.join(',')));
    assert.ok(distinct.size >= 2, `${name} gave the same output 8 times`);
  }
});

test('randomResizedCrop with scale [1, 1] and the image\'s own ratio takes the whole image', () => {
  const square: ImageF32 = { channels: 1, height: 8, width: 8, data: Float32Array.from({ length: 64 }, (_, i) => i) };
  assert.deepEqual(randomResizedCrop(8, { scale: [1, 1], ratio: [1, 1] })(square, new Generator(0)), square);
  // Impossible ratios fall back to the central crop clamped to the range.
  const wide: ImageF32 = { channels: 1, height: 4, width: 40, data: new Float32Array(160).fill(0.5) };
  const out = randomResizedCrop(4, { scale: [1, 1], ratio: [1, 1] })(wide, new Generator(0));
  assert.deepEqual([out.height, out.width], [4, 4]);
});

test('toTensor then normalize computes (v / 255 - mean) / std per channel', () => {
  const x = toTensor()({ width: 1, height: 1, channels: 3, data: new Uint8Array([255, 0, 51]) });
  const n = normalize([0.5, 0, 0.2], [0.5, 1, 0.1])(x, new Generator(0));
  assert.deepEqual(Array.from(n.data).map((v) => Math.round(v * 1e5) / 1e5), [1, 0, 0]);
  assert.equal(normalize([0.5], [0.5])(x, new Generator(0)).data[1], -1);
  assert.throws(() => normalize([0], [0]), /std\[0\] is 0/);
  assert.throws(() => normalize([0, 0], [1, 1])(x, new Generator(0)), /mean has 2 values but the image has 3 channels/);
  assert.deepEqual(imageF32FromData8({ width: 1, height: 1, channels: 1, data: new Uint8Array([255]) }).data, Float32Array.of(1));
});
