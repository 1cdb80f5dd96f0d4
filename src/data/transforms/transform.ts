/**
 * The shape of every image transform: a function of a float CHW image and a
 * seeded random generator, torchvision's transforms as plain functions.
 */
import type { Generator } from '../../tensor/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';

/**
 * An image transform: takes a float CHW image and the generator to draw its
 * random parameters from, returns a new image (inputs are never modified).
 * Deterministic transforms ignore `rng`. Under the same generator state the
 * same transform gives the same output, so augmented runs are reproducible.
 *
 * Shape: `[C, H, W]` → `[C', H', W']` (most keep the shape; `resize`, the
 * crops and `grayscale` change it as documented on each).
 *
 * @example
 * const t: Transform = compose(randomHorizontalFlip(0.5), randomRotation(15));
 * const out = t(img, new Generator(1));
 */
export type Transform = (img: ImageF32, rng: Generator) => ImageF32;
