import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activationGrid, autoScale, defaultColorMap } from './activation-grid.js';
import { GLYPH_HEIGHT, textWidth } from './bitmap-font.js';
import { Canvas, toRgba, upscale } from './canvas.js';
import { blueWhiteRed, viridis } from './colormap.js';
import { filterGrid } from './filter-grid.js';
import { LABEL_HEIGHT, TITLE_HEIGHT, gridLayout } from './grid.js';
import { legendStrip } from './legend.js';
import { renderMap } from './render-map.js';

const px = (c: { width: number; data: Uint8Array }, x: number, y: number): number[] => Array.from(c.data.subarray((y * c.width + x) * 3, (y * c.width + x) * 3 + 3));

test('gridLayout: size = padding + tiles + gaps (+ header, footer), tiles row by row', () => {
  const g = gridLayout({ count: 6, tileWidth: 10, tileHeight: 20, gap: 4, padding: 6, header: 13, footer: 9 });
  assert.deepEqual([g.columns, g.rows], [3, 2]);
  assert.equal(g.width, 2 * 6 + 3 * 10 + 2 * 4);
  assert.equal(g.height, 2 * 6 + 13 + 2 * 20 + 4 + 9);
  assert.deepEqual(g.tiles[0], { x: 6, y: 19 });
  assert.deepEqual(g.tiles[4], { x: 6 + 14, y: 19 + 24 });
  assert.equal(gridLayout({ count: 16, tileWidth: 1, tileHeight: 1 }).columns, 4);
  assert.equal(gridLayout({ count: 5, tileWidth: 1, tileHeight: 1 }).rows, 2);
  assert.equal(gridLayout({ count: 2, tileWidth: 1, tileHeight: 1, columns: 8 }).columns, 2);
  assert.equal(gridLayout({ count: 1, tileWidth: 5, tileHeight: 5, minWidth: 100 }).width, 100);
});

test('activationGrid of [6, 28, 28]: 3 x 2 tiles of 56 px with labels, a title row and a legend', () => {
  const values = Float32Array.from({ length: 6 * 28 * 28 }, (_, i) => (i % 28) / 27);
  const title = 'features.1 ReLU [1, 6, 28, 28]';
  const pic = activationGrid(values, [6, 28, 28], { title });
  assert.equal(autoScale(28, 28), 2);
  const tileH = LABEL_HEIGHT + 56;
  const legendH = 10 + 2 + GLYPH_HEIGHT;
  assert.equal(pic.width, Math.max(2 * 6 + 3 * 56 + 2 * 4, textWidth(title) + 12));
  assert.equal(pic.height, 2 * 6 + TITLE_HEIGHT + 2 * tileH + 4 + legendH + 4);
  // Channel 1's map: tile 1 at x = 6 + 60, under the title and its label; its pixel (x=27) is the maximum → viridis' top.
  const x0 = 6 + 60, y0 = 6 + TITLE_HEIGHT + LABEL_HEIGHT;
  assert.deepEqual(px(pic, x0 + 2 * 27, y0), [253, 231, 37]);
  assert.deepEqual(px(pic, x0, y0 + 55), [68, 1, 84]);
  assert.deepEqual(px(pic, x0 - 2, y0), [255, 255, 255], 'the gap is background');
});

test('activationGrid picks diverging colours for signed values and shares one range across channels', () => {
  assert.equal(defaultColorMap([0, 1]), viridis);
  assert.equal(defaultColorMap([0, -1]), blueWhiteRed);
  const pic = activationGrid(Float32Array.of(-1, 0, 0, 4), [2, 1, 2], { labels: false, legend: false, scale: 1, columns: 2 });
  // -1 on a ±4 range is light blue, not the darkest blue: the range is shared.
  assert.deepEqual(px(pic, 6, 6), Array.from(renderMap([-1], [1, 1], { colorMap: blueWhiteRed, range: [-4, 4] }).data));
  assert.deepEqual([pic.width, pic.height], [6 + 2 + 4 + 2 + 6, 6 + 1 + 6]);
  assert.throws(() => activationGrid([1, 2, 3], [1, 2, 2]), /3 values do not fill shape \[1, 2, 2\]/);
});

test('filterGrid: one tile per filter for 1 input channel, a row per filter otherwise, RGB for 3', () => {
  const one = filterGrid(new Float32Array(4 * 16).fill(1), [4, 1, 4, 4], { columns: 4, legend: false });
  assert.equal(one.width, 2 * 6 + 4 * 40 + 3 * 4);                    // 4x4 kernels at scale 10
  assert.equal(one.height, 2 * 6 + LABEL_HEIGHT + 40);
  const many = filterGrid(new Float32Array(2 * 3 * 9), [2, 3, 3, 3], { mode: 'channels', legend: false });
  assert.equal(many.width, 2 * 6 + 3 * 42 + 2 * 4);                   // 3 columns (input channels) of 3x3 at scale 14
  assert.equal(many.height, 2 * 6 + 2 * (LABEL_HEIGHT + 42) + 4);     // 2 rows (filters)
  const w = new Float32Array(1 * 3 * 1 * 1);
  w.set([1, -1, 0]);
  const rgb = filterGrid(w, [1, 3, 1, 1], { scale: 1 });
  assert.deepEqual(px(rgb, 6, 6 + LABEL_HEIGHT), [255, 1, 128], 'R = +max, G = -max, B = 0 → mid-gray');
  assert.throws(() => filterGrid(new Float32Array(2), [1, 2, 1, 1], { mode: 'rgb' }), /rgb mode needs 3 input channels/);
});

test('legend strip: the colour ramp and its end values; canvas helpers', () => {
  const l = legendStrip(viridis, [0, 3.2], { width: 100 });
  assert.deepEqual([l.width, l.height], [100, 10 + 2 + GLYPH_HEIGHT]);
  assert.deepEqual(px(l, 1, 5), Array.from(viridis.table.subarray(3 * 3, 3 * 3 + 3)));
  assert.deepEqual(px(l, 98, 5), Array.from(viridis.table.subarray(3 * 252, 3 * 252 + 3)));
  const c = new Canvas(2, 1, [10, 20, 30]);
  const up = upscale(c, 2);
  assert.deepEqual([up.width, up.height], [4, 2]);
  assert.deepEqual(Array.from(toRgba(c)), [10, 20, 30, 255, 10, 20, 30, 255]);
});
