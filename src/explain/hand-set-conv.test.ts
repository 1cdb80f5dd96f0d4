import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Conv2d } from '../nn/conv2d.js';
import { ShapeError } from '../errors.js';
import { noGrad } from '../tensor/grad-mode.js';
import { tensor } from '../tensor/ops/creation.js';
import { edge4Filters, sobelX, sobelY } from '../vision/filter-presets.js';
import { filter2d } from '../vision/filter2d.js';
import { handSetConv } from './hand-set-conv.js';

test('handSetConv() is Conv2d(1, 4, 4, bias=false) holding the four edge4 filters, frozen', () => {
  const conv = handSetConv();
  assert.ok(conv instanceof Conv2d);
  assert.deepEqual(conv.weight.shape, [4, 1, 4, 4]);
  assert.equal(conv.bias, null);
  assert.equal(conv.weight.requiresGrad, false);
  assert.deepEqual(conv.weight.tolist(), edge4Filters.map((k) => [k]));
  assert.deepEqual([...conv.namedParameters()].map(([n]) => n), ['weight']);
});

test('its output is filter2d with a zero border, shifted by the anchor', () => {
  const h = 7;
  const w = 9;
  const img = Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => ((x * 5 + y * 3) % 7) / 7));
  const out = noGrad(() => handSetConv().forward(tensor(img.flat(), [1, 1, h, w])));
  assert.deepEqual(out.shape, [1, 4, h - 3, w - 3]);
  edge4Filters.forEach((k, o) => {
    const ref = filter2d(img, k, { border: 'constant' });
    for (let y = 0; y < h - 3; y++) {
      for (let x = 0; x < w - 3; x++) {
        const got = out.data[(o * (h - 3) + y) * (w - 3) + x]!;
        assert.ok(Math.abs(got - ref[y + 2]![x + 2]!) < 1e-5, `filter ${o} (${y}, ${x}): ${got} vs ${ref[y + 2]![x + 2]}`);
      }
    }
  });
});

test('handSetConv takes any same-sized kernels, repeats them over input channels, and checks sizes', () => {
  const conv = handSetConv([sobelX, sobelY], { inChannels: 3, padding: 1 });
  assert.deepEqual(conv.weight.shape, [2, 3, 3, 3]);
  assert.deepEqual(conv.weight.tolist(), [[sobelX, sobelX, sobelX], [sobelY, sobelY, sobelY]]);
  assert.deepEqual(conv.outputShape([1, 3, 10, 10]), [1, 2, 10, 10]);
  assert.throws(() => handSetConv([sobelX, edge4Filters[0]!]), (e: unknown) => e instanceof ShapeError && /kernel 1 is 4x4 but kernel 0 is 3x3/.test(e.message));
  assert.throws(() => handSetConv([]), /no kernels given/);
  assert.throws(() => handSetConv([[[1, 2], [3]]]), /handSetConv: kernel 0: invalid kernel: row 1 has 1 entry/);
});
