import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError } from '../../errors.js';
import { Generator } from '../../util/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';
import { centerCrop } from './center-crop.js';
import { cropImage, hflipImage, padImage, vflipImage } from './geometry.js';
import { randomCrop } from './random-crop.js';
import { randomHorizontalFlip } from './random-horizontal-flip.js';
import { randomVerticalFlip } from './random-vertical-flip.js';

/** A C x H x W image whose value at (c, y, x) is 100c + 10y + x: every pixel says where it came from. */
function coded(c: number, h: number, w: number): ImageF32 {
  const data = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(k * h + y) * w + x] = 100 * k + 10 * y + x;
  return { channels: c, height: h, width: w, data };
}
const rows = (img: ImageF32, c = 0): number[][] =>
  Array.from({ length: img.height }, (_, y) => Array.from(img.data.subarray((c * img.height + y) * img.width, (c * img.height + y + 1) * img.width)));

test('flips mirror exactly, per channel', () => {
  const img = coded(2, 2, 3);
  assert.deepEqual(rows(hflipImage(img)), [[2, 1, 0], [12, 11, 10]]);
  assert.deepEqual(rows(hflipImage(img), 1), [[102, 101, 100], [112, 111, 110]]);
  assert.deepEqual(rows(vflipImage(img)), [[10, 11, 12], [0, 1, 2]]);
  assert.deepEqual(rows(vflipImage(img), 1), [[110, 111, 112], [100, 101, 102]]);
  assert.deepEqual(hflipImage(hflipImage(img)), img);
});

test('random flips flip with probability p and never modify their input', () => {
  const img = coded(1, 2, 3);
  const copy = img.data.slice();
  assert.deepEqual(randomHorizontalFlip(1)(img, new Generator(0)), hflipImage(img));
  assert.deepEqual(randomHorizontalFlip(0)(img, new Generator(0)), img);
  assert.deepEqual(randomVerticalFlip(1)(img, new Generator(0)), vflipImage(img));
  const rng = new Generator(7);
  let flipped = 0;
  for (let i = 0; i < 2000; i++) if (randomHorizontalFlip(0.3)(img, rng).data[0] === 2) flipped++;
  assert.ok(flipped > 520 && flipped < 680, `${flipped} of 2000 flipped at p = 0.3`);
  assert.deepEqual(img.data, copy);
  assert.throws(() => randomHorizontalFlip(1.5), (e: unknown) => e instanceof ValueError && /p is 1.5/.test(e.message));
});

test('cropImage takes the exact window and fills what lies outside with zeros (torchvision F.crop)', () => {
  const img = coded(1, 4, 5);
  assert.deepEqual(rows(cropImage(img, 1, 2, 2, 3)), [[12, 13, 14], [22, 23, 24]]);
  assert.deepEqual(rows(cropImage(img, -1, 3, 2, 3)), [[0, 0, 0], [3, 4, 0]]);
});

test('padImage in the four torchvision modes', () => {
  const img: ImageF32 = { channels: 1, height: 1, width: 4, data: Float32Array.of(1, 2, 3, 4) };
  assert.deepEqual(rows(padImage(img, [2, 0, 2, 0], 9, 'constant')), [[9, 9, 1, 2, 3, 4, 9, 9]]);
  assert.deepEqual(rows(padImage(img, [2, 0, 2, 0], 0, 'edge')), [[1, 1, 1, 2, 3, 4, 4, 4]]);
  assert.deepEqual(rows(padImage(img, [2, 0, 2, 0], 0, 'reflect')), [[3, 2, 1, 2, 3, 4, 3, 2]]);
  assert.deepEqual(rows(padImage(img, [2, 0, 2, 0], 0, 'symmetric')), [[2, 1, 1, 2, 3, 4, 4, 3]]);
  const p = padImage(coded(3, 2, 2), 1, [7, 8, 9]);
  assert.deepEqual([p.height, p.width, p.data[0], p.data[16], p.data[32]], [4, 4, 7, 8, 9]);
  assert.throws(() => padImage(img, -1), /padding is -1/);
  assert.throws(() => padImage(coded(3, 1, 1), 1, [1, 2]), /fill has 2 values but the image has 3 channels/);
});

test('centerCrop takes the central window (Python rounding) and pads images that are too small', () => {
  const img = coded(1, 5, 6);
  assert.deepEqual(rows(centerCrop(3)(img, new Generator(0))), [[12, 13, 14], [22, 23, 24], [32, 33, 34]]);
  // (6 - 2) / 2 = 2 left; (5 - 4) / 2 = 0.5 → round half to even → 0 top
  assert.deepEqual(rows(centerCrop([4, 2])(img, new Generator(0))), [[2, 3], [12, 13], [22, 23], [32, 33]]);
  const small = coded(1, 1, 2);
  assert.deepEqual(rows(centerCrop([3, 4])(small, new Generator(0))), [[0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]);
  assert.throws(() => centerCrop(0), /size is 0/);
});

test('randomCrop cuts a window of the padded image at a seeded position', () => {
  const img = coded(2, 6, 6);
  const t = randomCrop(6, { padding: 2 });
  const seen = new Set<string>();
  const rng = new Generator(3);
  for (let i = 0; i < 40; i++) {
    const out = t(img, rng);
    assert.deepEqual([out.channels, out.height, out.width], [2, 6, 6]);
    // Find the shift (dy, dx) that explains the output: out(y, x) = img(y + dy, x + dx), or 0 outside.
    let found = '';
    for (let dy = -2; dy <= 2 && !found; dy++) {
      for (let dx = -2; dx <= 2 && !found; dx++) {
        const ok = rows(out, 1).every((r, y) => r.every((v, x) => {
          const sy = y + dy, sx = x + dx;
          return v === (sy >= 0 && sy < 6 && sx >= 0 && sx < 6 ? 100 + 10 * sy + sx : 0);
        }));
        if (ok) found = `${dy},${dx}`;
      }
    }
    assert.ok(found, 'output is not a shifted window of the input');
    seen.add(found);
  }
  assert.ok(seen.size > 10, `only ${seen.size} distinct shifts in 40 draws`);
  // Same seed, same crops.
  const a = new Generator(5), b = new Generator(5);
  for (let i = 0; i < 5; i++) assert.deepEqual(t(img, a), t(img, b));
  assert.throws(() => randomCrop(8)(img, new Generator(0)), /crop size \[8, 8\] is larger than the image \[6, 6\]/);
  assert.deepEqual([randomCrop(8, { padIfNeeded: true })(img, new Generator(0))].map((o) => [o.height, o.width])[0], [8, 8]);
  assert.throws(() => randomCrop(2)({ channels: 1, height: 2, width: 2, data: new Float32Array(3) }, new Generator(0)), ShapeError);
});
