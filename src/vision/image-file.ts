/**
 * Reading image files in Node: decode, orient, flatten, convert and resize
 * with sharp (libvips) into an {@link ImageData8}. Node only; the browser
 * gets its pixels from a canvas instead.
 */
import { open, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageError } from './image-error.js';
import type { ImageData8 } from './image.js';
import { describeImageStart } from './image-header.js';
import { checkLoadImageOptions, coverCrop, DEFAULT_MAX_PIXELS, formatPixelCount, type LoadImageOptions } from './load-image-options.js';
import { rgbToLuma8, swapRedBlue8 } from './rgb8-conversions.js';

export { DEFAULT_MAX_PIXELS, type LoadImageOptions } from './load-image-options.js';

const SUPPORTED = 'PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG';

/**
 * Loads an image file (PNG, JPEG, WebP, GIF, TIFF, AVIF, SVG: anything sharp
 * reads) as 8-bit pixels, ready for {@link imageToTensorData}.
 *
 * What it does, in order:
 * 1. Reads the header only and refuses images above `maxPixels`.
 * 2. Applies the EXIF orientation, so a phone photo taken in portrait is
 *    upright (width and height swap for orientations 5 to 8).
 * 3. Flattens transparency onto a WHITE background, as a transparent PNG is
 *    shown in a browser or on paper. (A transparent-background digit drawn in
 *    black therefore becomes black ink on white; see {@link meanIntensity} to
 *    detect that and invert for MNIST-style models.)
 * 4. Converts palette, 16-bit, grayscale and CMYK images to 8-bit sRGB.
 * 5. Resizes to `size` if given, bilinear: with `fit: 'fill'` (default)
 *    every source pixel is mapped onto the target, the aspect ratio not kept,
 *    like torchvision's `Resize((h, w))`; with `fit: 'cover'` the centred
 *    region of the target's aspect ratio is cut out first ({@link coverCrop}),
 *    like torchvision's `Resize(min(h, w))` + `CenterCrop((h, w))`.
 * 6. For `channels: 1`, takes the ITU-R 601-2 luma
 *    `L = 0.299 R + 0.587 G + 0.114 B` with PIL's integer rounding, i.e. what
 *    `PIL.Image.convert('L')` gives (sharp's own `grayscale()` weights linear
 *    light differently).
 *
 * 7. For `order: 'bgr'`, swaps R and B, giving what `cv2.imread` gives.
 *
 * Images with several pages or frames (GIF, TIFF) give their first.
 *
 * Shape: the result is `[height, width, channels]` bytes (HWC), where
 * `[height, width]` is `size` or the oriented image's size.
 *
 * @throws {ImageError} naming the file, when it is missing, empty, not an
 *   image, truncated or corrupt, or too large.
 *
 * @example
 * const img = await loadImageFile('digit.png', { channels: 1, size: [28, 28] });
 * const x = imageToTensorData(img, [0.1307], [0.3081]);
 */
export async function loadImageFile(path: string, options: LoadImageOptions): Promise<ImageData8> {
  const { channels, size } = options;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  checkLoadImageOptions('loadImageFile', options);
  await checkFile(path);
  const meta = await readHeader(path);
  const pixels = meta.width * meta.height;
  if (pixels > maxPixels) {
    throw new ImageError(
      path,
      `${meta.width} x ${meta.height} = ${formatPixelCount(pixels)} pixels exceeds the limit of ${formatPixelCount(maxPixels)}; raise maxPixels to allow it`,
    );
  }
  // 'cover' cuts the centre out of the upright image (orientations 5-8 swap width and height).
  const upright = meta.orientation !== undefined && meta.orientation >= 5 ? { width: meta.height, height: meta.width } : meta;
  const crop = size !== undefined && options.fit === 'cover' ? coverCrop(upright.width, upright.height, size) : undefined;
  const rgb = await decodeRgb(path, meta.format, size, maxPixels, crop);
  if (channels === 1) return rgbToLuma8(rgb);
  return options.order === 'bgr' ? swapRedBlue8(rgb) : rgb;
}

/**
 * The upright width and height of an image file, from its header alone (no
 * pixel is decoded): what a caller needs to estimate memory before decoding.
 * @throws {ImageError} naming the file, as {@link loadImageFile}.
 * @example const { width, height } = await readImageFileSize('photo.jpg');
 */
export async function readImageFileSize(path: string): Promise<{ width: number; height: number }> {
  await checkFile(path);
  const meta = await readHeader(path);
  return meta.orientation !== undefined && meta.orientation >= 5 ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
}

/** Distinguishes "missing", "a folder" and "empty" before sharp lumps them into "unsupported format". */
async function checkFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'cannot read the file (permission denied)' : `cannot read the file (${String(err)})`;
    throw new ImageError(path, problem, { cause: err });
  }
  if (info.isDirectory()) throw new ImageError(path, 'is a directory, not an image file');
  if (info.size === 0) throw new ImageError(path, 'empty file (0 bytes)');
}

/** Width, height and format from the header alone; no pixel data is decoded. */
async function readHeader(path: string): Promise<{ width: number; height: number; format: string; orientation?: number }> {
  let meta;
  try {
    // limitInputPixels: false, or sharp itself refuses huge headers with a message that names neither the file nor the size.
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (err) {
    const message = sharpReason(err);
    if (message.includes('unsupported image format')) {
      throw new ImageError(path, `not a supported image (${SUPPORTED}); the file starts with ${await describeStart(path)}`, { cause: err });
    }
    throw new ImageError(path, `corrupt or truncated image header (${message})`, { cause: err });
  }
  const { width, height, format, orientation } = meta;
  if (width === undefined || height === undefined || width <= 0 || height <= 0) {
    throw new ImageError(path, `corrupt image: the ${format.toUpperCase()} header gives no usable size`);
  }
  return { width, height, format, ...(orientation !== undefined ? { orientation } : {}) };
}

async function decodeRgb(path: string, format: string, size: readonly number[] | undefined, maxPixels: number, crop?: ReturnType<typeof coverCrop>): Promise<ImageData8> {
  // failOn 'error': refuse truncated and broken data, but accept files whose decoder only warns
  // (e.g. "extraneous bytes before marker", common in phone JPEGs) since their pixels are fine.
  let pipeline = sharp(path, { failOn: 'error', limitInputPixels: maxPixels === Infinity ? false : maxPixels })
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha();
  // extract before resize cuts from the upright source: the same crop, then the same resize, as decodeImage in a browser.
  if (crop) pipeline = pipeline.extract(crop);
  if (size !== undefined) {
    const [height, width] = size as [number, number];
    pipeline = pipeline.resize({ width, height, fit: 'fill', kernel: 'linear', fastShrinkOnLoad: false });
  }
  let result;
  try {
    result = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageError(path, `corrupt or truncated ${format.toUpperCase()} image (${sharpReason(err)})`, { cause: err });
  }
  const { data, info } = result;
  if (info.channels !== 3) {
    throw new ImageError(path, `cannot convert this ${format.toUpperCase()} image to RGB: got ${info.channels} channels`);
  }
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The first bytes, as text when printable (an HTML page, a Git LFS pointer), else as hex. */
async function describeStart(path: string): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(24), 0, 24, 0);
      return describeImageStart(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return 'bytes that could not be read';
  }
}

/** sharp's (libvips's) message on one line, without a dangling colon. */
function sharpReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').trim().replace(/:$/, '');
}
