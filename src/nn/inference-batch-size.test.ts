import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conv2d } from './conv2d.js';
import { inferenceBatchSize } from './inference-batch-size.js';
import { buildModel } from './models.js';
import { Sequential } from './sequential.js';

test('inference batches: 256 digits through LeNet, a few 224 x 224 photos through a wide conv, never 0', () => {
  assert.equal(inferenceBatchSize(buildModel('lenet'), [1, 28, 28]), 256);
  // 144 maps of 224 x 224: 7.2 M floats an image, three copies, 512 MiB → 6 images.
  const wide = new Sequential(new Conv2d(3, 144, 3, { padding: 1 }));
  assert.equal(inferenceBatchSize(wide, [3, 224, 224]), Math.floor((512 * 2 ** 20) / (3 * 4 * 144 * 224 * 224)));
  assert.equal(inferenceBatchSize(wide, [3, 224, 224], { budgetBytes: 1 }), 1);
  assert.equal(inferenceBatchSize(buildModel('lenet'), [1, 28, 28], { max: 32 }), 32);
});
