/**
 * The options every image loader takes (Node's `loadImageFile`, the
 * browser's `decodeImage`), and their checks. Platform-free.
 */
import { roundHalfEven } from './round.js';

/** Options for `loadImageFile` and `decodeImage`. */
export interface LoadImageOptions {
  /** 1 for grayscale (luma), 3 for RGB. */
  channels: 1 | 3;
  /** Resize to exactly `[height, width]`; `fit` says whether the aspect ratio is kept. */
  size?: readonly [height: number, width: number];
  /**
   * How `size` is reached (ignored without `size`):
   * - `'fill'` (default): stretched to `[height, width]`, the aspect ratio not
   *   kept, like torchvision's `Resize((h, w))`.
   * - `'cover'`: the largest centred region of the target's aspect ratio is
   *   cut out and resized, so nothing is distorted and the borders of the
   *   longer side are lost, like torchvision's `Resize(min(h, w))` followed
   *   by `CenterCrop((h, w))`: the usual way to feed photos to an ImageNet
   *   network.
   */
  fit?: ImageFit;
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

/** {@link LoadImageOptions.fit}: stretch to the size, or keep the aspect ratio and crop the centre. */
export type ImageFit = 'fill' | 'cover';

/** The values of {@link ImageFit}. */
export const IMAGE_FITS: readonly ImageFit[] = ['fill', 'cover'];

/**
 * The centred region of a `width` x `height` image with the aspect ratio of
 * `size`, cut out before resizing for `fit: 'cover'` (torchvision's
 * CenterCrop rounding).
 * @example coverCrop(300, 160, [224, 224]) // { left: 70, top: 0, width: 160, height: 160 }
 */
export function coverCrop(width: number, height: number, size: readonly [number, number]): { left: number; top: number; width: number; height: number } {
  const [oh, ow] = size;
  // Wider than the target: keep the full height; else keep the full width.
  const cw = width * oh > ow * height ? Math.max(1, Math.min(width, Math.round((height * ow) / oh))) : width;
  const ch = width * oh > ow * height ? height : Math.max(1, Math.min(height, Math.round((width * oh) / ow)));
  return { left: roundHalfEven((width - cw) / 2), top: roundHalfEven((height - ch) / 2), width: cw, height: ch };
}

/** The default for {@link LoadImageOptions.maxPixels}: 100 million pixels (a 10000 x 10000 photo). */
export const DEFAULT_MAX_PIXELS = 100e6;

/** Throws a RangeError naming `fn` for options out of range. */
export function checkLoadImageOptions(fn: string, options: LoadImageOptions): void {
  const { channels, size, order, fit } = options;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (channels !== 1 && channels !== 3) throw new RangeError(`${fn}: channels is ${channels}; expected 1 or 3`);
  if (order !== undefined && order !== 'rgb' && order !== 'bgr') throw new RangeError(`${fn}: order is '${order}'; expected 'rgb' or 'bgr'`);
  if (fit !== undefined && !IMAGE_FITS.includes(fit)) throw new RangeError(`${fn}: fit is '${fit}'; expected ${IMAGE_FITS.map((f) => `'${f}'`).join(' or ')}`);
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
