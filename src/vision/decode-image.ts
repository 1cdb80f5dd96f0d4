/**
 * Decoding images in the browser (page or Web Worker) behind the same
 * options and result as Node's `loadImageFile`: the browser's own decoders
 * (`createImageBitmap`) and a canvas give the pixels; the size check, the
 * resize, the luma and the channel order are fovea's own, shared with Node.
 * Platform-free: imports nothing from Node.
 */
import { FoveaError } from '../errors.js';
import { ImageError } from './image-error.js';
import { describeImageStart, readImageHeader } from './image-header.js';
import type { ImageData8 } from './image.js';
import { checkLoadImageOptions, coverCrop, DEFAULT_MAX_PIXELS, formatPixelCount, type LoadImageOptions } from './load-image-options.js';
import { resizeImage8 } from './resize-image8.js';
import { rgbToLuma8, swapRedBlue8 } from './rgb8-conversions.js';

/** Options for {@link decodeImage}: those of `loadImageFile`, plus a name for messages. */
export interface DecodeImageOptions extends LoadImageOptions {
  /** Names the image in error messages (default: a File's name, else `'image bytes'`). */
  name?: string;
}

// The header of a JPEG may follow up to 64 KB of EXIF and more of ICC profile.
const HEADER_BYTES = 1 << 18;

/**
 * Decodes image bytes (PNG, JPEG, WebP, GIF, BMP, and whatever else the
 * browser reads, such as AVIF) into 8-bit pixels, with the options and in
 * the layout of Node's `loadImageFile`, so a model sees the same input in
 * the page as in a Node script:
 * 1. Reads the size from the header (PNG, JPEG, WebP, GIF, BMP) and refuses
 *    images above `maxPixels` before decoding; for other formats the check
 *    runs right after decoding.
 * 2. Decodes with `createImageBitmap(..., { imageOrientation: 'from-image' })`:
 *    the EXIF orientation is applied, so a portrait phone photo is upright.
 * 3. Draws onto white, flattening transparency as `loadImageFile` does, and
 *    reads back sRGB.
 * 4. Resizes to `size` if given, as sharp's linear kernel does
 *    ({@link resizeImage8}); 5. luma for `channels: 1` (PIL's weights);
 *    6. BGR for `order: 'bgr'`.
 *
 * Compared with sharp in Node: PNG and lossless WebP pixels are identical,
 * resized ones within 1 level; JPEG decoders differ slightly (a few levels),
 * and more when shrinking a JPEG 4x or more, where sharp decodes at a
 * reduced DCT scale.
 *
 * Shape: the result is `[height, width, channels]` bytes (HWC), where
 * `[height, width]` is `size` or the oriented image's size.
 *
 * @throws {ImageError} naming the image, when it is empty, not an image or
 *   corrupt, or too large.
 * @throws {FoveaError} on a platform without `createImageBitmap` and a canvas (Node: use `loadImageFile`).
 * @example
 * const file = input.files[0];   // <input type="file">
 * const img = await decodeImage(file, { channels: 3, size: [224, 224] });
 * const x = imageToTensorData(img, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
 */
export async function decodeImage(input: Uint8Array | ArrayBuffer | Blob, options: DecodeImageOptions): Promise<ImageData8> {
  checkLoadImageOptions('decodeImage', options);
  const name = options.name ?? (typeof File === 'function' && input instanceof File && input.name ? input.name : 'image bytes');
  if (typeof createImageBitmap !== 'function' || (typeof OffscreenCanvas !== 'function' && typeof document === 'undefined')) {
    throw new FoveaError('decodeImage needs a browser (createImageBitmap and a canvas); in Node use loadImageFile from fovea/node');
  }
  const blob = input instanceof Blob ? input : new Blob([input instanceof Uint8Array ? input.slice() : input]);
  if (blob.size === 0) throw new ImageError(name, 'empty file (0 bytes)');
  const head = new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer());
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = readImageHeader(head);
  if (header) checkPixels(name, header.width, header.height, maxPixels);

  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'default' });
  } catch (err) {
    const what = header ? `corrupt or truncated ${header.format.toUpperCase()} image` : 'not a supported image (PNG, JPEG, WebP, GIF, BMP, or another format this browser decodes)';
    throw new ImageError(name, `${what}; the file starts with ${describeImageStart(head)}`, { cause: err });
  }
  let rgb: ImageData8;
  try {
    if (!header) checkPixels(name, bitmap.width, bitmap.height, maxPixels);
    rgb = drawOnWhite(bitmap);
  } finally {
    bitmap.close();
  }
  if (options.size) {
    if (options.fit === 'cover') rgb = cropImage8(rgb, coverCrop(rgb.width, rgb.height, options.size));
    rgb = resizeImage8(rgb, options.size);
  }
  if (options.channels === 1) return rgbToLuma8(rgb);
  return options.order === 'bgr' ? swapRedBlue8(rgb) : rgb;
}

/** The `width` x `height` region of `img` at (`left`, `top`). */
function cropImage8(img: ImageData8, r: { left: number; top: number; width: number; height: number }): ImageData8 {
  const c = img.channels;
  const data = new Uint8Array(r.width * r.height * c);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.top + y) * img.width + r.left) * c;
    data.set(img.data.subarray(from, from + r.width * c), y * r.width * c);
  }
  return { width: r.width, height: r.height, channels: img.channels, data };
}

function checkPixels(name: string, width: number, height: number, maxPixels: number): void {
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new ImageError(name, `${width} x ${height} = ${formatPixelCount(pixels)} pixels exceeds the limit of ${formatPixelCount(maxPixels)}; raise maxPixels to allow it`);
  }
}

/** The bitmap drawn over white (transparency flattened as sharp's `flatten`), as RGB bytes. */
function drawOnWhite(bitmap: ImageBitmap): ImageData8 {
  const { width, height } = bitmap;
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new FoveaError('decodeImage: this browser gave no 2D canvas context');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(bitmap, 0, 0);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
    data[j] = rgba[i]!;
    data[j + 1] = rgba[i + 1]!;
    data[j + 2] = rgba[i + 2]!;
  }
  return { width, height, channels: 3, data };
}
