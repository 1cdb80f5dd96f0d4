/**
 * `filter2d`: a kernel slid over an image, OpenCV's `cv2.filter2D`: a
 * correlation (the kernel is NOT flipped, as in a CNN's convolution layer),
 * the same output size as the input, each channel on its own, and the
 * pixels beyond the edge made up by a border mode.
 */
import { ShapeError, ValueError, fmt } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { borderInterpolate, type BorderMode } from './border.js';
import { checkImageF32, type ImageF32 } from './image-f32.js';
import { checkKernel, type Kernel } from './kernel.js';

/** Options of {@link filter2d}. */
export interface Filter2dOptions {
  /** How pixels beyond the edge are made up; default `'reflect101'` (OpenCV's `BORDER_DEFAULT`). */
  border?: BorderMode;
  /** The value of every outside pixel for `border: 'constant'`; default 0. */
  value?: number;
  /**
   * The kernel cell that lies over the output pixel, as OpenCV's
   * `anchor=(x, y)`: `[column, row]`. Default the kernel's centre,
   * `[floor(kW / 2), floor(kH / 2)]` (for a 4x4 kernel, `[2, 2]`).
   */
  anchor?: readonly [x: number, y: number];
}

/**
 * Filters an image with a 2-D kernel, as `cv2.filter2D(src, -1, kernel,
 * anchor, 0, borderType)` does on float images:
 *
 * `out(y, x) = Σ_{i, j} kernel[i][j] * src(y + i - anchorY, x + j - anchorX)`
 *
 * It is a correlation, like PyTorch's `conv2d`; flip the kernel both ways for
 * a textbook convolution. Sums are taken in float64 and stored as float32.
 * Not recorded for autograd; use `F.conv2d` inside a model.
 *
 * Accepts a float CHW image ({@link ImageF32}, each channel filtered on its
 * own), a Tensor of shape `[H, W]`, `[C, H, W]` or `[N, C, H, W]` (each
 * `[H, W]` plane filtered), or a 2-D array of numbers; returns the same kind.
 *
 * Shape: same as the input (no cropping, no padding added to the output).
 *
 * @throws {ValueError} for a kernel that is not a non-empty rectangular array
 *   of finite numbers, or an anchor outside it.
 * @example
 * const edges = filter2d(gray, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]);            // Sobel x
 * const padded = filter2d([[1, 2], [3, 4]], [[1, 1]], { border: 'constant' });  // [[1, 3], [3, 7]]
 */
export function filter2d(image: ImageF32, kernel: Kernel, options?: Filter2dOptions): ImageF32;
export function filter2d(image: Tensor, kernel: Kernel, options?: Filter2dOptions): Tensor;
export function filter2d(image: readonly (readonly number[])[], kernel: Kernel, options?: Filter2dOptions): number[][];
export function filter2d(
  image: ImageF32 | Tensor | readonly (readonly number[])[],
  kernel: Kernel,
  options: Filter2dOptions = {},
): ImageF32 | Tensor | number[][] {
  const k = resolveKernel(kernel, options);
  if (image instanceof Tensor) {
    if (image.ndim < 2 || image.ndim > 4) throw new ShapeError('filter2d', `expected a tensor of shape [H, W], [C, H, W] or [N, C, H, W], got ${fmt(image.shape)}`);
    const h = image.shape[image.ndim - 2]!;
    const w = image.shape[image.ndim - 1]!;
    return new Tensor(filterPlanes(image.data, image.numel() / Math.max(1, h * w), h, w, k), image.shape);
  }
  if (Array.isArray(image)) {
    const rows = image as readonly (readonly number[])[];
    const h = rows.length;
    const w = h === 0 ? 0 : rows[0]!.length;
    const flat = new Float32Array(h * w);
    rows.forEach((row, y) => {
      if (!Array.isArray(row) || row.length !== w) throw new ShapeError('filter2d', `image row ${y} has ${Array.isArray(row) ? row.length : 'no'} entries but row 0 has ${w}; a 2-D image must be rectangular`);
      flat.set(row, y * w);
    });
    const out = filterPlanes(flat, 1, h, w, k);
    return Array.from({ length: h }, (_, y) => Array.from(out.subarray(y * w, (y + 1) * w)));
  }
  const img = image as ImageF32;
  checkImageF32(img, 'filter2d');
  return { channels: img.channels, height: img.height, width: img.width, data: filterPlanes(img.data, img.channels, img.height, img.width, k) };
}

interface ResolvedKernel {
  rows: number;
  cols: number;
  flat: Float64Array;
  ax: number;
  ay: number;
  border: BorderMode;
  value: number;
}

function resolveKernel(kernel: Kernel, options: Filter2dOptions): ResolvedKernel {
  const { rows, cols, flat } = checkKernel(kernel, 'filter2d');
  const [ax, ay] = options.anchor ?? [cols >> 1, rows >> 1];
  if (!Number.isInteger(ax) || !Number.isInteger(ay) || ax < 0 || ay < 0 || ax >= cols || ay >= rows) {
    throw new ValueError(`filter2d: anchor [${ax}, ${ay}] (x, y) lies outside the ${rows}x${cols} kernel; expected 0 <= x < ${cols} and 0 <= y < ${rows}`);
  }
  const value = options.value ?? 0;
  if (!Number.isFinite(value)) throw new ValueError(`filter2d: border value is ${value}; expected a finite number`);
  return { rows, cols, flat, ax, ay, border: options.border ?? 'reflect101', value };
}

/** Filters `planes` consecutive h x w planes of `src`. */
function filterPlanes(src: Float32Array, planes: number, h: number, w: number, k: ResolvedKernel): Float32Array {
  const out = new Float32Array(planes * h * w);
  if (h === 0 || w === 0) return out;
  // Pad once (by the border rule), then a plain "valid" correlation: no bounds tests in the inner loop.
  const ph = h + k.rows - 1;
  const pw = w + k.cols - 1;
  const rowOf = Int32Array.from({ length: ph }, (_, y) => borderInterpolate(y - k.ay, h, k.border));
  const colOf = Int32Array.from({ length: pw }, (_, x) => borderInterpolate(x - k.ax, w, k.border));
  const padded = new Float64Array(ph * pw);
  for (let p = 0; p < planes; p++) {
    const base = p * h * w;
    for (let y = 0; y < ph; y++) {
      const sy = rowOf[y]!;
      for (let x = 0; x < pw; x++) {
        const sx = colOf[x]!;
        padded[y * pw + x] = sy < 0 || sx < 0 ? k.value : src[base + sy * w + sx]!;
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let i = 0; i < k.rows; i++) {
          const prow = (y + i) * pw + x;
          const krow = i * k.cols;
          for (let j = 0; j < k.cols; j++) acc += k.flat[krow + j]! * padded[prow + j]!;
        }
        out[base + y * w + x] = acc;
      }
    }
  }
  return out;
}
