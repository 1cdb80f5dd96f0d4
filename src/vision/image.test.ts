import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageToTensorData, meanIntensity, type ImageData8 } from './image.js';

const rgb2x2: ImageData8 = {
  width: 2,
  height: 2,
  channels: 3,
  // (y, x): (0,0) red, (0,1) green, (1,0) blue, (1,1) white
  data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]),
};

test('imageToTensorData turns HWC bytes into CHW values / 255', () => {
  const x = imageToTensorData(rgb2x2, [0], [1]);
  assert.deepEqual(Array.from(x), [
    ...[1, 0, 0, 1], // R plane, row-major
    ...[0, 1, 0, 1], // G plane
    ...[0, 0, 1, 1], // B plane
  ]);
});

test('imageToTensorData normalizes each channel with its own mean and std', () => {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const x = imageToTensorData(rgb2x2, mean, std);
  assert.equal(x.length, 12);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 4; i++) {
      const byte = rgb2x2.data[i * 3 + c]!;
      assert.ok(Math.abs(x[c * 4 + i]! - (byte / 255 - mean[c]!) / std[c]!) < 1e-6);
    }
  }
});

test('imageToTensorData matches float32 (v / 255 - mean) / std bit for bit, as torchvision computes it', () => {
  // Expected values from numpy float32: (np.arange(256, dtype=uint8).astype(float32) / 255 - float32(0.1307)) / float32(0.3081).
  const expected: Record<number, number> = {
    0: -0.4242129623889923,
    1: -0.4114847183227539,
    127: 1.192272663116455,
    128: 1.2050011157989502,
    200: 2.121433973312378,
    255: 2.821486711502075,
  };
  const bytes = Object.keys(expected).map(Number);
  const img: ImageData8 = { width: bytes.length, height: 1, channels: 1, data: new Uint8Array(bytes) };
  const x = imageToTensorData(img, [0.1307], [0.3081]);
  bytes.forEach((b, i) => assert.equal(x[i], expected[b], `byte ${b}`));
});

test('imageToTensorData broadcasts a single mean and std over all channels', () => {
  assert.deepEqual(imageToTensorData(rgb2x2, [0.5], [0.5]), imageToTensorData(rgb2x2, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]));
});

test('imageToTensorData rejects mean/std of the wrong length, std 0 and data of the wrong size', () => {
  assert.throws(() => imageToTensorData(rgb2x2, [0, 0], [1]), /mean has 2 entries but the image has 3 channel/);
  assert.throws(() => imageToTensorData(rgb2x2, [0], [1, 1, 0]), /std\[2\] is 0/);
  const short: ImageData8 = { width: 3, height: 2, channels: 1, data: new Uint8Array(5) };
  assert.throws(() => imageToTensorData(short, [0], [1]), /holds 5 bytes but 2 x 3 x 1 \(height x width x channels\) needs 6/);
});

test('meanIntensity averages every byte, telling dark backgrounds from light ones', () => {
  assert.equal(meanIntensity(rgb2x2), (255 * 6) / 12);
  const mnistLike: ImageData8 = { width: 4, height: 1, channels: 1, data: new Uint8Array([0, 0, 0, 255]) };
  assert.equal(meanIntensity(mnistLike), 63.75);
  assert.equal(meanIntensity({ width: 0, height: 0, channels: 1, data: new Uint8Array(0) }), 0);
});
