/**
 * The options every image loader takes (Node's `loadImageFile`, the
 * browser's `decodeImage`), and their checks. Platform-free.
 */

/** Options for `loadImageFile` and `decodeImage`. */
export interface LoadImageOptions {
  /** 1 for grayscale (luma), 3 for RGB. */
  channels: 1 | 3;
  /** Resize to exactly `[height, width]`, ignoring the aspect ratio, like torchvision's `Resize((h, w))`. */
  size?: readonly [height: number, width: number];
  /**
   * Refuse images with more pixels than this, before decoding any pixel data;
   * default 100e6. A decompression bomb (a few KB of PNG that claims
   * 50000 x 50000) would otherwise take gigabytes of memory. `Infinity` turns
   * the check off.
   */
  maxPixels?: number;
  /**
   * Channel order of a 3-channel result: `'rgb'` (default, as PIL and
   * torchvision load) or `'bgr'` (as OpenCV's `cv2.imread` loads, for models
   * trained on OpenCV-loaded images). Ignored for `channels: 1`: the luma is
   * computed from the true colours either way.
   */
  order?: 'rgb' | 'bgr';
}

/** The default for {@link LoadImageOptions.maxPixels}: 100 million pixels (a 10000 x 10000 photo). */
export const DEFAULT_MAX_PIXELS = 100e6;

/** Throws a RangeError naming `fn` for options out of range. */
export function checkLoadImageOptions(fn: string, options: LoadImageOptions): void {
  const { channels, size, order } = options;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (channels !== 1 && channels !== 3) throw new RangeError(`${fn}: channels is ${channels}; expected 1 or 3`);
  if (order !== undefined && order !== 'rgb' && order !== 'bgr') throw new RangeError(`${fn}: order is '${order}'; expected 'rgb' or 'bgr'`);
  if (size !== undefined && (size.length !== 2 || !size.every((n) => Number.isInteger(n) && n > 0))) {
    throw new RangeError(`${fn}: size is [${size.join(', ')}]; expected [height, width], two positive integers`);
  }
  if (!(maxPixels === Infinity || (Number.isInteger(maxPixels) && maxPixels > 0))) {
    throw new RangeError(`${fn}: maxPixels is ${maxPixels}; expected a positive integer or Infinity`);
  }
}

/** 400 → "400", 2.5e9 → "2.5e9", 1e8 → "1e8": exact, short for big numbers. */
export function formatPixelCount(n: number): string {
  return n < 1e6 ? String(n) : n.toExponential().replace('e+', 'e');
}
