/**
 * Every mistake one click away: a confusion matrix whose cells are buttons;
 * a click lists the test images of that cell (actual A, predicted B) as
 * thumbnails, the most confident first; a click on one shows its class
 * probabilities, its saliency map and its Grad-CAM for the predicted class.
 * Everything is computed here, when the page is made (the page has no
 * model): the pictures go into three sprite sheets embedded in the page, the
 * numbers into its JSON. Platform-free; a report page (training-report.ts)
 * carries it as a widget, a web app mounts it with `mountMistakesView`
 * (mistakes-mount.ts, the one copy of its behaviour).
 */
import type { ImageDataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { tensor } from '../tensor/ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { imageToTensorData, type ImageData8 } from '../vision/image.js';
import { heatmapOverlay } from '../vision/render/heatmap-overlay.js';
import { shade } from '../vision/render/confusion-matrix-svg.js';
import { escapeXml } from '../vision/render/escape-xml.js';
import { resizeImage8 } from '../vision/resize-image8.js';
import { gradCam } from './grad-cam.js';
import type { PageWidget } from './html-page.js';
import type { MistakesViewData } from './mistakes-mount.js';
import { MISTAKES_SCRIPT, MISTAKES_STYLE } from './mistakes-view-script.js';
import { saliency } from './saliency.js';

/** One test image of a cell: what `evaluate(..., { examplesPerCell })` keeps (`CellExample`). */
export interface MistakeExample {
  /** Its index in the test set. */
  index: number;
  actual: number;
  predicted: number;
  /** The predicted class's probability. */
  confidence: number;
  probabilities: ArrayLike<number>;
}

/** The widget {@link mistakesView} makes: a page widget whose `data` is what `mountMistakesView` reads. */
export interface MistakesWidget extends PageWidget {
  data: MistakesViewData;
}

/** Options of {@link mistakesView}. */
export interface MistakesViewOptions {
  /** At most this many images in the page (default 500): cells are cut to the same number, the least confident dropped. */
  maxImages?: number;
  /** Thumbnails and maps are at most this many pixels on a side (default 64; the input's size when smaller). */
  maxSide?: number;
  /** The model's normalisation std, for saliency with respect to the pixels in [0, 1]. */
  std?: readonly number[];
  /** The layer Grad-CAM weighs (default: the last one giving maps). */
  layer?: string;
}

/**
 * The widget: the clickable confusion matrix, the thumbnails of each cell,
 * and for each image its top-5 probabilities (and the actual class's),
 * saliency and Grad-CAM of the predicted class laid over it. A report page
 * shows it as a section's `widget`; in a web app, insert its `html` and
 * `style` and call `mountMistakesView(root, widget.data, sprites)`.
 *
 * Shape: `counts` is `ConfusionMatrix.counts` (n·n, actual·n + predicted);
 * `input(index)` gives the test image as the model's input `x` [1, C, H, W]
 * (normalised) and as a picture `image` [H, W, C].
 * @example
 * const r = evaluate(model, testLoader, 10, { examplesPerCell: 16 });
 * const widget = mistakesView(model, r.examples!.all(), r.confusion.counts, classNames, (i) => datasetExample(test, i, meta.normalize));
 */
export function mistakesView(
  model: Module, examples: readonly MistakeExample[], counts: ArrayLike<number>, classNames: readonly string[],
  input: (index: number) => { x: Tensor; image: ImageData8 }, o: MistakesViewOptions = {},
): MistakesWidget {
  const n = classNames.length;
  if (counts.length !== n * n) throw new RangeError(`mistakesView: ${counts.length} counts, but ${n} classes need ${n * n}`);
  const kept = capPerCell(examples, n, o.maxImages ?? 500);
  const wasTraining = model.training;
  model.eval();
  try {
    const tiles = kept.map((e) => renderExample(model, e, input(e.index), o));
    const gradCamLayer = tiles.find((t) => t.layer)?.layer ?? null;
    const [th, tw] = tiles.length ? [tiles[0]!.image.height, tiles[0]!.image.width] : [1, 1];
    const cols = Math.max(1, Math.ceil(Math.sqrt(tiles.length)));
    const data: MistakesViewData = {
      classNames, counts: Array.from(counts), tile: [th, tw], cols,
      thumbScale: Math.max(1, Math.floor(56 / Math.max(th, tw))), detailScale: Math.max(1, Math.floor(140 / Math.max(th, tw))),
      gradCamLayer, gradCamProblem: gradCamLayer ? null : tiles[0]?.problem ?? null,
      examples: kept.map((e) => ({
        index: e.index, actual: e.actual, predicted: e.predicted, confidence: round(e.confidence),
        top: topProbabilities(e.probabilities, e.actual),
      })),
    };
    return {
      id: 'mistakes', html: matrixHtml(counts, classNames), style: MISTAKES_STYLE, script: MISTAKES_SCRIPT, data,
      images: {
        images: sprite(tiles.map((t) => t.image), cols),
        saliency: sprite(tiles.map((t) => t.saliency), cols),
        gradcam: sprite(tiles.map((t) => t.gradcam ?? t.image), cols),
      },
    };
  } finally {
    model.train(wasTraining);
  }
}

/**
 * The largest per-cell count k with Σ min(cell size, k) ≤ max: every cell
 * keeps its k surest. With more non-empty cells than `max` (a model of
 * many classes), the surest image of each of the `max` largest cells.
 */
function capPerCell(examples: readonly MistakeExample[], n: number, max: number): MistakeExample[] {
  const sizes = cellSizes(examples, n);
  const total = (k: number) => [...sizes.values()].reduce((s, c) => s + Math.min(c, k), 0);
  let k = Math.max(0, ...sizes.values());
  while (k > 1 && total(k) > max) k--;
  const largest = new Set([...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, max).map(([key]) => key));
  const seen = new Map<number, number>();
  const sorted = [...examples].sort((a, b) => a.actual * n + a.predicted - (b.actual * n + b.predicted) || b.confidence - a.confidence || a.index - b.index);
  return sorted.filter((e) => {
    const key = e.actual * n + e.predicted;
    const c = seen.get(key) ?? 0;
    seen.set(key, c + 1);
    return c < k && (total(k) <= max || largest.has(key));
  });
}

function cellSizes(examples: readonly MistakeExample[], n: number): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const e of examples) sizes.set(e.actual * n + e.predicted, (sizes.get(e.actual * n + e.predicted) ?? 0) + 1);
  return sizes;
}

interface Tile { image: ImageData8; saliency: ImageData8; gradcam: ImageData8 | null; layer: string | null; problem: string | null }

/** The picture, and saliency and Grad-CAM of the predicted class over it, shrunk to at most maxSide. */
function renderExample(model: Module, e: MistakeExample, { x, image }: { x: Tensor; image: ImageData8 }, o: MistakesViewOptions): Tile {
  const sal = saliency(model, x, { classIndex: e.predicted, ...(o.std ? { std: o.std } : {}) });
  let cam: ReturnType<typeof gradCam> | null = null;
  let problem: string | null = null;
  try {
    cam = gradCam(model, x, { classIndex: e.predicted, ...(o.layer !== undefined ? { layer: o.layer } : {}) });
  } catch (err) {
    // A model without convolutional maps (a plain MLP) has no Grad-CAM; saliency still works.
    problem = (err as Error).message;
  }
  const max = o.maxSide ?? 64;
  const scale = Math.min(1, max / Math.max(image.height, image.width));
  const size: [number, number] = [Math.max(1, Math.round(image.height * scale)), Math.max(1, Math.round(image.width * scale))];
  const fit = (img: ImageData8) => (scale < 1 ? resizeImage8(img, size) : img);
  return {
    image: fit(toRgb(image)),
    saliency: fit(heatmapOverlay(image, sal.map, { alpha: 0.75 })),
    gradcam: cam ? fit(heatmapOverlay(image, cam.map)) : null,
    layer: cam?.layer ?? null,
    problem,
  };
}

function toRgb(img: ImageData8): ImageData8 {
  if (img.channels === 3) return img;
  const data = new Uint8Array(img.width * img.height * 3);
  img.data.forEach((v, i) => data.fill(v, i * 3, i * 3 + 3));
  return { width: img.width, height: img.height, channels: 3, data };
}

/** Tiles of one size, row-major in `cols` columns, as one RGB picture. */
function sprite(tiles: ImageData8[], cols: number): ImageData8 {
  if (!tiles.length) return { width: 1, height: 1, channels: 3, data: new Uint8Array(3).fill(255) };
  const { height: th, width: tw } = tiles[0]!;
  const rows = Math.ceil(tiles.length / cols);
  const width = cols * tw, height = rows * th;
  const data = new Uint8Array(width * height * 3).fill(255);
  tiles.forEach((t, i) => {
    const rgb = toRgb(t);
    const x0 = (i % cols) * tw, y0 = Math.floor(i / cols) * th;
    for (let y = 0; y < th; y++) data.set(rgb.data.subarray(y * tw * 3, (y + 1) * tw * 3), ((y0 + y) * width + x0) * 3);
  });
  return { width, height, channels: 3, data };
}

/** The 5 most probable classes and the actual one, as [class, probability] pairs, most probable first. */
function topProbabilities(p: ArrayLike<number>, actual: number): [number, number][] {
  const order = Array.from(p, (_, k) => k).sort((a, b) => p[b]! - p[a]! || a - b);
  const top = order.slice(0, 5);
  if (!top.includes(actual)) top.push(actual);
  return top.map((k) => [k, round(p[k]!)]);
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;

/** Above this many classes the matrix is too large to click through: the largest confusions are listed instead. */
const MAX_TABLE_CLASSES = 40;
const LISTED_CELLS = 60;

/**
 * The matrix as a table of buttons (rows actual, columns predicted), shaded
 * by share of the row, and the panes the script fills; with more than
 * MAX_TABLE_CLASSES classes, buttons for the LISTED_CELLS largest
 * off-diagonal cells.
 */
function matrixHtml(counts: ArrayLike<number>, classNames: readonly string[]): string {
  const e = escapeXml;
  const n = classNames.length;
  if (n > MAX_TABLE_CLASSES) {
    const cells = Array.from({ length: n * n }, (_, k) => k).filter((k) => counts[k]! > 0 && Math.floor(k / n) !== k % n)
      .sort((a, b) => counts[b]! - counts[a]! || a - b).slice(0, LISTED_CELLS);
    const items = cells.map((k) => {
      const [a, p] = [Math.floor(k / n), k % n];
      return `<li><button type="button" class="mistakes-cell" data-actual="${a}" data-predicted="${p}">${e(classNames[a]!)} → ${e(classNames[p]!)}: ${counts[k]}</button></li>`;
    });
    return [
      '<div class="mistakes">',
      `<div><p>${n} classes: the ${cells.length} most frequent confusions (actual → predicted).</p><ol class="mistakes-top">${items.join('')}</ol></div>`,
      '<div class="mistakes-panes"><div id="mistakes-list" aria-live="polite"><p class="mistakes-hint">Click a confusion to see its images.</p></div>',
      '<div id="mistakes-detail" aria-live="polite"></div></div>',
      '</div>',
    ].join('\n');
  }
  const head = `<tr><th class="mistakes-corner">actual \\ predicted</th>${classNames.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr>`;
  const rows = classNames.map((name, a) => {
    let rowSum = 0;
    for (let p = 0; p < n; p++) rowSum += counts[a * n + p]!;
    const cells = classNames.map((_, p) => {
      const c = counts[a * n + p]!;
      const frac = rowSum ? c / rowSum : 0;
      const label = `actual ${classNames[a]}, predicted ${classNames[p]}: ${c} image${c === 1 ? '' : 's'}`;
      return `<td><button type="button" class="mistakes-cell${a === p ? ' mistakes-diag' : ''}" data-actual="${a}" data-predicted="${p}" ` +
        `style="background:${shade(frac)};color:${frac > 0.5 ? '#fff' : '#222'}" title="${e(label)}" aria-label="${e(label)}"${c ? '' : ' disabled'}>${c || ''}</button></td>`;
    });
    return `<tr><th scope="row">${e(name)}</th>${cells.join('')}</tr>`;
  });
  return [
    '<div class="mistakes">',
    `<div class="mistakes-scroll"><table class="mistakes-matrix"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`,
    '<div class="mistakes-panes"><div id="mistakes-list" aria-live="polite"><p class="mistakes-hint">Click a cell to see its images.</p></div>',
    '<div id="mistakes-detail" aria-live="polite"></div></div>',
    '</div>',
  ].join('\n');
}

/**
 * Image `index` of an in-memory data set as {@link mistakesView} wants it:
 * the normalised input the model takes and the picture.
 *
 * Shape: the data set's images are [C, H, W] bytes; `x` is [1, C, H, W], `image` [H, W, C].
 * @example mistakesView(model, examples, counts, names, (i) => datasetExample(test, i, meta.normalize));
 */
export function datasetExample(dataset: ImageDataset, index: number, normalize: { mean: readonly number[]; std: readonly number[] }): { x: Tensor; image: ImageData8 } {
  const [c, h, w] = dataset.shape;
  const chw = dataset.image(index);
  const data = new Uint8Array(h * w * c);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) data[i * c + ch] = chw[ch * h * w + i]!;
  const image: ImageData8 = { width: w, height: h, channels: c as 1 | 3, data };
  return { x: tensor(imageToTensorData(image, normalize.mean, normalize.std), [1, c, h, w]), image };
}

/** What {@link testMistakes} reads of an evaluation (`evaluate(..., { examplesPerCell })`'s result). */
export interface EvaluatedExamples {
  confusion: { counts: ArrayLike<number> };
  examples?: { all(): MistakeExample[] } | undefined;
}

/**
 * The mistakes widget of a test set evaluated with `examplesPerCell`: what
 * `fovea train` and `fovea eval --report` put in their reports.
 *
 * @throws {RangeError} when the evaluation kept no examples (no `examplesPerCell`).
 * @example
 * const r = evaluate(model, loader, n, { examplesPerCell: 16 });
 * const widget = testMistakes(model, test, r, meta);
 */
export function testMistakes(model: Module, dataset: ImageDataset, r: EvaluatedExamples, meta: { classNames: readonly string[]; normalize: { mean: readonly number[]; std: readonly number[] } }, o: MistakesViewOptions = {}): MistakesWidget {
  if (!r.examples) throw new RangeError('testMistakes: the evaluation kept no examples; evaluate with { examplesPerCell }');
  return mistakesView(model, r.examples.all(), r.confusion.counts, meta.classNames, (i) => datasetExample(dataset, i, meta.normalize),
    { std: meta.normalize.std, ...o });
}
