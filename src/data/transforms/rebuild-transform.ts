import { ValueError } from '../../errors.js';
import { centerCrop } from './center-crop.js';
import { colorJitter } from './color-jitter.js';
import { compose } from './compose.js';
import { grayscale } from './grayscale.js';
import { normalize } from './normalize.js';
import { parseTransforms } from './parse-transforms.js';
import { randomAffine } from './random-affine.js';
import { randomCrop } from './random-crop.js';
import { randomHorizontalFlip } from './random-horizontal-flip.js';
import { randomResizedCrop } from './random-resized-crop.js';
import { randomRotation } from './random-rotation.js';
import { randomVerticalFlip } from './random-vertical-flip.js';
import { resize } from './resize.js';
import type { Transform, TransformSpec } from './transform.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the spec's arguments are checked by the factory itself */
type Factory = (...args: any[]) => Transform;

const FACTORIES: Readonly<Record<string, Factory>> = {
  compose: (...specs: TransformSpec[]) => compose(specs.map(rebuildTransform)),
  parseTransforms: (spec: string, size: { height: number; width: number }) => parseTransforms(spec, size).transform,
  normalize, grayscale, resize, centerCrop, randomCrop, randomHorizontalFlip, randomVerticalFlip,
  randomRotation, randomAffine, randomResizedCrop, colorJitter,
};

/**
 * Builds the transform a {@link TransformSpec} describes, by calling the
 * named factory with the spec's arguments: `rebuildTransform(t.spec)` gives
 * a transform that draws the same random parameters and returns the same
 * images as `t`. This is how a `DataLoader` worker thread gets its copy of
 * the loader's augmentation (functions cannot be sent between threads, plain
 * data can).
 *
 * @throws {ValueError} for a spec that is not `{ name, args }` or names no known factory.
 * @example
 * const t = parseTransforms('hflip,rotate:15', { height: 32, width: 32 }).transform;
 * const copy = rebuildTransform(JSON.parse(JSON.stringify(t.spec)));
 */
export function rebuildTransform(spec: TransformSpec): Transform {
  if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || !Array.isArray(spec.args)) {
    throw new ValueError(`rebuildTransform: expected a spec { name, args } (a transform's .spec), got ${JSON.stringify(spec)}`);
  }
  const factory = Object.hasOwn(FACTORIES, spec.name) ? FACTORIES[spec.name] : undefined;
  if (!factory) throw new ValueError(`rebuildTransform: no transform factory named '${spec.name}'; known: ${Object.keys(FACTORIES).join(', ')}`);
  return factory(...spec.args);
}
