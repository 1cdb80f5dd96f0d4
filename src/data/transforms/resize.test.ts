import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../util/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';
import { resize, resizedSize, resizeImage } from './resize.js';

test('resizing a uniform image keeps it uniform, up and down, any size', () => {
  const img: ImageF32 = { channels: 3, height: 7, width: 11, data: new Float32Array(3 * 77) };
  for (let c = 0; c < 3; c++) img.data.fill([0.2, 0.5, 0.9][c]!, c * 77, (c + 1) * 77);
  for (const size of [[3, 4], [7, 11], [20, 13], [1, 1], [64, 64]] as const) {
    const out = resizeImage(img, size);
    assert.deepEqual([out.channels, out.height, out.width], [3, ...size]);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < size[0] * size[1]; i++) assert.ok(Math.abs(out.data[c * size[0] * size[1] + i]! - [0.2, 0.5, 0.9][c]!) < 1e-6);
    }
  }
});

test('halving averages 2x2 blocks and doubling interpolates between pixel centres (align_corners=False)', () => {
  const img: ImageF32 = { channels: 1, height: 2, width: 4, data: Float32Array.of(0, 2, 4, 6, 8, 10, 12, 14) };
  assert.deepEqual(Array.from(resizeImage(img, [1, 2]).data), [5, 9]);
  const row: ImageF32 = { channels: 1, height: 1, width: 2, data: Float32Array.of(0, 1) };
  assert.deepEqual(Array.from(resizeImage(row, [1, 4]).data), [0, 0.25, 0.75, 1]);
  assert.deepEqual(Array.from(resizeImage(row, [1, 4], 'nearest').data), [0, 0, 1, 1]);
});

test('resize(n) sets the shorter side and keeps the aspect ratio like torchvision', () => {
  assert.deepEqual(resizedSize(160, 240, 32), [32, 48]);
  assert.deepEqual(resizedSize(215, 160, 64), [86, 64]);
  assert.deepEqual(resizedSize(10, 10, 5), [5, 5]);
  const img: ImageF32 = { channels: 1, height: 160, width: 240, data: new Float32Array(160 * 240) };
  const out = resize(32)(img, new Generator(0));
  assert.deepEqual([out.height, out.width], [32, 48]);
  assert.throws(() => resize(0), /size is 0/);
  assert.throws(() => resize([2, -1]), /expected two positive integers/);
});
