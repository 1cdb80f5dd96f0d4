import { checkImageF32 } from '../../vision/image-f32.js';
import { cropImage } from './geometry.js';
import { resizeImage, type Interpolation } from './resize.js';
import { withSpec, type Transform } from './transform.js';
import { orderedPair, roundHalfEven, sizePair, uniform } from './util.js';
import { ValueError } from '../../errors.js';

/** Options of {@link randomResizedCrop}. */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's; default [0.08, 1]. */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio width / height (drawn log-uniformly); default [3/4, 4/3]. */
  ratio?: readonly [number, number];
  /** Default `'bilinear'`. */
  interpolation?: Interpolation;
}

/**
 * torchvision's `RandomResizedCrop(size, scale, ratio)` (the Inception
 * crop): up to 10 tries to draw a window with area `uniform(scale) * H * W`
 * and aspect ratio `exp(uniform(log(ratio)))` that fits, at a random
 * position; else the central crop clamped to the ratio range; then resized
 * (bilinear, no antialiasing) to `[height, width]`.
 *
 * Shape: `[C, H, W]` → `[C, height, width]`.
 *
 * @example const t = randomResizedCrop(64, { scale: [0.5, 1] });
 */
export function randomResizedCrop(size: number | readonly [number, number], options: RandomResizedCropOptions = {}): Transform {
  const out = sizePair(size, 'randomResizedCrop');
  const [smin, smax] = orderedPair(options.scale ?? [0.08, 1], 'randomResizedCrop', 'scale');
  const [rmin, rmax] = orderedPair(options.ratio ?? [3 / 4, 4 / 3], 'randomResizedCrop', 'ratio');
  if (!(smin > 0) || !(rmin > 0)) throw new ValueError(`randomResizedCrop: scale [${smin}, ${smax}] and ratio [${rmin}, ${rmax}] must be positive`);
  const logRatio = [Math.log(rmin), Math.log(rmax)] as const;
  return withSpec((img, rng) => {
    checkImageF32(img, 'randomResizedCrop');
    const { height, width } = img;
    const area = height * width;
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * uniform(rng, smin, smax);
      const aspect = Math.exp(uniform(rng, logRatio[0], logRatio[1]));
      const w = roundHalfEven(Math.sqrt(targetArea * aspect));
      const h = roundHalfEven(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const top = rng.randint(height - h + 1);
        const left = rng.randint(width - w + 1);
        return resizeImage(cropImage(img, top, left, h, w), out, options.interpolation ?? 'bilinear');
      }
    }
    // Fallback: the central crop, clamped to the ratio range.
    const inRatio = width / height;
    let w = width;
    let h = height;
    if (inRatio < rmin) h = roundHalfEven(w / rmin);
    else if (inRatio > rmax) w = roundHalfEven(h * rmax);
    return resizeImage(cropImage(img, (height - h) >> 1, (width - w) >> 1, h, w), out, options.interpolation ?? 'bilinear');
  }, 'randomResizedCrop', [size, options]);
}
