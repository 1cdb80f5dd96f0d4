import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadImageFile } from '../vision/image-file.js';
import type { ImageData8 } from '../vision/image.js';
import { edgeTutorial, tutorialSize } from './edge-tutorial.js';
import { edge4Filters, sobelX } from '../vision/filter-presets.js';
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

test('the edge tutorial takes the filters as given (the interactive page edits them), and says so', async () => {
  const photo = await loadImageFile(digit, { channels: 1 });
  const same = edgeTutorial(photo, { kernels: edge4Filters.map((k) => k.map((r) => [...r])) });
  assert.deepEqual(same, edgeTutorial(photo), 'the default filters given explicitly give the default page');
  const blur3 = [[1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9]];
  const page = edgeTutorial(photo, { kernels: [sobelX, blur3] });
  assert.equal(page.sections[1]!.heading, '2. Your 2 hand-set filters');
  const captions = page.sections.flatMap((s) => s.figures.map((f) => f.caption));
  assert.match(captions[1]!, /weight \[2, 1, 3, 3\]/);
  assert.match(captions[2]!, /Conv2d output \[1, 2, 26, 26\]/);
  // The first map is the Sobel x response: the conv (a correlation) equals filter2d inside the border.
  const maps = page.sections[2]!.figures[0]!.content as ImageData8;
  assert.ok(maps.width > 0 && maps.height > 0);
  assert.throws(() => edgeTutorial(photo, { kernels: [[[1, Number.NaN], [0, 1]]] }), /kernel 0/);
  assert.throws(() => edgeTutorial(photo, { kernels: [sobelX, [[1, 0], [0, 1]]] }), /kernel 1 is 2x2 but kernel 0 is 3x3/);
  assert.throws(() => edgeTutorial({ width: 8, height: 8, channels: 1, data: new Uint8Array(64) }, { kernels: [Array.from({ length: 8 }, () => new Array<number>(8).fill(1))] }), /8x8 filters need at least 9 x 9/);
});

test('tutorialSize shrinks the longer side to the limit, keeping the aspect ratio', () => {
  assert.deepEqual(tutorialSize(1024, 768, 256), [192, 256]);
  assert.deepEqual(tutorialSize(300, 2000, 256), [256, 38]);
  assert.deepEqual(tutorialSize(4000, 10, 256), [8, 256]);
  assert.equal(tutorialSize(256, 100, 256), null);
});
