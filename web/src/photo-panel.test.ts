import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverCrop } from 'fovea';
import { fieldOnOriginal } from './photo-panel.js';

test('a receptive field on the model input maps back into the centre crop of a landscape photo (fit cover)', () => {
  // 242x160 photo, 64x64 input: the centred 160x160 square starting at column 41.
  const crop = coverCrop(242, 160, [64, 64]);
  assert.deepEqual(crop, { left: 41, top: 0, width: 160, height: 160 });
  assert.deepEqual(fieldOnOriginal({ y0: 0, y1: 63, x0: 0, x1: 63 }, crop, [64, 64]), crop);
  // input pixels 28..32 (5 of them) are 2.5 photo pixels each
  assert.deepEqual(fieldOnOriginal({ y0: 28, y1: 32, x0: 28, x1: 32 }, crop, [64, 64]), { left: 41 + 70, top: 70, width: 12.5, height: 12.5 });
});

test('with fit fill the whole photo is stretched, so a field scales by each axis on its own', () => {
  const whole = { left: 0, top: 0, width: 300, height: 100 };
  assert.deepEqual(fieldOnOriginal({ y0: 0, y1: 9, x0: 10, x1: 19 }, whole, [20, 30]), { left: 100, top: 0, width: 100, height: 50 });
});
