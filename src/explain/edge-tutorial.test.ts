import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadImageFile } from '../vision/image-file.js';
import type { ImageData8 } from '../vision/image.js';
import { edgeTutorial } from './edge-tutorial.js';
import { pageFiles } from './html-page.js';

const digit = fileURLToPath(new URL('../../test/fixtures/images/digit7.png', import.meta.url));

test('the edge tutorial shows input, the four filters, conv / ReLU / pooling maps and Sobel, in order', async () => {
  const photo = await loadImageFile(digit, { channels: 1 });
  const page = edgeTutorial(photo);
  assert.deepEqual(pageFiles(page), [
    '01-input.png', '02-filters.png', '03-feature-maps.png', '04-after-relu.png', '05-after-max-pool.png',
    '06-sobel-x.png', '07-sobel-y.png', '08-sobel-edges.png',
  ]);
  const captions = page.sections.flatMap((s) => s.figures.map((f) => f.caption));
  assert.match(captions[2]!, /before ReLU: Conv2d output \[1, 4, 25, 25\]/);
  assert.match(captions[4]!, /after 2x2 max pooling \[1, 4, 12, 12\]/);
  const [conv, relu] = [2, 3].map((i) => page.sections[2]!.figures[i - 2]!.content as ImageData8);
  assert.deepEqual([conv!.width, conv!.height], [relu!.width, relu!.height]);
  assert.notDeepEqual(conv!.data, relu!.data, 'ReLU changes the picture (negative responses exist)');
});

test('the edge tutorial refuses colour and tiny images', () => {
  assert.throws(() => edgeTutorial({ width: 8, height: 8, channels: 3, data: new Uint8Array(192) }), /expected a grayscale \(1-channel\) image/);
  assert.throws(() => edgeTutorial({ width: 7, height: 9, channels: 1, data: new Uint8Array(63) }), /7 x 9 pixels; the tutorial needs at least 8 x 8/);
});
