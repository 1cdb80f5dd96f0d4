import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Conv2d } from './conv2d.js';
import { ShapeError } from '../errors.js';

test('Conv2d.attrs gives the settings as the kernel gets them: pairs, and padding resolved to [top, left, bottom, right]', () => {
  assert.deepEqual(new Conv2d(1, 6, 5, { padding: 2 }).attrs(), { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 });
  // 'same' as in PyTorch: an even kernel puts the odd pixel at the bottom/right; dilation widens it.
  assert.deepEqual(new Conv2d(1, 1, 4, { padding: 'same' }).attrs().padding, [1, 1, 2, 2]);
  assert.deepEqual(new Conv2d(1, 1, [3, 2], { padding: 'same', dilation: [2, 1] }).attrs().padding, [2, 0, 2, 1]);
  assert.deepEqual(new Conv2d(4, 4, 3, { stride: [2, 1], padding: [1, 0], groups: 2 }).attrs(), { stride: [2, 1], padding: [1, 0, 1, 0], dilation: [1, 1], groups: 2 });
  assert.throws(() => new Conv2d(1, 1, 3, { stride: 2, padding: 'same' }), ShapeError);
});
