import { ValueError } from '../../errors.js';
import type { Generator } from '../../util/random.js';
import { affineImage } from './affine.js';
import type { Interpolation } from './resize.js';
import { withSpec, type Transform } from './transform.js';
import { fillPerChannel, orderedPair, roundHalfEven, symmetricRange, uniform } from './util.js';

/** Options of {@link randomAffine}, torchvision's `RandomAffine` arguments. */
export interface RandomAffineOptions {
  /** Rotation range in degrees (clockwise): d gives [-d, d]; default 0 (no rotation). */
  degrees?: number | readonly [number, number];
  /** Largest shift as fractions of the size, [of width, of height], each in [0, 1]; default none. */
  translate?: readonly [number, number];
  /** Scale range [min, max], both > 0; default none (1). */
  scale?: readonly [number, number];
  /**
   * Shear in degrees: s gives x-shear in [-s, s]; [a, b] x-shear in [a, b];
   * [a, b, c, d] x-shear in [a, b] and y-shear in [c, d]. Default none.
   */
  shear?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Default `'bilinear'` (torchvision's default is `'nearest'`). */
  interpolation?: Interpolation;
  /** Value of the area that comes from outside the image; default 0. */
  fill?: number | readonly number[];
  /** Centre [x, y] in pixels; default the image centre. */
  center?: readonly [number, number];
}

/** The parameters one call of a random affine transform drew (for logs and tests). */
export interface AffineDraw {
  angle: number;
  translate: [number, number];
  scale: number;
  shear: [number, number];
}

/**
 * torchvision's `RandomAffine`: draws, in this order, the angle (uniform in
 * the degrees range), the translation (`tx = round(uniform(-dx, dx))` with
 * `dx = translate[0] * W`, then `ty` from the height: whole pixels, Python's
 * rounding), the scale (uniform in the range) and the shear (x, then y),
 * and applies them with `affineImage` (torchvision's inverse-affine-matrix
 * convention about the image centre). The output keeps the input size.
 *
 * Shape: `[C, H, W]` → `[C, H, W]`.
 *
 * @throws {ValueError} for translate fractions outside [0, 1], a non-positive scale, malformed ranges.
 * @example const t = randomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 5 });
 */
export function randomAffine(options: RandomAffineOptions = {}): Transform {
  const sample = affineSampler(options);
  const fill = options.fill ?? 0;
  return withSpec((img, rng) => {
    const p = sample(img.height, img.width, rng);
    return affineImage(img, {
      ...p, interpolation: options.interpolation ?? 'bilinear', fill: fillPerChannel(fill, img.channels, 'randomAffine'),
      ...(options.center ? { center: options.center } : {}),
    });
  }, 'randomAffine', [options]);
}

/**
 * The parameter sampling of {@link randomAffine} on its own, torchvision's
 * `RandomAffine.get_params`: returns a function drawing one {@link AffineDraw}
 * for an image of the given size.
 *
 * @example const draw = affineSampler({ degrees: 10 })(28, 28, new Generator(1));
 */
export function affineSampler(options: RandomAffineOptions): (height: number, width: number, rng: Generator) => AffineDraw {
  const degrees = symmetricRange(options.degrees ?? 0, 'randomAffine', 'degrees');
  const translate = options.translate;
  if (translate !== undefined && (translate.length !== 2 || !translate.every((t) => t >= 0 && t <= 1))) {
    throw new ValueError(`randomAffine: translate is [${translate.join(', ')}]; expected two fractions [of width, of height] in [0, 1]`);
  }
  const scale = options.scale === undefined ? undefined : orderedPair(options.scale, 'randomAffine', 'scale');
  if (scale && !(scale[0] > 0)) throw new ValueError(`randomAffine: scale is [${scale.join(', ')}]; scale factors must be positive`);
  const shear = shearRanges(options.shear);
  return (height, width, rng) => {
    const angle = uniform(rng, degrees[0], degrees[1]);
    let tx = 0;
    let ty = 0;
    if (translate) {
      const maxDx = translate[0] * width;
      const maxDy = translate[1] * height;
      tx = roundHalfEven(uniform(rng, -maxDx, maxDx)) || 0;
      ty = roundHalfEven(uniform(rng, -maxDy, maxDy)) || 0;
    }
    const s = scale ? uniform(rng, scale[0], scale[1]) : 1;
    const shx = shear ? uniform(rng, shear[0]!, shear[1]!) : 0;
    const shy = shear && shear.length === 4 ? uniform(rng, shear[2]!, shear[3]!) : 0;
    return { angle, translate: [tx, ty], scale: s, shear: [shx, shy] };
  };
}

function shearRanges(shear: RandomAffineOptions['shear']): number[] | null {
  if (shear === undefined) return null;
  if (typeof shear === 'number') return symmetricRange(shear, 'randomAffine', 'shear');
  if (shear.length === 2) return orderedPair(shear, 'randomAffine', 'shear');
  if (shear.length === 4) return [...orderedPair(shear.slice(0, 2), 'randomAffine', 'shear x'), ...orderedPair(shear.slice(2), 'randomAffine', 'shear y')];
  throw new ValueError(`randomAffine: shear has ${(shear as readonly number[]).length} values; expected a number, [min, max] or [xmin, xmax, ymin, ymax]`);
}
