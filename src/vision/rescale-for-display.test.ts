import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageF32 } from './image-f32.js';
import { rescaleForDisplay } from './rescale-for-display.js';

const img = imageF32(1, 1, 5, Float32Array.of(-2, -1, 0, 1, 4));
const values = (mode: Parameters<typeof rescaleForDisplay>[1]): number[] => Array.from(rescaleForDisplay(img, mode).data);

test('each display mode maps values onto [0, 1] as documented', () => {
  assert.deepEqual(values('clip'), [0, 0, 0, 1, 1]);
  assert.deepEqual(values('signed'), [0.25, 0.375, 0.5, 0.625, 1]); // M = 4: 0 → mid-gray
  assert.deepEqual(values('abs'), [0.5, 0.25, 0, 0.25, 1]);
  assert.deepEqual(values('minmax'), [0, 1 / 6, 2 / 6, 3 / 6, 1].map(Math.fround));
  const flat = imageF32(1, 1, 2, Float32Array.of(0.3, 0.3));
  assert.deepEqual(Array.from(rescaleForDisplay(flat, 'signed').data), [1, 1]); // a positive response, the largest
  assert.deepEqual(Array.from(rescaleForDisplay(flat, 'minmax').data), [0.5, 0.5]);
  assert.deepEqual(Array.from(rescaleForDisplay(imageF32(1, 1, 2), 'signed').data), [0.5, 0.5]);
  assert.deepEqual(Array.from(rescaleForDisplay(imageF32(1, 1, 2), 'abs').data), [0, 0]);
  assert.throws(() => rescaleForDisplay(img, 'log' as never), /unknown mode 'log'/);
});
