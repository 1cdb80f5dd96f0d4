/**
 * The classic "how a CNN sees" walk-through on a real photo, as a page of
 * pictures: the grayscale input, the four hand-set 4x4 edge filters, their
 * four feature maps before ReLU, after ReLU and after 2x2 max pooling (run
 * as a real Conv2d → ReLU → MaxPool2d model, read out with forward hooks),
 * and the Sobel edges for comparison. Platform-free.
 */
import { ReLU } from '../nn/activation.js';
import { MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { filter2d } from '../vision/filter2d.js';
import { edge4Filters, sobel, sobelX, sobelY } from '../vision/filter-presets.js';
import type { Kernel } from '../vision/kernel.js';
import { handSetConv } from './hand-set-conv.js';
import { imageF32FromData8 } from '../vision/image-f32.js';
import type { ImageData8 } from '../vision/image.js';
import { activationGrid, autoScale } from '../vision/render/activation-grid.js';
import { upscale } from '../vision/render/canvas.js';
import { gray as grayMap, blueWhiteRed } from '../vision/render/colormap.js';
import { filterGrid } from '../vision/render/filter-grid.js';
import { recordActivations } from './activations.js';
import type { Page, PageFigure } from './html-page.js';

/** Options of {@link edgeTutorial}. */
export interface EdgeTutorialOptions {
  title?: string;
  /**
   * The hand-set filters, one 2-D kernel per feature map, all the same size
   * (default: the four 4x4 edge filters `edge4Filters`). The interactive
   * tutorial page passes the filters as the user edits them.
   */
  kernels?: readonly Kernel[];
}

/**
 * The size the tutorial works at: a photo whose longer side is over
 * `maxSide` pixels shrinks to it, keeping its aspect ratio (the tutorial is
 * about the picture, not a model's fixed input); null when it already fits.
 * `fovea tutorial --size` and the tutorial page both use it.
 *
 * Shape: returns `[height, width]`, each at least 8.
 * @example tutorialSize(1024, 768, 256) // [192, 256]
 */
export function tutorialSize(width: number, height: number, maxSide: number): [number, number] | null {
  const long = Math.max(width, height);
  if (long <= maxSide) return null;
  return [Math.max(8, Math.round((height * maxSide) / long)), Math.max(8, Math.round((width * maxSide) / long))];
}

/**
 * Builds the tutorial page for a grayscale photo.
 *
 * Shape: `photo` is an 8-bit 1-channel image, at least 8 x 8 pixels
 * (`loadImageFile(path, { channels: 1 })`). With kH x kW filters the feature
 * maps are (H - kH + 1) x (W - kW + 1) (no padding; (H - 3) x (W - 3) for the
 * default 4x4 ones), pooled to half that.
 *
 * @throws {ValueError} for a colour or too-small image, or an invalid kernel (naming it); {@link ShapeError} for kernels of different sizes.
 * @example
 * const photo = await loadImageFile('cat.jpg', { channels: 1, size: [192, 256] });
 * await writePage('tutorial', edgeTutorial(photo));
 */
export function edgeTutorial(photo: ImageData8, o: EdgeTutorialOptions = {}): Page {
  if (photo.channels !== 1) throw new ValueError(`edgeTutorial: expected a grayscale (1-channel) image, got ${photo.channels} channels`);
  if (photo.width < 8 || photo.height < 8) throw new ValueError(`edgeTutorial: the photo is ${photo.width} x ${photo.height} pixels; the tutorial needs at least 8 x 8`);
  const img = imageF32FromData8(photo);
  const { height: h, width: w } = img;
  const own = o.kernels !== undefined && !sameKernels(o.kernels, edge4Filters);
  const conv = handSetConv(o.kernels ?? edge4Filters);
  const [k, , kh, kw] = conv.weight.shape as [number, number, number, number];
  if (h < kh + 1 || w < kw + 1) throw new ValueError(`edgeTutorial: the photo is ${w} x ${h} pixels; ${kh}x${kw} filters need at least ${kw + 1} x ${kh + 1}`);
  const net = new Sequential({ edges: conv, relu: new ReLU(), pool: new MaxPool2d(2) });
  const { layers } = recordActivations(net, new Tensor(img.data, [1, 1, h, w]));
  const [before, afterRelu, pooled] = layers;
  const s = autoScale(h, w, 112);
  const grid = (title: string, a: typeof before, colorMap?: typeof grayMap): ImageData8 => {
    const [, c, mh, mw] = a!.shape as [number, number, number, number];
    return activationGrid(a!.data, [c, mh, mw], { title, scale: autoScale(mh, mw, 112), ...(colorMap ? { colorMap } : {}) });
  };
  const map = (title: string, data: Float32Array, colorMap = grayMap): ImageData8 => activationGrid(data, [1, h, w], { title, scale: s, labels: false, colorMap });
  const fig = (file: string, caption: string, content: ImageData8): PageFigure => ({ file, caption, content });
  const sections: Page['sections'] = [
    {
      heading: '1. Pixels in',
      text: 'A grayscale image is a 2-D array of numbers: 0 is black, 255 white; the network sees them divided by 255.',
      figures: [fig('01-input.png', `the input in grayscale, ${w} x ${h} pixels`, upscale(photo, s))],
    },
    own ? {
      heading: `2. Your ${k} hand-set filter${k === 1 ? '' : 's'}`,
      text: `${k} filter${k === 1 ? '' : 's'} of ${kh}x${kw} weights set by hand, as a Conv2d(1, ${k}, ${kh === kw ? kh : `(${kh}, ${kw})`}) layer without bias.`,
      figures: [fig('02-filters.png', `your filters, weight [${k}, 1, ${kh}, ${kw}]: red = positive, blue = negative`,
        filterGrid(conv.weight.data, [k, 1, kh, kw], { title: `filters [${k}, 1, ${kh}, ${kw}]`, columns: Math.min(k, 8) }))],
    } : {
      heading: '2. Four hand-set filters',
      text: 'A 4x4 vertical-edge filter (-1 on the left, +1 on the right), its negation, and their transposes for horizontal edges, set by hand as a Conv2d(1, 4, 4) layer.',
      figures: [fig('02-filters.png', 'the four edge4 filters, weight [4, 1, 4, 4]: red = +1, blue = -1',
        filterGrid(conv.weight.data, [4, 1, 4, 4], { title: 'edge4 filters [4, 1, 4, 4]', columns: 4 }))],
    },
    {
      heading: '3. Convolution, ReLU, pooling',
      text: 'Each filter slides over the image and gives one feature map; ReLU keeps the positive responses; 2x2 max pooling keeps the strongest response in each 2x2 block, halving the size.',
      figures: [
        fig('03-feature-maps.png', `feature maps before ReLU: Conv2d output ${shapeText(before!.shape)}, red = positive, blue = negative`,
          grid(`conv ${shapeText(before!.shape)}`, before, blueWhiteRed)),
        fig('04-after-relu.png', `after ReLU ${shapeText(afterRelu!.shape)}: negative responses set to 0`, grid(`ReLU ${shapeText(afterRelu!.shape)}`, afterRelu)),
        fig('05-after-max-pool.png', `after 2x2 max pooling ${shapeText(pooled!.shape)}`, grid(`MaxPool2d(2) ${shapeText(pooled!.shape)}`, pooled)),
      ],
    },
    {
      heading: '4. Sobel edges',
      text: 'The classic 3x3 Sobel filters, for comparison: x finds vertical edges, y horizontal ones; the magnitude sqrt(x² + y²) finds edges in every direction.',
      figures: [
        fig('06-sobel-x.png', 'Sobel x (horizontal gradient): red = brighter to the right', map('Sobel x', filter2d(img, sobelX).data, blueWhiteRed)),
        fig('07-sobel-y.png', 'Sobel y (vertical gradient): red = brighter downwards', map('Sobel y', filter2d(img, sobelY).data, blueWhiteRed)),
        fig('08-sobel-edges.png', 'Sobel edge magnitude: white = strongest edge', map('Sobel magnitude', sobel(img).data)),
      ],
    },
  ];
  return { title: o.title ?? 'How a CNN sees an image', sections };
}

function sameKernels(a: readonly Kernel[], b: readonly Kernel[]): boolean {
  return a.length === b.length && a.every((k, i) => k.length === b[i]!.length && k.every((row, r) => row.length === b[i]![r]!.length && row.every((v, c) => v === b[i]![r]![c])));
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
