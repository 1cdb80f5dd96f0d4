/**
 * Turning a decoded picture into a model's input: the preprocessing a model
 * file describes (channels, size, fit, normalisation), in one place for the
 * CLI, the library and the web app, plus the notes a user should read when
 * the picture clearly does not fit the model. Platform-free.
 */
import { ShapeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { imageToTensorData, meanIntensity, type ImageData8 } from './image.js';
import type { ImageFit } from './load-image-options.js';

/** What a model says about its input: the fields of a model file's meta that preprocessing reads. */
export interface ModelInputSpec {
  /** [C, H, W]. */
  inputShape: readonly [number, number, number];
  /** Per-channel mean and std applied after scaling pixels to [0, 1]. */
  normalize: { mean: readonly number[]; std: readonly number[] };
  /** How the picture reaches [H, W]; default 'fill'. */
  fit?: ImageFit;
  /** The model's training record; `dataset` tells an MNIST-style model. */
  training?: Record<string, unknown>;
}

/** Options of {@link modelInput}. */
export interface ModelInputOptions {
  /** Invert intensities (255 - v) first: dark-on-light drawings for an MNIST model. */
  invert?: boolean;
}

/** The channels a picture is decoded to for a model, or a clear error for a model that does not take pictures. */
export function inputChannels(spec: Pick<ModelInputSpec, 'inputShape'>, label: string): 1 | 3 {
  const c = spec.inputShape[0];
  if (c !== 1 && c !== 3) throw new ValueError(`${label}: the model takes ${c}-channel input; pictures can be fed to 1-channel (grayscale) or 3-channel (RGB) models`);
  return c;
}

/**
 * A picture already decoded at the model's size and channels (what
 * `loadImageFile(path, { channels, size, fit })` or `decodeImage` give) as a
 * batch of one: inverted if asked, scaled to [0, 1] and normalised with the
 * model's mean and std, as torchvision's `ToTensor` + `Normalize`.
 *
 * Shape: `img` is `[H, W, C]` bytes; the result is `[1, C, H, W]`.
 * @example
 * const img = await loadImageFile('rose.jpg', { channels: 3, size: [224, 224], fit: meta.fit });
 * const probs = softmax(model.forward(modelInput(meta, img)), 1);
 */
export function modelInput(spec: ModelInputSpec, img: ImageData8, options: ModelInputOptions = {}): Tensor {
  const [c, h, w] = spec.inputShape;
  if (img.channels !== c || img.height !== h || img.width !== w) {
    throw new ShapeError('modelInput', `the image is ${img.height} x ${img.width} x ${img.channels} (H x W x C) but the model takes ${h} x ${w} x ${c}; decode it with { channels: ${c}, size: [${h}, ${w}] }`);
  }
  const pixels = options.invert ? invert(img) : img;
  return new Tensor(imageToTensorData(pixels, spec.normalize.mean, spec.normalize.std), [1, c, h, w]);
}

/** The image with every byte v replaced by 255 - v (a new image). */
export function invert(img: ImageData8): ImageData8 {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = 255 - img.data[i]!;
  return { ...img, data };
}

/** What is known of the original picture, before it was fitted to the model. */
export interface PictureFacts {
  /** Width and height of the upright picture. */
  width: number;
  height: number;
  /** Mean absolute difference between a pixel's colour channels, 0..255 (0: gray). */
  colourfulness: number;
  /** Mean intensity of the picture as the model sees it, 0..255. */
  meanIntensity: number;
}

/**
 * The mean absolute difference between R, G and B over a 3-channel picture,
 * in levels (0 for a gray picture, ~20-60 for a typical colour photo).
 * @example colourfulness(await loadImageFile('rose.jpg', { channels: 3, size: [64, 64] })) // 41.7
 */
export function colourfulness(img: ImageData8): number {
  if (img.channels !== 3) return 0;
  const d = img.data;
  let sum = 0;
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!, g = d[i + 1]!, b = d[i + 2]!;
    sum += (Math.abs(r - g) + Math.abs(g - b) + Math.abs(b - r)) / 3;
  }
  return d.length ? sum / (d.length / 3) : 0;
}

/** Colourfulness above which a picture counts as a colour photo (levels of 255). */
const COLOUR_THRESHOLD = 8;

/**
 * Notes for a user when a picture clearly does not fit the model, each
 * saying what was done: a colour photo fed to a grayscale model, a picture
 * of another shape stretched, a large photo shrunk to a tiny input, a small
 * picture blown up, a dark-on-light drawing fed to an MNIST model.
 * @example inputNotes('rose.jpg', { width: 320, height: 240, colourfulness: 40, meanIntensity: 90 }, meta) // ['rose.jpg is a colour photo; ...']
 */
export function inputNotes(name: string, facts: PictureFacts, spec: ModelInputSpec, options: ModelInputOptions = {}): string[] {
  const [c, h, w] = spec.inputShape;
  const notes: string[] = [];
  const fit = spec.fit ?? 'fill';
  const size = `${facts.width} x ${facts.height}`;
  if (c === 1 && facts.colourfulness > COLOUR_THRESHOLD) {
    notes.push(`${name} is a colour picture but the model takes 1-channel (grayscale) ${w} x ${h} images: it was converted to grayscale, and the model has never seen anything like it; is this the right model?`);
  }
  const aspect = facts.width / facts.height;
  const target = w / h;
  if (fit === 'fill' && Math.max(aspect / target, target / aspect) > 1.25) {
    notes.push(`${name} is ${size} (width:height ${aspect.toFixed(2)}) and was stretched to ${w} x ${h} (${target.toFixed(2)}), as the model was trained (fit 'fill'); shapes look distorted to it. Crop the picture, or train with --fit cover`);
  }
  const shrink = Math.min(facts.width / w, facts.height / h);
  if (shrink >= 8) notes.push(`${name} is ${size} and was shrunk ${Math.round(shrink)}x to the model's ${w} x ${h}: details smaller than ${Math.round(shrink)} pixels vanish`);
  const grow = Math.max(w / facts.width, h / facts.height);
  if (grow >= 4) notes.push(`${name} is only ${size} and was enlarged ${Math.round(grow)}x to the model's ${w} x ${h}: it will look blurred to the model`);
  const dataset = spec.training?.['dataset'];
  if (c === 1 && (dataset === 'mnist' || dataset === 'fashion-mnist')) {
    const light = facts.meanIntensity > 127;
    if (light && !options.invert) notes.push(`${name} is mostly light, but ${dataset} images are light on a dark background; for a dark-on-light drawing pass --invert`);
    if (!light && options.invert) notes.push(`${name} is mostly dark and --invert made it light; ${dataset} images are light on a dark background, so --invert is likely wrong here`);
  }
  return notes;
}

/** The intensity facts of a decoded picture (before any inversion). */
export function pictureFacts(original: { width: number; height: number }, asColour: ImageData8, asModel: ImageData8): PictureFacts {
  return { width: original.width, height: original.height, colourfulness: colourfulness(asColour), meanIntensity: meanIntensity(asModel) };
}
