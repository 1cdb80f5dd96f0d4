import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShapeError } from '../errors.js';
import { imageF32 } from './image-f32.js';
import { makeGrid } from './make-grid.js';

test('makeGrid lays images out as torchvision.utils.make_grid does', () => {
  const imgs = [1, 2, 3].map((v) => imageF32(1, 2, 2, new Float32Array(4).fill(v)));
  const g = makeGrid(imgs, { nrow: 2, padding: 1, padValue: 9 });
  // cols = 2, rows = 2: height 2 * (2 + 1) + 1 = 7, width 7
  assert.deepEqual([g.channels, g.height, g.width], [1, 7, 7]);
  const rows = Array.from({ length: 7 }, (_, y) => Array.from(g.data.subarray(y * 7, y * 7 + 7)));
  assert.deepEqual(rows, [
    [9, 9, 9, 9, 9, 9, 9],
    [9, 1, 1, 9, 2, 2, 9],
    [9, 1, 1, 9, 2, 2, 9],
    [9, 9, 9, 9, 9, 9, 9],
    [9, 3, 3, 9, 9, 9, 9],
    [9, 3, 3, 9, 9, 9, 9],
    [9, 9, 9, 9, 9, 9, 9],
  ]);
  const sheet = makeGrid(Array.from({ length: 16 }, () => imageF32(3, 10, 12)), { nrow: 4 });
  assert.deepEqual([sheet.channels, sheet.height, sheet.width], [3, 4 * 12 + 2, 4 * 14 + 2]);
});

test('makeGrid refuses an empty list and mixed shapes', () => {
  assert.throws(() => makeGrid([]), (e: unknown) => e instanceof ShapeError && /no images/.test(e.message));
  assert.throws(() => makeGrid([imageF32(1, 2, 2), imageF32(1, 2, 3)]), /image 1 is \[1, 2, 3\] but image 0 is \[1, 2, 2\]/);
});
