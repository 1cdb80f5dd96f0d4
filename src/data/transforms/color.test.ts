import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../util/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from './color.js';
import { colorJitter } from './color-jitter.js';
import { grayscale } from './grayscale.js';

/** 2 pixels: pure red and a muted teal. */
const rgb: ImageF32 = { channels: 3, height: 1, width: 2, data: Float32Array.of(1, 0.2, 0, 0.6, 0, 0.5) };

test('grayscale uses 0.299 R + 0.587 G + 0.114 B and can repeat it into 3 channels', () => {
  const g = rgbToGrayscale(rgb);
  assert.deepEqual([g.channels, g.height, g.width], [1, 1, 2]);
  assert.ok(Math.abs(g.data[0]! - 0.299) < 1e-7);
  assert.ok(Math.abs(g.data[1]! - (0.299 * 0.2 + 0.587 * 0.6 + 0.114 * 0.5)) < 1e-7);
  const g3 = grayscale(3)(rgb, new Generator(0));
  assert.deepEqual(Array.from(g3.data), [...g.data, ...g.data, ...g.data]);
  assert.throws(() => grayscale(2 as 1), /numOutputChannels is 2/);
});

test('brightness, contrast and saturation blend toward black, mean gray and grayscale, clamped to [0, 1]', () => {
  assert.deepEqual(Array.from(adjustBrightness(rgb, 0).data), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(adjustBrightness(rgb, 1).data, rgb.data);
  assert.equal(adjustBrightness(rgb, 2).data[0], 1); // clamped
  const flat = adjustContrast(rgb, 0);
  const mean = Array.from(rgbToGrayscale(rgb).data).reduce((a, b) => a + b) / 2;
  for (const v of flat.data) assert.ok(Math.abs(v - mean) < 1e-6);
  const gray = adjustSaturation(rgb, 0);
  const luma = rgbToGrayscale(rgb).data;
  assert.deepEqual(Array.from(gray.data), [luma[0], luma[1], luma[0], luma[1], luma[0], luma[1]]);
  const one: ImageF32 = { channels: 1, height: 1, width: 2, data: Float32Array.of(0.1, 0.9) };
  assert.deepEqual(adjustSaturation(one, 0).data, one.data);
});

test('hue rotates colours through HSV: a third of a turn maps red to green', () => {
  const red: ImageF32 = { channels: 3, height: 1, width: 1, data: Float32Array.of(1, 0, 0) };
  const green = adjustHue(red, 1 / 3);
  assert.deepEqual(Array.from(green.data).map((v) => Math.round(v * 1e6) / 1e6), [0, 1, 0]);
  adjustHue(rgb, 0).data.forEach((v, i) => assert.ok(Math.abs(v - rgb.data[i]!) < 1e-6));
  assert.throws(() => adjustHue(rgb, 0.6), /hue factor is 0.6/);
});

test('colorJitter is deterministic under a seed, stays in [0, 1], and its strengths set the ranges', () => {
  const img: ImageF32 = { channels: 3, height: 4, width: 4, data: Float32Array.from({ length: 48 }, (_, i) => (i * 37 % 48) / 47) };
  const t = colorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 });
  const a = new Generator(9), b = new Generator(9);
  for (let i = 0; i < 5; i++) {
    const x = t(img, a);
    assert.deepEqual(x, t(img, b));
    for (const v of x.data) assert.ok(v >= 0 && v <= 1);
  }
  assert.notDeepEqual(t(img, new Generator(1)), t(img, new Generator(2)));
  // brightness only: every value is img * f with f in [0.6, 1.4] (before clamping)
  const bright = colorJitter({ brightness: 0.4 });
  const rng = new Generator(3);
  for (let i = 0; i < 20; i++) {
    const out = bright(img, rng);
    const f = out.data[47]! / img.data[47]!;
    assert.ok(f >= 0.6 - 1e-6 && f <= 1.4 + 1e-6, `factor ${f}`);
  }
  assert.deepEqual(colorJitter()(img, new Generator(0)), img);
  assert.throws(() => colorJitter({ hue: 0.7 }), /hue is 0.7/);
  assert.throws(() => colorJitter({ brightness: -1 }), /brightness is -1/);
});
