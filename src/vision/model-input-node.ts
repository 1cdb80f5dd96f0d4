/**
 * A picture file as a model's input (Node): decoded with sharp at the
 * model's size, channels and fit, normalised as the model file says, with
 * notes when the picture clearly does not fit the model.
 */
import sharp from 'sharp';
import type { Tensor } from '../tensor/tensor.js';
import type { ImageData8 } from './image.js';
import { loadImageFile } from './image-file.js';
import { inputChannels, inputNotes, modelInput, pictureFacts, type ModelInputOptions, type ModelInputSpec } from './model-input.js';

/** What {@link loadModelInput} gives. */
export interface LoadedModelInput {
  /** `[1, C, H, W]`, ready for `model.forward`. */
  x: Tensor;
  /** The picture as the model sees it (its size and channels; inverted if asked), for figures. */
  image: ImageData8;
  /** Warnings for the user when the picture does not fit the model (see `inputNotes`); empty when it does. */
  notes: string[];
}

/**
 * Loads a PNG/JPEG/WebP/... file the way the model was trained to see it.
 *
 * Shape: the result's `x` is `[1, C, H, W]` for a model whose input is `[C, H, W]`.
 * @throws {ImageError} naming the file when it is missing or not a picture.
 * @example
 * const { model, meta } = loadAnyModel('flowers.fovea');
 * const { x, notes } = await loadModelInput('rose.jpg', meta);
 * notes.forEach((n) => console.warn(n));
 * const probs = softmax(model.forward(x), 1);
 */
export async function loadModelInput(path: string, spec: ModelInputSpec, options: ModelInputOptions = {}): Promise<LoadedModelInput> {
  const [, h, w] = spec.inputShape;
  const channels = inputChannels(spec, path);
  const img = await loadImageFile(path, { channels, size: [h, w], fit: spec.fit ?? 'fill' });
  // Colour is judged on a small RGB copy; only a grayscale model needs it.
  const colour = channels === 3 ? img : await loadImageFile(path, { channels: 3, size: [Math.min(h, 64), Math.min(w, 64)] });
  const notes = inputNotes(path, pictureFacts(await uprightSize(path), colour, img), spec, options);
  const x = modelInput(spec, img, options);
  const image = options.invert ? { ...img, data: img.data.map((v) => 255 - v) } : img;
  return { x, image, notes };
}

/** The size of the picture after its EXIF orientation (loadImageFile has read the header already, so this cannot fail). */
async function uprightSize(path: string): Promise<{ width: number; height: number }> {
  const m = await sharp(path, { limitInputPixels: false }).metadata();
  const swap = m.orientation !== undefined && m.orientation >= 5;
  return swap ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
}
