/**
 * Resizing 8-bit images the way sharp (libvips `resize`, `kernel: 'linear'`)
 * does when `loadImageFile` loads a file at a given size, so that the
 * browser's `decodeImage` gives the same pixels. Platform-free.
 */
import type { ImageData8 } from './image.js';

/** One axis of a separable resampling: for each output pixel, the first source pixel, how many, and their weights. */
interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  w: Float64Array;
  stride: number;
}

/**
 * Resizes `img` to exactly `[height, width]` (the aspect ratio is not kept)
 * as sharp does with its linear kernel (within one level, at most two when
 * shrinking, where the sums are rounded in another order):
 * 1. Every axis that shrinks by `s = in / out` is reduced: a box average of
 *    `k = floor(s / 2)` pixels when that is 2 or more (libvips's "gap"),
 *    then a triangle filter of radius `s / k` around each output pixel's
 *    centre, pixels beyond the edge repeating the edge one. So every source
 *    pixel counts (no aliasing).
 * 2. If any axis grows, both axes are then resampled bilinearly at
 *    `d * in / out - 0.5` (libvips's affine with a half-pixel input
 *    displacement), which shifts an axis that keeps its size by half a pixel,
 *    exactly as sharp does.
 *
 * Shape: `[H, W, C]` bytes → `[height, width, C]` bytes.
 *
 * @throws {RangeError} for a size that is not two positive integers, or an empty image.
 * @example const small = resizeImage8(photo, [128, 128]);
 */
export function resizeImage8(img: ImageData8, size: readonly [number, number]): ImageData8 {
  const [oh, ow] = size;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 1 || ow < 1) throw new RangeError(`resizeImage8: size is [${size.join(', ')}]; expected two positive integers [height, width]`);
  const { width: iw, height: ih } = img;
  if (iw < 1 || ih < 1) throw new RangeError(`resizeImage8: cannot resize an empty ${iw}x${ih} image`);
  if (oh === ih && ow === iw) return { ...img, data: img.data.slice() };
  let out = img;
  if (oh < ih || ow < iw) out = separable(out, oh < ih ? reduceWeights(ih, oh) : null, ow < iw ? reduceWeights(iw, ow) : null);
  if (oh > ih || ow > iw) out = separable(out, interpolateWeights(out.height, oh), interpolateWeights(out.width, ow));
  return out;
}

/** Resamples rows then columns with the given weights (null: the axis is kept), rounding to bytes at the end. */
function separable(img: ImageData8, ys: AxisWeights | null, xs: AxisWeights | null): ImageData8 {
  const { width: iw, height: ih, channels: c, data } = img;
  const ow = xs ? xs.first.length : iw, oh = ys ? ys.first.length : ih;
  // along x first: [ih, ow, c] floats
  const mid = new Float32Array(ih * ow * c);
  for (let y = 0; y < ih; y++) {
    for (let x = 0; x < ow; x++) {
      const first = xs ? xs.first[x]! : x, n = xs ? xs.count[x]! : 1, w0 = xs ? x * xs.stride : 0;
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += (xs ? xs.w[w0 + k]! : 1) * data[(y * iw + first + k) * c + ch]!;
        mid[(y * ow + x) * c + ch] = acc;
      }
    }
  }
  const row = ow * c;
  const out = new Uint8Array(oh * row);
  for (let y = 0; y < oh; y++) {
    const first = ys ? ys.first[y]! : y, n = ys ? ys.count[y]! : 1, w0 = ys ? y * ys.stride : 0;
    for (let i = 0; i < row; i++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += (ys ? ys.w[w0 + k]! : 1) * mid[(first + k) * row + i]!;
      out[y * row + i] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return { width: ow, height: oh, channels: c, data: out };
}

/** Shrinking `inSize` → `outSize`: box average of k pixels (k = floor(s / 2) if >= 2), then a triangle of radius s / k; edges repeat. */
function reduceWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const box = scale >= 4 ? Math.floor(scale / 2) : 1;
  const boxed = Math.ceil(inSize / box); // length after the box average (the last box repeats the edge pixel)
  const support = scale / box;
  const stride = (Math.ceil(support) * 2 + 2) * box;
  const first = new Int32Array(outSize), count = new Int32Array(outSize), w = new Float64Array(outSize * stride);
  for (let d = 0; d < outSize; d++) {
    const centre = (d + 0.5) * support - 0.5; // in box units
    const j0 = Math.ceil(centre - support), j1 = Math.floor(centre + support);
    const clampJ = (j: number): number => Math.max(0, Math.min(boxed - 1, j));
    const lo = clampJ(j0) * box, hi = Math.min(inSize - 1, (clampJ(j1) + 1) * box - 1);
    let sum = 0;
    for (let j = j0; j <= j1; j++) {
      const t = 1 - Math.abs(j - centre) / support;
      if (t <= 0) continue;
      const jj = clampJ(j);
      for (let s = jj * box; s < (jj + 1) * box; s++) w[d * stride + Math.min(s, inSize - 1) - lo]! += t / box;
      sum += t;
    }
    for (let k = 0; k <= hi - lo; k++) w[d * stride + k]! /= sum;
    first[d] = lo;
    count[d] = hi - lo + 1;
  }
  return { first, count, w, stride };
}

/** Growing (or keeping) `inSize` → `outSize`: linear interpolation at d * in / out - 0.5, edges repeating. */
function interpolateWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const first = new Int32Array(outSize), count = new Int32Array(outSize), w = new Float64Array(outSize * 2);
  for (let d = 0; d < outSize; d++) {
    const src = Math.max(0, Math.min(inSize - 1, d * scale - 0.5));
    const lo = Math.min(Math.floor(src), inSize - 1);
    const f = src - lo;
    first[d] = lo;
    count[d] = lo + 1 < inSize ? 2 : 1;
    w[d * 2] = count[d] === 2 ? 1 - f : 1;
    w[d * 2 + 1] = count[d] === 2 ? f : 0;
  }
  return { first, count, w, stride: 2 };
}
