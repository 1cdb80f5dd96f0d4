/**
 * Resizing float CHW images: torchvision's `Resize` / `F.resize` on tensors
 * with `antialias=False` (plain bilinear interpolation, `align_corners=False`).
 */
import { ValueError } from '../../errors.js';
import { checkImageF32, type ImageF32 } from '../../vision/image-f32.js';
import { withSpec, type Transform } from './transform.js';

/** `'bilinear'` (default) or `'nearest'`, as torchvision's `InterpolationMode`. */
export type Interpolation = 'bilinear' | 'nearest';

/**
 * Resamples `img` to exactly `[height, width]`, as PyTorch's
 * `F.interpolate(x, size, mode='bilinear', align_corners=False)`: output
 * pixel centres are mapped onto the input, `src = (dst + 0.5) * in / out - 0.5`
 * (clamped at 0), and the four neighbours blended. No antialiasing, so
 * shrinking by more than 2x skips pixels (pass the image through a blur first
 * if that matters). `'nearest'` takes `floor(dst * in / out)`, torch's legacy nearest.
 *
 * Shape: `[C, H, W]` → `[C, height, width]`.
 *
 * @throws {ValueError} for sizes that are not positive integers, or an empty input.
 * @example const small = resizeImage(img, [32, 32]);
 */
export function resizeImage(img: ImageF32, size: readonly [number, number], interpolation: Interpolation = 'bilinear'): ImageF32 {
  checkImageF32(img, 'resize');
  const [oh, ow] = size;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 1 || ow < 1) throw new ValueError(`resize: size is [${size.join(', ')}]; expected two positive integers [height, width]`);
  if (img.height === 0 || img.width === 0) throw new ValueError(`resize: cannot resize an empty ${img.height}x${img.width} image`);
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') throw new ValueError(`resize: interpolation is '${String(interpolation)}'; expected 'bilinear' or 'nearest'`);
  if (oh === img.height && ow === img.width) return { ...img, data: img.data.slice() };
  const { channels, height: ih, width: iw, data } = img;
  const ys = axis(ih, oh, interpolation);
  const xs = axis(iw, ow, interpolation);
  const out = new Float32Array(channels * oh * ow);
  for (let c = 0; c < channels; c++) {
    const plane = c * ih * iw;
    for (let y = 0; y < oh; y++) {
      const r0 = plane + ys.i0[y]! * iw;
      const r1 = plane + ys.i1[y]! * iw;
      const wy1 = ys.w1[y]!;
      const wy0 = 1 - wy1;
      const dst = (c * oh + y) * ow;
      for (let x = 0; x < ow; x++) {
        const x0 = xs.i0[x]!;
        const x1 = xs.i1[x]!;
        const wx1 = xs.w1[x]!;
        const wx0 = 1 - wx1;
        out[dst + x] = wy0 * (wx0 * data[r0 + x0]! + wx1 * data[r0 + x1]!) + wy1 * (wx0 * data[r1 + x0]! + wx1 * data[r1 + x1]!);
      }
    }
  }
  return { channels, height: oh, width: ow, data: out };
}

/** Per output index along one axis: the two source indices and the weight of the second. */
function axis(inSize: number, outSize: number, interpolation: Interpolation): { i0: Int32Array; i1: Int32Array; w1: Float64Array } {
  const scale = inSize / outSize;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float64Array(outSize);
  for (let d = 0; d < outSize; d++) {
    if (interpolation === 'nearest') {
      i0[d] = i1[d] = Math.min(Math.floor(d * scale), inSize - 1);
      continue;
    }
    const src = Math.max(0, scale * (d + 0.5) - 0.5);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[d] = lo;
    i1[d] = lo < inSize - 1 ? lo + 1 : lo;
    w1[d] = src - lo;
  }
  return { i0, i1, w1 };
}

/**
 * The output size of torchvision's `Resize(size)`: `[h, w]` as given, or for
 * a single number the shorter side becomes `size` and the longer one
 * `floor(size * long / short)`, keeping the aspect ratio.
 *
 * @example resizedSize(160, 240, 32); // [32, 48]
 */
export function resizedSize(height: number, width: number, size: number | readonly [number, number]): [number, number] {
  if (typeof size !== 'number') return [size[0], size[1]];
  if (!Number.isInteger(size) || size < 1) throw new ValueError(`resize: size is ${size}; expected a positive integer (the shorter side) or [height, width]`);
  if (width <= height) return [Math.floor((size * height) / width), size];
  return [size, Math.floor((size * width) / height)];
}

/**
 * torchvision's `Resize(size)`: `[height, width]`, or a single number for
 * the shorter side (the aspect ratio kept); bilinear, no antialiasing (see {@link resizeImage}).
 *
 * Shape: `[C, H, W]` → `[C, h, w]` as above.
 *
 * @example
 * const t = resize([64, 64]);   // squash to 64x64
 * const s = resize(64);         // shorter side 64: 160x240 → 64x96
 */
export function resize(size: number | readonly [number, number], options: { interpolation?: Interpolation } = {}): Transform {
  if (typeof size === 'number') resizedSize(1, 1, size);
  else if (size.length !== 2 || !size.every((v) => Number.isInteger(v) && v > 0)) throw new ValueError(`resize: size is [${size.join(', ')}]; expected two positive integers [height, width]`);
  const interpolation = options.interpolation ?? 'bilinear';
  return withSpec((img) => resizeImage(img, resizedSize(img.height, img.width, size), interpolation), 'resize', [size, options]);
}
