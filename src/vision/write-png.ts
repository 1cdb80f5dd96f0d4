/**
 * Writing 8-bit images as PNG files in Node, atomically: a reader (or the
 * next run after a crash) sees the old file or the complete new one, never
 * half a PNG.
 */
import sharp from 'sharp';
import { writeFileAtomic } from '../util/atomic-write.js';
import { FileError } from '../errors.js';
import { ImageError } from './image-error.js';
import type { ImageData8 } from './image.js';

/**
 * Encodes `image` (8-bit, 1 channel = grayscale, 3 = RGB) as a PNG with sharp
 * and writes it to `path` through a temporary file and a rename
 * (`writeFileAtomic`). The directory must exist.
 *
 * Shape: `image.data` is `[height, width, channels]` bytes (HWC), as
 * `loadImageFile` gives and {@link imageF32ToData8} makes.
 *
 * @throws {ImageError} naming `path`: an empty or malformed image, or a write the file system refused.
 * @example
 * await writePng('edges.png', imageF32ToData8(sobel(gray)));
 */
export async function writePng(path: string, image: ImageData8): Promise<void> {
  const { width, height, channels, data } = image;
  if (channels !== 1 && channels !== 3) throw new ImageError(path, `cannot write a PNG with ${String(channels)} channels; expected 1 or 3`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageError(path, `cannot write an image of ${width} x ${height} pixels; width and height must be positive integers`);
  }
  if (data.length !== width * height * channels) {
    throw new ImageError(path, `image data holds ${data.length} bytes but ${height} x ${width} x ${channels} (height x width x channels) needs ${width * height * channels}`);
  }
  const raw = Buffer.from(data.buffer, data.byteOffset, data.length);
  let png: Buffer;
  try {
    png = await sharp(raw, { raw: { width, height, channels } })
      .toColourspace(channels === 1 ? 'b-w' : 'srgb')
      .png()
      .toBuffer();
  } catch (err) {
    throw new ImageError(path, `cannot encode the PNG (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  try {
    await writeFileAtomic(path, png);
  } catch (err) {
    if (err instanceof FileError) throw new ImageError(path, err.problem, { cause: err });
    throw err;
  }
}
