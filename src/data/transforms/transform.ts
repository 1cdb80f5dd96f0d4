/**
 * The shape of every image transform: a function of a float CHW image and a
 * seeded random generator, torchvision's transforms as plain functions.
 */
import type { Generator } from '../../util/random.js';
import type { ImageF32 } from '../../vision/image-f32.js';

/**
 * How to build a transform again elsewhere (in a DataLoader worker thread,
 * from a config file): the name of the factory that made it and its
 * arguments, plain data only (numbers, strings, arrays, objects, nested
 * specs). `rebuildTransform(spec)` calls that factory again.
 *
 * @example
 * randomRotation(15, { fill: 0 }).spec; // { name: 'randomRotation', args: [15, { fill: 0 }] }
 */
export interface TransformSpec {
  readonly name: string;
  readonly args: readonly unknown[];
}

/**
 * An image transform: takes a float CHW image and the generator to draw its
 * random parameters from, returns a new image (inputs are never modified).
 * Deterministic transforms ignore `rng`. Under the same generator state the
 * same transform gives the same output, so augmented runs are reproducible.
 *
 * Every transform made by fovea's factories (`compose`, `parseTransforms`,
 * `randomCrop`, ...) carries a `spec` that rebuilds it; a hand-written
 * function has none, so it runs only in the thread that made it
 * (`DataLoader` with `numWorkers: 0`).
 *
 * Shape: `[C, H, W]` → `[C', H', W']` (most keep the shape; `resize`, the
 * crops and `grayscale` change it as documented on each).
 *
 * @example
 * const t: Transform = compose(randomHorizontalFlip(0.5), randomRotation(15));
 * const out = t(img, new Generator(1));
 */
export type Transform = ((img: ImageF32, rng: Generator) => ImageF32) & { readonly spec?: TransformSpec };

/**
 * Attaches the spec that rebuilds `fn` (the factory's name and arguments)
 * and returns `fn`. For factories: `return withSpec((img, rng) => ..., 'randomCrop', [size, options])`.
 */
export function withSpec(fn: (img: ImageF32, rng: Generator) => ImageF32, name: string, args: readonly unknown[]): Transform {
  let copy: unknown[];
  try {
    // a copy: the spec must not change when the caller later mutates its options object
    copy = structuredClone([...args]);
  } catch {
    return fn; // an argument that is not plain data (a function): no spec, this thread only
  }
  // configurable: parseTransforms replaces the spec compose gave its chain with the shorter list
  return Object.defineProperty(fn, 'spec', { value: Object.freeze({ name, args: Object.freeze(copy) }), enumerable: true, configurable: true });
}
