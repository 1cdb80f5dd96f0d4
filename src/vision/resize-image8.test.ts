import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { ImageData8 } from './image.js';
import { loadImageFile } from './image-file.js';
import { resizeImage8 } from './resize-image8.js';

/** Largest and mean difference between two images of one size. */
function diff(a: ImageData8, b: ImageData8): { max: number; mean: number } {
  assert.deepEqual([a.width, a.height, a.channels], [b.width, b.height, b.channels]);
  let max = 0, sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.data.length };
}

test('resizeImage8 resizes as loadImageFile (sharp, linear kernel) does: shrinking, big shrinking, enlarging, mixed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-resize8-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // a detailed picture: rings and stripes of every frequency
  const [w, h] = [173, 131];
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const r = Math.hypot(x - 60, y - 50);
    raw.set([128 + 127 * Math.sin(r * r / 40), (x * 7 + y * 3) % 256, (x ^ y) & 0xff], (y * w + x) * 3);
  }
  const file = join(dir, 'rings.png');
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
  const full = await loadImageFile(file, { channels: 3 });
  // [size, largest difference allowed]: enlarging is exact but for rounding; shrinking sums in another order
  const cases: [[number, number], number][] = [
    [[262, 346], 0], [[131, 300], 1], [[300, 173], 1], [[262, 64], 1], [[64, 346], 1], [[131, 173], 0],
    [[64, 64], 2], [[100, 150], 2], [[20, 9], 2], [[5, 7], 2], [[131, 64], 2], [[100, 173], 2],
  ];
  for (const [size, allowed] of cases) {
    const d = diff(resizeImage8(full, size), await loadImageFile(file, { channels: 3, size }));
    assert.ok(d.max <= allowed && d.mean < 0.6, `${size.join('x')}: differs by up to ${d.max}, ${d.mean.toFixed(3)} on average`);
  }
});

test('resizeImage8 keeps constant images constant, copies at the same size, and refuses bad sizes', () => {
  const flat: ImageData8 = { width: 9, height: 5, channels: 1, data: new Uint8Array(45).fill(77) };
  assert.ok(resizeImage8(flat, [3, 20]).data.every((v) => v === 77));
  const same = resizeImage8(flat, [5, 9]);
  assert.notEqual(same.data, flat.data);
  assert.deepEqual(same, flat);
  assert.throws(() => resizeImage8(flat, [0, 3]), /expected two positive integers/);
  assert.throws(() => resizeImage8({ ...flat, width: 0, data: new Uint8Array(0) }, [2, 2]), /cannot resize an empty/);
});
