import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatmapOverlay } from '../vision/render/heatmap-overlay.js';
import { jet } from '../vision/render/colormap.js';
import { gradCamFigure } from './grad-cam-figure.js';
import type { GradCam } from './grad-cam.js';

test('the overlay leaves cold pixels as they were and colours hot ones; gray pictures become RGB', () => {
  const img = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.of(100, 100) };
  const out = heatmapOverlay(img, [0, 4], { alpha: 0.5 });
  assert.deepEqual(Array.from(out.data.subarray(0, 3)), [100, 100, 100]);
  const hot = jet.table.subarray(255 * 3, 256 * 3);
  assert.deepEqual(Array.from(out.data.subarray(3)), Array.from(hot, (c) => Math.round(100 * 0.5 + c * 0.5)));
  assert.throws(() => heatmapOverlay(img, [1, 2, 3]), /the map has 3 values but the picture 1 x 2 has 2 pixels/);
});

test('a Grad-CAM figure shows the picture and its overlay side by side, enlarged to at least 224 px', () => {
  const side = 28;
  const image = { width: side, height: side, channels: 1 as const, data: new Uint8Array(side * side).fill(30) };
  const map = Float32Array.from({ length: side * side }, (_, i) => (i % side > 14 ? 1 : 0));
  const cam = { map, height: side, width: side, layer: 'features.5' } as GradCam;
  const fig = gradCamFigure(image, cam, 'seven 99.0%');
  assert.ok(fig.width >= 2 * 224 && fig.height >= 224, `${fig.width} x ${fig.height}`);
  // somewhere the overlay is coloured (R, G, B differ), while the plain input stays gray
  let coloured = 0;
  for (let i = 0; i < fig.data.length; i += 3) if (fig.data[i] !== fig.data[i + 1] || fig.data[i + 1] !== fig.data[i + 2]) coloured++;
  assert.ok(coloured > 224 * 100, `${coloured} coloured pixels`);
  assert.throws(() => gradCamFigure({ ...image, width: 27 }, cam, 't'), /the image is 28 x 27 but the map 28 x 28/);
});
