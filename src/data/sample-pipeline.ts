/**
 * What happens to one example on its way into a batch: bytes → [0, 1] →
 * transform (seeded per sample) → normalised floats written into the
 * batch. Shared by the DataLoader's own thread and its worker threads, so
 * both give bit-identical batches.
 */
import { ShapeError, fmt } from '../errors.js';
import type { Generator } from '../util/random.js';
import type { ImageF32 } from '../vision/image-f32.js';
import type { Transform } from './transforms/transform.js';

/** Per-channel affine maps of the loader's `normalize`, plain data (sent to workers as is). */
export interface SampleNormalization {
  /** Bytes → normalised: `v * byteScale[c] + shift[c]` = `(v / 255 - mean) / std`. */
  byteScale: number[];
  /** [0, 1] → normalised: `v * floatScale[c] + shift[c]` = `(v - mean) / std`. */
  floatScale: number[];
  shift: number[];
}

/** The normalisation of `channels`-channel images under `normalize` (identity without it). */
export function sampleNormalization(channels: number, normalize?: { mean: readonly number[]; std: readonly number[] }): SampleNormalization {
  const mean = normalize?.mean ?? new Array<number>(channels).fill(0);
  const std = normalize?.std ?? new Array<number>(channels).fill(1);
  // Rounded to float32 as before, so batches are bit-identical to earlier versions.
  return {
    byteScale: Array.from(Float32Array.from(std, (s) => 1 / (255 * s))),
    floatScale: std.map((s) => 1 / s),
    shift: Array.from(Float32Array.from(mean, (m, i) => -m / std[i]!)),
  };
}

/**
 * The seed of the generator of the sample at `position` in an epoch whose
 * augmentation seed is `epochSeed`: depends on nothing else, so a sample is
 * augmented the same whichever thread builds it and in whatever order.
 */
export function sampleSeed(epochSeed: number, position: number): number {
  return (epochSeed ^ Math.imul(position + 1, 0x9e3779b1)) >>> 0;
}

/** Bytes (CHW) of `shape` → the transform's float image, its generator `rng` reseeded for `position`. */
export function augmentSample(bytes: Uint8Array, shape: readonly [number, number, number], transform: Transform, rng: Generator, epochSeed: number, position: number): ImageF32 {
  const [c, h, w] = shape;
  const img: ImageF32 = { channels: c, height: h, width: w, data: new Float32Array(c * h * w) };
  for (let p = 0; p < img.data.length; p++) img.data[p] = bytes[p]! / 255; // ToTensor()
  rng.manualSeed(sampleSeed(epochSeed, position));
  return transform(img, rng);
}

/** Writes a float image, normalised, as sample k of the batch `x` (whose samples have the image's size). */
export function writeFloatSample(x: Float32Array, k: number, img: ImageF32, norm: SampleNormalization): void {
  const plane = img.height * img.width;
  for (let ch = 0; ch < img.channels; ch++) {
    // (v - mean) / std == v * (1 / std) + shift
    const sc = norm.floatScale[ch]!, sh = norm.shift[ch]!;
    const off = (k * img.channels + ch) * plane;
    for (let p = 0; p < plane; p++) x[off + p] = img.data[ch * plane + p]! * sc + sh;
  }
}

/** Writes image bytes (CHW, `c` channels of `plane` pixels), normalised, as sample k of the batch `x`. */
export function writeByteSample(x: Float32Array, k: number, bytes: Uint8Array, c: number, plane: number, norm: SampleNormalization): void {
  for (let ch = 0; ch < c; ch++) {
    const sc = norm.byteScale[ch]!, sh = norm.shift[ch]!;
    const off = (k * c + ch) * plane;
    for (let p = 0; p < plane; p++) x[off + p] = bytes[ch * plane + p]! * sc + sh;
  }
}

/** Checks that a transform kept the channel count (normalize has one mean/std per input channel). */
export function checkChannels(out: ImageF32, inputChannels: number): void {
  if (out.channels !== inputChannels) {
    throw new ShapeError('DataLoader', `the transform turned ${inputChannels}-channel images into ${out.channels}-channel ones, but normalize has one mean/std per input channel`);
  }
}

/** Checks a transform's output against the batch's sample shape (`what` and `expectedWhat` name the two in the error). */
export function checkSampleShape(out: ImageF32, expected: readonly [number, number, number], what: string, expectedWhat: string): void {
  checkChannels(out, expected[0]);
  if (out.height !== expected[1] || out.width !== expected[2]) {
    throw new ShapeError('DataLoader', `the transform gave ${what} the shape ${fmt([out.channels, out.height, out.width])} but ${expectedWhat} ${fmt(expected)}; all samples of a batch need one shape`);
  }
}
