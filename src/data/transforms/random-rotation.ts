import { rotateImage } from './affine.js';
import type { Interpolation } from './resize.js';
import { withSpec, type Transform } from './transform.js';
import { fillPerChannel, symmetricRange, uniform } from './util.js';

/** Options of {@link randomRotation}. */
export interface RandomRotationOptions {
  /** Default `'bilinear'` (torchvision's default is `'nearest'`). */
  interpolation?: Interpolation;
  /** Value of the corners that rotate in from outside, one or one per channel; default 0. */
  fill?: number | readonly number[];
  /** Centre of rotation [x, y] in pixels; default the image centre. */
  center?: readonly [number, number];
}

/**
 * torchvision's `RandomRotation(degrees, interpolation, expand=False, center, fill)`:
 * rotates counter-clockwise by an angle drawn uniformly from `[-degrees, degrees]`
 * (or `[min, max]`) about the centre; the output keeps the input size, the
 * corners are cut and the uncovered area gets `fill` (torchvision's masked
 * fill, see `affineImage`).
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @example const t = randomRotation(15);          // ±15°
 * @example const u = randomRotation([80, 100], { fill: 1 });
 */
export function randomRotation(degrees: number | readonly [number, number], options: RandomRotationOptions = {}): Transform {
  const [lo, hi] = symmetricRange(degrees, 'randomRotation', 'degrees');
  const fill = options.fill ?? 0;
  return withSpec((img, rng) => {
    const angle = uniform(rng, lo, hi);
    return rotateImage(img, angle, {
      interpolation: options.interpolation ?? 'bilinear',
      fill: fillPerChannel(fill, img.channels, 'randomRotation'),
      ...(options.center ? { center: options.center } : {}),
    });
  }, 'randomRotation', [degrees, options]);
}
