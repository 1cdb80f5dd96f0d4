/**
 * The float image every transform and filter works on: CHW float32, values
 * nominally in [0, 1] (what torchvision's `ToTensor()` gives), one image of
 * an NCHW batch. Platform-free: imports nothing from Node.
 */
import { ShapeError, ValueError } from '../errors.js';
import type { ImageData8 } from './image.js';

/**
 * A float image, channels first.
 *
 * Shape: `data` holds `channels * height * width` values in CHW order: the
 * value of channel c at (y, x) is `data[(c * height + y) * width + x]`, rows
 * top to bottom. Pixel values are in [0, 1] after {@link imageF32FromData8}
 * (torchvision's `ToTensor()`); filters and `normalize` may leave that range.
 *
 * @example
 * const img: ImageF32 = { channels: 1, height: 2, width: 2, data: Float32Array.of(0, 0.5, 0.5, 1) };
 */
export interface ImageF32 {
  channels: number;
  height: number;
  width: number;
  data: Float32Array;
}

/**
 * A new float image; `data` defaults to zeros (a Float32Array of the right size).
 *
 * Shape: `[channels, height, width]`.
 *
 * @throws {ShapeError} when the sizes are not non-negative integers or `data` has the wrong length.
 * @example
 * const black = imageF32(3, 32, 32);
 */
export function imageF32(channels: number, height: number, width: number, data?: Float32Array): ImageF32 {
  const img = { channels, height, width, data: data ?? new Float32Array(Math.max(0, channels * height * width)) };
  checkImageF32(img, 'imageF32');
  return img;
}

/**
 * Checks that `img` is a well-formed {@link ImageF32}; `op` names the caller in the error.
 *
 * @throws {ShapeError} e.g. `centerCrop: image data holds 5 values but [1, 2, 3] (channels, height, width) needs 6`.
 * @example checkImageF32(img, 'randomRotation');
 */
export function checkImageF32(img: ImageF32, op: string): void {
  const { channels, height, width, data } = img;
  if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(height) || height < 0 || !Number.isInteger(width) || width < 0) {
    throw new ShapeError(op, `image has channels=${channels}, height=${height}, width=${width}; expected a positive integer and two non-negative integers`);
  }
  if (!(data instanceof Float32Array)) throw new ShapeError(op, 'image data must be a Float32Array (CHW)');
  if (data.length !== channels * height * width) {
    throw new ShapeError(op, `image data holds ${data.length} values but [${channels}, ${height}, ${width}] (channels, height, width) needs ${channels * height * width}`);
  }
}

/**
 * 8-bit HWC pixels → float CHW in [0, 1], each value `float32(v / 255)`
 * exactly as torchvision's `ToTensor()` computes it.
 *
 * Shape: `[H, W, C]` bytes → `[C, H, W]` floats.
 *
 * @example
 * const img = imageF32FromData8(await loadImageFile('cat.jpg', { channels: 3 }));
 */
export function imageF32FromData8(src: ImageData8): ImageF32 {
  const { width, height, channels, data } = src;
  if (data.length !== width * height * channels) {
    throw new ShapeError('toTensor', `image data holds ${data.length} bytes but ${height} x ${width} x ${channels} (height x width x channels) needs ${width * height * channels}`);
  }
  const plane = width * height;
  const out = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = data[i * channels + c]! / 255;
  }
  return { channels, height, width, data: out };
}

/**
 * Float CHW → 8-bit HWC for saving or showing: values are clamped to [0, 1],
 * times 255, rounded half up (torchvision's `save_image`:
 * `mul(255).add_(0.5).clamp_(0, 255)` then truncation). NaN becomes 0.
 *
 * Shape: `[C, H, W]` floats → `[H, W, C]` bytes; C must be 1 or 3.
 *
 * @throws {ValueError} for images that are not 1 or 3 channels.
 * @example
 * await writePng('out.png', imageF32ToData8(img));
 */
export function imageF32ToData8(img: ImageF32): ImageData8 {
  checkImageF32(img, 'imageF32ToData8');
  const { channels, height, width, data } = img;
  if (channels !== 1 && channels !== 3) throw new ValueError(`imageF32ToData8: image has ${channels} channels; 8-bit images have 1 or 3`);
  const plane = width * height;
  const out = new Uint8Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    const base = c * plane;
    for (let i = 0; i < plane; i++) {
      const v = data[base + i]! * 255 + 0.5;
      out[i * channels + c] = v >= 255 ? 255 : v > 0 ? v : 0; // Uint8Array truncates; NaN fails both tests → 0
    }
  }
  return { width, height, channels, data: out };
}
