/**
 * Small helpers shared by the transforms (not exported from the package):
 * torch-style random draws, Python's rounding, option checks.
 */
import { ValueError } from '../../errors.js';
import type { Generator } from '../../util/random.js';

/** Uniform in [low, high), torch's `uniform_(low, high)`. */
export function uniform(rng: Generator, low: number, high: number): number {
  return low + (high - low) * rng.random();
}

export { roundHalfEven } from '../../vision/round.js';

/**
 * torchvision's `_setup_angle` / range arguments: a number v gives [-v, v]
 * (v must be >= 0), a pair [a, b] is taken as is (a <= b).
 */
export function symmetricRange(value: number | readonly [number, number], op: string, name: string): [number, number] {
  if (typeof value === 'number') {
    if (!(value >= 0) || !Number.isFinite(value)) throw new ValueError(`${op}: ${name} is ${value}; a single number must be finite and non-negative (it gives the range [-${name}, ${name}])`);
    return [-value, value];
  }
  return orderedPair(value, op, name);
}

/** A finite pair [a, b] with a <= b. */
export function orderedPair(value: readonly number[], op: string, name: string): [number, number] {
  const [a, b] = value;
  if (value.length !== 2 || a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || a > b) {
    throw new ValueError(`${op}: ${name} is [${value.join(', ')}]; expected two finite numbers [min, max] with min <= max`);
  }
  return [a, b];
}

/** A fill value per channel: one number for all, or one per channel. */
export function fillPerChannel(fill: number | readonly number[], channels: number, op: string): number[] {
  const values = typeof fill === 'number' ? new Array<number>(channels).fill(fill) : [...fill];
  if (values.length === 1 && channels > 1) return new Array<number>(channels).fill(values[0]!);
  if (values.length !== channels) throw new ValueError(`${op}: fill has ${values.length} values but the image has ${channels} channels; give one value or one per channel`);
  if (!values.every(Number.isFinite)) throw new ValueError(`${op}: fill [${values.join(', ')}] must be finite numbers`);
  return values;
}

/** `size` as [height, width]: a number n gives [n, n]. */
export function sizePair(size: number | readonly [number, number], op: string): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  if (h === undefined || w === undefined || !Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1 || (typeof size !== 'number' && size.length !== 2)) {
    throw new ValueError(`${op}: size is ${JSON.stringify(size)}; expected a positive integer or [height, width]`);
  }
  return [h, w];
}

/** A probability in [0, 1]. */
export function probability(p: number, op: string): number {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${op}: p is ${p}; expected a probability in [0, 1]`);
  return p;
}
