// A layer's weight is checked before it is allocated (issue 14): LeNet built for
// 4096 x 4096 inputs would allocate 7.5 GiB in its first Linear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../errors.js';
import { Conv2d } from './conv2d.js';
import { Linear } from './linear.js';
import { lenet } from './models.js';
import { MAX_WEIGHT_ELEMENTS } from './weight-limit.js';

test('a weight above 2^28 elements is refused before allocation, naming the layer, shape and sizes', () => {
  assert.throws(() => lenet({ inputShape: [3, 4096, 4096], numClasses: 5 }), (e: unknown) => e instanceof ValueError &&
    e.message === 'Linear(16711744, 120): its weight [120, 16711744] would hold 2,005,409,280 parameters (7.5 GiB), above the limit of 268,435,456 (1.0 GiB); is the input far larger than the model was designed for?');
  assert.throws(() => new Conv2d(65_536, 65_536, 3), /Conv2d\(65536, 65536\): its weight \[65536, 65536, 3, 3\] would hold 38,654,705,664 parameters \(144 GiB\)/);
  // at the limit: allowed (not allocated here: a shape just under it is checked by arithmetic only)
  assert.equal(new Linear(1024, 10).weight.numel(), 10_240);
  assert.ok(MAX_WEIGHT_ELEMENTS === 2 ** 28);
});
