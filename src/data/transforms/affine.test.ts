import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../errors.js';
import { Generator } from '../../util/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';
import { affineImage, inverseAffineMatrix, rotateImage } from './affine.js';
import { affineSampler, randomAffine } from './random-affine.js';
import { randomRotation } from './random-rotation.js';

function coded(c: number, h: number, w: number): ImageF32 {
  const data = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(k * h + y) * w + x] = 100 * k + 10 * y + x + 1;
  return { channels: c, height: h, width: w, data };
}
const rows = (img: ImageF32, c = 0): number[][] =>
  Array.from({ length: img.height }, (_, y) => Array.from(img.data.subarray((c * img.height + y) * img.width, (c * img.height + y + 1) * img.width)));
function near(actual: ImageF32, expected: number[][], tol = 1e-4, c = 0): void {
  rows(actual, c).forEach((r, y) => r.forEach((v, x) => assert.ok(Math.abs(v - expected[y]![x]!) <= tol, `(${y}, ${x}): ${v} vs ${expected[y]![x]}`)));
}

test('rotating a square image by 90 degrees moves every pixel exactly (counter-clockwise, like torch.rot90)', () => {
  const img = coded(2, 4, 4);
  // rot90 counter-clockwise: out(y, x) = in(x, W - 1 - y)
  const expected = (c: number): number[][] => Array.from({ length: 4 }, (_, y) => Array.from({ length: 4 }, (_, x) => 100 * c + 10 * x + (3 - y) + 1));
  for (const interpolation of ['nearest', 'bilinear'] as const) {
    const out = rotateImage(img, 90, { interpolation, fill: 0 });
    near(out, expected(0), interpolation === 'nearest' ? 0 : 1e-4);
    near(out, expected(1), interpolation === 'nearest' ? 0 : 1e-4, 1);
  }
  near(rotateImage(img, -90, { interpolation: 'nearest' }), Array.from({ length: 4 }, (_, y) => Array.from({ length: 4 }, (_, x) => 10 * (3 - x) + y + 1)), 0);
  near(rotateImage(img, 180, { interpolation: 'nearest' }), Array.from({ length: 4 }, (_, y) => Array.from({ length: 4 }, (_, x) => 10 * (3 - y) + (3 - x) + 1)), 0);
  // A randomRotation whose range is [90, 90] is that rotation.
  near(randomRotation([90, 90])(img, new Generator(1)), expected(0));
});

test('translation by whole pixels shifts exactly and fills the rest', () => {
  const img = coded(1, 4, 8);
  const out = affineImage(img, { translate: [2, 1], fill: 0 });
  const expected = Array.from({ length: 4 }, (_, y) => Array.from({ length: 8 }, (_, x) => (y >= 1 && x >= 2 ? 10 * (y - 1) + (x - 2) + 1 : 0)));
  near(out, expected, 1e-5);
  const filled = affineImage(img, { translate: [-3, 0], fill: 0.5, interpolation: 'nearest' });
  assert.deepEqual(rows(filled)[0], [4, 5, 6, 7, 8, 0.5, 0.5, 0.5]);
});

test('the identity affine is the identity, for odd and even sizes', () => {
  for (const [h, w] of [[4, 8], [5, 7], [9, 6]] as const) {
    const img = coded(3, h, w);
    for (const interpolation of ['bilinear', 'nearest'] as const) {
      const out = affineImage(img, { angle: 0, translate: [0, 0], scale: 1, shear: [0, 0], interpolation, fill: 0 });
      // Exact up to torch's float32 grid arithmetic (relative 1e-6).
      out.data.forEach((v, i) => assert.ok(Math.abs(v - img.data[i]!) <= 1e-6 * img.data[i]!, `${h}x${w} ${interpolation} [${i}]: ${v} vs ${img.data[i]}`));
    }
  }
  assert.deepEqual(inverseAffineMatrix([0, 0], 0, [0, 0], 1, [0, 0]).map((v) => v + 0), [1, 0, 0, 0, 1, 0]);
});

test('torchvision\'s inverse matrix: 90° clockwise, scale 2, translation', () => {
  const m = inverseAffineMatrix([0, 0], 90, [0, 0], 1, [0, 0]).map((v) => Math.round(v * 1e12) / 1e12 + 0);
  assert.deepEqual(m, [0, 1, 0, -1, 0, 0]); // output (x, y) samples input (y, -x): a clockwise turn
  assert.deepEqual(inverseAffineMatrix([0, 0], 0, [3, -1], 2, [0, 0]).map((v) => v + 0), [0.5, 0, -1.5, 0, 0.5, 0.5]);
  assert.throws(() => affineImage(coded(1, 2, 2), { scale: 0 }), (e: unknown) => e instanceof ValueError && /scale is 0/.test(e.message));
});

test('randomAffine draws torchvision\'s parameters in order, within range, translation in whole pixels', () => {
  const draw = affineSampler({ degrees: 10, translate: [0.1, 0.2], scale: [0.9, 1.1], shear: [-5, 5, -2, 2] });
  const rng = new Generator(11);
  for (let i = 0; i < 200; i++) {
    const p = draw(20, 30, rng);
    assert.ok(p.angle >= -10 && p.angle <= 10);
    assert.ok(Number.isInteger(p.translate[0]) && Math.abs(p.translate[0]) <= 3, `tx ${p.translate[0]}`); // 0.1 * width 30
    assert.ok(Number.isInteger(p.translate[1]) && Math.abs(p.translate[1]) <= 4, `ty ${p.translate[1]}`); // 0.2 * height 20
    assert.ok(p.scale >= 0.9 && p.scale <= 1.1);
    assert.ok(Math.abs(p.shear[0]) <= 5 && Math.abs(p.shear[1]) <= 2);
  }
  // The transform applies exactly the drawn parameters.
  const img = coded(1, 6, 6);
  const t = randomAffine({ degrees: 10, translate: [0.1, 0.2], scale: [0.9, 1.1], shear: [-5, 5, -2, 2] });
  const p = draw(6, 6, new Generator(4));
  assert.deepEqual(t(img, new Generator(4)), affineImage(img, { ...p, fill: 0 }));
  assert.throws(() => randomAffine({ translate: [1.5, 0] }), /translate is \[1.5, 0\]/);
  assert.throws(() => randomAffine({ scale: [1.2, 0.8] }), /scale is \[1.2, 0.8\]/);
});

test('rotation keeps the size and fills the corners', () => {
  const img: ImageF32 = { channels: 1, height: 9, width: 9, data: new Float32Array(81).fill(1) };
  const out = rotateImage(img, 45, { fill: 0 });
  assert.deepEqual([out.height, out.width], [9, 9]);
  assert.ok(Math.abs(out.data[40]! - 1) < 1e-6, 'centre unchanged');
  assert.ok(out.data[0]! < 0.01, `corner ${out.data[0]} should be fill`);
});
