import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blueWhiteRed, colorAt, COLOR_MAPS, gray, jet, viridis } from './colormap.js';
import { autoRange, renderMap } from './render-map.js';

const luma = ([r, g, b]: ArrayLike<number> & Iterable<number>): number => 0.299 * r! + 0.587 * g! + 0.114 * b!;

test('colour map endpoints: gray black→white, viridis purple→yellow, blue-white-red', () => {
  assert.deepEqual(colorAt(gray, 0), [0, 0, 0]);
  assert.deepEqual(colorAt(gray, 1), [255, 255, 255]);
  assert.deepEqual(colorAt(viridis, 0), [68, 1, 84]);
  assert.deepEqual(colorAt(viridis, 1), [253, 231, 37]);
  assert.deepEqual(colorAt(viridis, 0.5), [33, 145, 140]);
  const [r0, , b0] = colorAt(blueWhiteRed, 0);
  const [r1, , b1] = colorAt(blueWhiteRed, 1);
  assert.ok(b0 > r0 + 100, 'the low end is blue');
  assert.ok(r1 > b1 + 100, 'the high end is red');
  for (const v of colorAt(blueWhiteRed, 0.5)) assert.ok(v >= 250, 'the centre is white');
  assert.deepEqual(colorAt(viridis, -3), colorAt(viridis, 0), 'clamped');
  assert.deepEqual(colorAt(viridis, NaN), colorAt(viridis, 0));
  assert.deepEqual(colorAt(jet, 0), [0, 0, 143], 'jet starts dark blue');
  assert.deepEqual(colorAt(jet, 1), [127, 0, 0], 'and ends dark red');
  assert.deepEqual(Object.keys(COLOR_MAPS), ['gray', 'viridis', 'blue-white-red', 'jet']);
});

test('viridis and gray have monotonically increasing luminance over all 256 entries', () => {
  for (const map of [viridis, gray]) {
    assert.equal(map.table.length, 256 * 3);
    const l = Array.from({ length: 256 }, (_, i) => luma(map.table.subarray(3 * i, 3 * i + 3)));
    // Never darker from one entry to the next (8-bit rounding may repeat one), and strictly brighter every 4 entries.
    for (let i = 1; i < 256; i++) assert.ok(l[i]! >= l[i - 1]!, `${map.name}: luminance at ${i} (${l[i]}) is below ${i - 1} (${l[i - 1]})`);
    for (let i = 4; i < 256; i++) assert.ok(l[i]! > l[i - 4]!, `${map.name}: luminance flat from ${i - 4} to ${i}`);
  }
});

test('blue-white-red gets lighter towards the centre from both ends', () => {
  for (let i = 1; i <= 128; i++) {
    assert.ok(luma(colorAt(blueWhiteRed, i / 255)) >= luma(colorAt(blueWhiteRed, (i - 1) / 255)) - 0.5, `rising at ${i}`);
    assert.ok(luma(colorAt(blueWhiteRed, (255 - i) / 255)) >= luma(colorAt(blueWhiteRed, (256 - i) / 255)) - 0.5, `falling at ${255 - i}`);
  }
});

test('auto ranges: min..max, or symmetric ±max|v| for a diverging map', () => {
  const v = Float32Array.of(-1, 0.5, 3, NaN);
  assert.deepEqual(autoRange(v, viridis), [-1, 3]);
  assert.deepEqual(autoRange(v, blueWhiteRed), [-3, 3]);
  assert.deepEqual(autoRange([], viridis), [0, 0]);
});

test('renderMap colours each value and upscales by nearest neighbour', () => {
  const pic = renderMap([0, 1, 2, 3, 4, NaN], [2, 3], { colorMap: gray, scale: 3 });
  assert.deepEqual([pic.width, pic.height, pic.channels, pic.data.length], [9, 6, 3, 9 * 6 * 3]);
  const at = (x: number, y: number): number[] => Array.from(pic.data.subarray((y * 9 + x) * 3, (y * 9 + x) * 3 + 3));
  assert.deepEqual(at(0, 0), [0, 0, 0]);             // 0 → black (min)
  assert.deepEqual(at(2, 2), [0, 0, 0]);             // same 3x3 block
  assert.deepEqual(at(4, 4), [255, 255, 255]);       // value 4 (max) at map (1, 1)
  assert.deepEqual(at(3, 1), colorAt(gray, 1 / 4).slice());
  assert.deepEqual(at(8, 5), [224, 224, 224]);       // NaN → the missing colour
  // A diverging map with the symmetric auto range puts 0 at the centre (white).
  const d = renderMap([-2, 0, 1], [1, 3], { colorMap: blueWhiteRed });
  assert.deepEqual(Array.from(d.data.subarray(3, 6)), colorAt(blueWhiteRed, 0.5).slice());
  assert.deepEqual(Array.from(d.data.subarray(0, 3)), colorAt(blueWhiteRed, 0).slice());
  // An explicit range clamps; a constant map is drawn at the low end.
  const c = renderMap([5, 5], [1, 2], { range: [0, 1] });
  assert.deepEqual(Array.from(c.data.subarray(0, 3)), colorAt(viridis, 1).slice());
  assert.deepEqual(Array.from(renderMap([7, 7], [1, 2]).data.subarray(0, 3)), colorAt(viridis, 0).slice());
  assert.throws(() => renderMap([1, 2, 3], [2, 2]), /3 values do not fill a 2 x 2 map/);
  assert.throws(() => renderMap([1], [1, 1], { scale: 0 }), /scale must be a positive integer/);
});
