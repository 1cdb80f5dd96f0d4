/**
 * Everything inside a model for one input, as a page of pictures: the input
 * as the model sees it, the first conv layer's filters, every layer's
 * activations in execution order (conv outputs, after ReLU, after pooling,
 * the fully connected layers), and the class probabilities. Platform-free:
 * `writePage` (Node) writes the result, a browser can show it directly.
 */
import { Conv2d } from '../nn/conv2d.js';
import type { Module } from '../nn/module.js';
import { fmt, ShapeError } from '../errors.js';
import { noGrad } from '../tensor/grad-mode.js';
import { softmax } from '../tensor/ops/softmax.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ImageData8 } from '../vision/image.js';
import { activationGrid, autoScale } from '../vision/render/activation-grid.js';
import { upscale } from '../vision/render/canvas.js';
import { gray } from '../vision/render/colormap.js';
import { filterGrid } from '../vision/render/filter-grid.js';
import { formatNumber } from '../vision/render/format-number.js';
import { probabilityChartSvg } from '../vision/render/probability-chart-svg.js';
import { autoRange } from '../vision/render/render-map.js';
import { recordActivations, type LayerActivation } from './activations.js';
import { safeFileName, type Page, type PageFigure } from './html-page.js';

/** Options for {@link explainModel}. */
export interface ExplainOptions {
  /** One name per output class (a model file's `meta.classNames`). */
  classNames: readonly string[];
  /** The 8-bit image the input was made from, shown as the input; default: the input tensor in gray. */
  image?: ImageData8;
  /** Page title; default 'What the model sees'. */
  title?: string;
  /** Classes in the probability chart; default 5. */
  topK?: number;
}

/** What {@link explainModel} returns: the page, the probabilities and the raw activations. */
export interface Explanation {
  page: Page;
  /** Softmax of the model's output, one per class. */
  probabilities: Float32Array;
  layers: LayerActivation[];
}

/**
 * Runs `model` on one input and lays out what happens inside.
 *
 * Shape: `input` is [1, C, H, W] (one image, normalised as the model
 * expects); the model's output is [1, classes] logits (a final Softmax layer
 * is recognised and not applied twice).
 *
 * @example
 * const { page, probabilities } = explainModel(model, x, { classNames: meta.classNames, image: img });
 * await writePage('explain-out', page);
 */
export function explainModel(model: Module, input: Tensor, o: ExplainOptions): Explanation {
  if (input.ndim !== 4 || input.shape[0] !== 1) throw new ShapeError('explainModel', `expected one image [1, C, H, W], got ${fmt(input.shape)}`);
  const { layers, output } = recordActivations(model, input);
  const last = layers[layers.length - 1];
  const probabilities = last?.type === 'Softmax' ? output.data.slice() : noGrad(() => softmax(output, 1)).data.slice();
  if (probabilities.length !== o.classNames.length) {
    throw new ShapeError('explainModel', `model output ${fmt(output.shape)} does not match ${o.classNames.length} class names`);
  }
  let n = 0;
  const num = (): string => String(n++).padStart(2, '0');
  const inputFig: PageFigure = {
    file: `${num()}-input.png`,
    caption: `input ${fmt(input.shape)}${o.image ? `: ${o.image.width} x ${o.image.height} pixels, as the model sees it` : ''}`,
    content: o.image ? upscale(o.image, autoScale(o.image.height, o.image.width, 112)) : tensorPicture(input),
  };
  const sections: Page['sections'] = [{ heading: 'Input', figures: [inputFig] }];
  const conv = [...model.namedModules()].find(([, m]) => m instanceof Conv2d) as [string, Conv2d] | undefined;
  if (conv) {
    const [path, c] = conv;
    const shape = c.weight.shape as [number, number, number, number];
    sections.push({
      heading: 'Filters of the first conv layer',
      text: 'Each small square is one filter (one per input channel): red weights add, blue weights subtract, white is zero.',
      figures: [{
        file: `${num()}-filters-${safeFileName(path || 'model')}.png`,
        caption: `${path || 'model'} · Conv2d weight ${fmt(shape)}`,
        content: filterGrid(c.weight.data, shape, { title: `${path || 'model'} weight ${fmt(shape)}` }),
      }],
    });
  }
  sections.push({
    heading: 'Layers',
    text: 'Every layer\'s output, in order. Signed values (before ReLU) in blue-white-red, non-negative values in viridis; one colour scale per layer.',
    figures: layers.map((a) => layerFigure(a, num())),
  });
  sections.push({
    heading: 'Prediction',
    figures: [{
      file: `${num()}-probabilities.svg`,
      caption: `class probabilities (softmax of the output), top ${Math.min(o.topK ?? 5, o.classNames.length)}`,
      content: probabilityChartSvg(probabilities, o.classNames, { topK: o.topK ?? 5, title: 'class probabilities' }),
      png: true,
    }],
  });
  return { page: { title: o.title ?? 'What the model sees', sections }, probabilities, layers };
}

/** A layer's output as a grid of feature maps ([1, C, H, W]) or a strip of values (anything else). */
function layerFigure(a: LayerActivation, prefix: string): PageFigure {
  const path = a.path || 'model';
  const title = `${path} ${a.type} ${fmt(a.shape)}`;
  const [lo, hi] = autoRange(a.data, gray);
  const caption = `${path} · ${a.type} · output ${fmt(a.shape)} · values ${formatNumber(lo)} to ${formatNumber(hi)}`;
  const file = `${prefix}-${safeFileName(path)}-${safeFileName(a.type.toLowerCase())}.png`;
  if (a.shape.length === 4) {
    const [, c, h, w] = a.shape as [number, number, number, number];
    return { file, caption, content: activationGrid(a.data.subarray(0, c * h * w), [c, h, w], { title }) };
  }
  // A vector (after Flatten or Linear): rows of up to 32 values, the tail padded with NaN (drawn gray).
  const values = a.data.subarray(0, a.data.length / (a.shape[0] ?? 1));
  const cols = Math.min(32, values.length);
  const rows = Math.ceil(values.length / cols);
  const padded = new Float32Array(rows * cols).fill(NaN);
  padded.set(values);
  const scale = Math.min(16, Math.max(2, Math.floor(256 / cols)));
  return { file, caption, content: activationGrid(padded, [1, rows, cols], { title, labels: false, scale }) };
}

/** The input tensor's first image, channel by channel, in gray. */
function tensorPicture(input: Tensor): ImageData8 {
  const [, c, h, w] = input.shape as [number, number, number, number];
  return activationGrid(input.data, [c, h, w], { colorMap: gray, scale: autoScale(h, w, 112), labels: c > 1 });
}
