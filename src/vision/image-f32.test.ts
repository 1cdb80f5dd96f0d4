import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError, ValueError } from '../errors.js';
import { checkImageF32, imageF32, imageF32FromData8, imageF32ToData8 } from './image-f32.js';
import type { ImageData8 } from './image.js';

const rgb: ImageData8 = { width: 2, height: 1, channels: 3, data: new Uint8Array([255, 0, 51, 0, 128, 255]) };

test('imageF32FromData8 turns HWC bytes into CHW floats v / 255, like ToTensor()', () => {
  const img = imageF32FromData8(rgb);
  assert.deepEqual([img.channels, img.height, img.width], [3, 1, 2]);
  assert.deepEqual(Array.from(img.data), [1, 0, 0, 128 / 255, 51 / 255, 1].map(Math.fround));
});

test('imageF32ToData8 clamps, rounds half up, maps NaN to 0 and round-trips bytes exactly', () => {
  assert.deepEqual(imageF32ToData8(imageF32FromData8(rgb)), rgb);
  const img = imageF32(1, 1, 6, Float32Array.of(-0.5, 0, 0.5 / 255, 0.5, 1.5, NaN));
  assert.deepEqual(Array.from(imageF32ToData8(img).data), [0, 0, 1, 128, 255, 0]);
  assert.throws(() => imageF32ToData8(imageF32(2, 1, 1)), (e: unknown) => e instanceof ValueError && /2 channels; 8-bit images have 1 or 3/.test(e.message));
});

test('checkImageF32 names the op and the sizes', () => {
  assert.throws(() => checkImageF32({ channels: 1, height: 2, width: 3, data: new Float32Array(5) }, 'centerCrop'),
    (e: unknown) => e instanceof ShapeError && e.message === 'centerCrop: image data holds 5 values but [1, 2, 3] (channels, height, width) needs 6');
  assert.throws(() => imageF32(0, 2, 2), /channels=0/);
  assert.equal(imageF32(3, 2, 2).data.length, 12);
});
