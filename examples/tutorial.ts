/**
 * How a CNN sees a photo: the classic walk-through, step by step, through
 * fovea's API. The same as `fovea tutorial PHOTO -o DIR`, short enough to
 * read in one sitting.
 *
 *   pixels → four hand-set 4x4 edge filters (a Conv2d) → ReLU → 2x2 max pooling,
 *   and the Sobel edges for comparison, each written as a picture, plus an
 *   index.html that shows them in order.
 *
 * Type-checked by `npx tsc -p examples` (part of `npm test`, see
 * src/explain/example.test.ts). Arguments: PHOTO [OUT_DIR].
 */
import { MaxPool2d, ReLU, Sequential, Tensor } from '../src/index.js';
import { loadImageFile } from '../src/node.js';
import { recordActivations, type PageFigure } from '../src/explain/index.js';
import { writePage } from '../src/explain/node.js';
import { activationGrid, autoScale, blueWhiteRed, filterGrid, gray, upscale } from '../src/vision/render/index.js';
import { filter2d } from '../src/vision/filter2d.js';
import { sobel, sobelX } from '../src/vision/filter-presets.js';
import { handSetConv } from '../src/explain/hand-set-conv.js';
import { imageF32FromData8 } from '../src/vision/image-f32.js';

const [photoPath = 'test/fixtures/images/digit7.png', outDir = 'tutorial-out'] = process.argv.slice(2);

// 1. Pixels in: a grayscale image is a 2-D array of 0–255 values; the network sees them divided by 255.
//    (Take a photo a few hundred pixels wide; `fovea tutorial` shrinks bigger ones.)
const photo = await loadImageFile(photoPath, { channels: 1 });
const pixels = imageF32FromData8(photo);                       // [1, H, W], values in [0, 1]
const { height: h, width: w } = pixels;
const x = new Tensor(pixels.data, [1, 1, h, w]);                // a batch of one: [N, C, H, W]

// 2. A first "layer" set by hand: the 4x4 vertical-edge filter, its negation and their transposes,
//    then ReLU and 2x2 max pooling: Conv2d(1, 4, 4) → ReLU → MaxPool2d(2).
const conv = handSetConv();
const net = new Sequential({ edges: conv, relu: new ReLU(), pool: new MaxPool2d(2) });

// 3. Run it and read every layer's output with forward hooks.
const { layers } = recordActivations(net, x);

// 4. Pictures: red/blue for signed values (conv output, weights), viridis after ReLU, gray for edges.
const figures: PageFigure[] = [
  { file: 'input.png', caption: `the grayscale input, ${w} x ${h} pixels`, content: upscale(photo, autoScale(h, w)) },
  { file: 'filters.png', caption: 'the four 4x4 edge filters: red = +1, blue = -1', content: filterGrid(conv.weight.data, [4, 1, 4, 4], { columns: 4 }) },
  ...layers.map((a, i): PageFigure => {
    const [, c, mh, mw] = a.shape as [number, number, number, number];
    const title = `${a.path} ${a.type} [${a.shape.join(', ')}]`;
    return { file: `${i + 1}-${a.path}.png`, caption: `${a.path}: ${a.type}, output [${a.shape.join(', ')}]`, content: activationGrid(a.data, [c, mh, mw], { title }) };
  }),
  { file: 'sobel-x.png', caption: 'Sobel x: brighter to the right in red', content: activationGrid(filter2d(pixels, sobelX).data, [1, h, w], { colorMap: blueWhiteRed, labels: false }) },
  { file: 'sobel.png', caption: 'Sobel edge magnitude', content: activationGrid(sobel(pixels).data, [1, h, w], { colorMap: gray, labels: false }) },
];

// 5. One folder: the PNGs and an index.html showing them in order (offline, relative links).
await writePage(outDir, { title: `How a CNN sees ${photoPath}`, sections: [{ heading: 'Step by step', figures }] });
console.log(`open ${outDir}/index.html`);
