/**
 * The hand-made feature detectors of a "how CNNs work" tutorial, as plain
 * kernels for {@link filter2d}: Sobel x/y, blur, Gaussian, sharpen,
 * Laplacian, and the 4x4 vertical-edge filter with its negation and
 * transposes; plus {@link sobel}, the gradient magnitude.
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { filter2d, type Filter2dOptions } from './filter2d.js';
import type { ImageF32 } from './image-f32.js';
import type { Kernel } from './kernel.js';

const freeze = (rows: number[][]): Kernel => Object.freeze(rows.map((r) => Object.freeze(r)));

/**
 * Sobel's horizontal-gradient kernel (OpenCV's `Sobel(dx=1, dy=0, ksize=3)`):
 * positive where the image gets brighter to the right, so it finds vertical edges.
 *
 * Shape: `[3, 3]`.
 * @example const gx = filter2d(gray, sobelX);
 */
export const sobelX: Kernel = freeze([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]);

/**
 * Sobel's vertical-gradient kernel (OpenCV's `Sobel(dx=0, dy=1, ksize=3)`):
 * positive where the image gets brighter downwards, so it finds horizontal edges.
 *
 * Shape: `[3, 3]`.
 * @example const gy = filter2d(gray, sobelY);
 */
export const sobelY: Kernel = freeze([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]);

/**
 * The 3x3 box blur, every weight 1/9 (OpenCV's `cv2.blur(src, (3, 3))`).
 *
 * Shape: `[3, 3]`.
 * @example const soft = filter2d(photo, blur);
 */
export const blur: Kernel = freeze([[1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9], [1 / 9, 1 / 9, 1 / 9]]);

/**
 * The classic sharpen kernel: the pixel times 5 minus its four neighbours
 * (the weights sum to 1, so flat areas keep their brightness).
 *
 * Shape: `[3, 3]`.
 * @example const crisp = filter2d(photo, sharpen);
 */
export const sharpen: Kernel = freeze([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]);

/**
 * The 4-neighbour Laplacian (OpenCV's `cv2.Laplacian(src, ddepth, ksize=1)`):
 * the sum of the second derivatives, zero on flat areas and ramps.
 *
 * Shape: `[3, 3]`.
 * @example const lap = filter2d(gray, laplacian);
 */
export const laplacian: Kernel = freeze([[0, 1, 0], [1, -4, 1], [0, 1, 0]]);

/**
 * The tutorial's 4x4 vertical-edge filter: -1 in the left two columns, +1 in
 * the right two, so it responds (positively) where dark turns to bright from
 * left to right.
 *
 * Shape: `[4, 4]`. With an even size the default anchor is cell [2, 2], as in OpenCV.
 * @example const vertical = filter2d(gray, edge4);
 */
export const edge4: Kernel = freeze(Array.from({ length: 4 }, () => [-1, -1, 1, 1]));

/**
 * The four hand-set edge detectors of the tutorial, in this order: the
 * vertical-edge filter {@link edge4} (dark → bright, left to right), its
 * negation (bright → dark), its transpose (a horizontal edge, dark above
 * bright) and the transpose's negation (bright above dark).
 *
 * Shape: 4 kernels of `[4, 4]`; as a conv weight, `[4, 1, 4, 4]`.
 * @example const maps = edge4Filters.map((k) => filter2d(gray, k));
 */
export const edge4Filters: readonly Kernel[] = Object.freeze([
  edge4,
  freeze(edge4.map((row) => row.map((v) => -v))),
  freeze(transpose(edge4)),
  freeze(transpose(edge4).map((row) => row.map((v) => -v))),
]);

/**
 * A normalised 2-D Gaussian kernel, the outer product of OpenCV's
 * `cv2.getGaussianKernel(size, sigma)` with itself: for `sigma <= 0` the
 * sigma is derived from the size as OpenCV does,
 * `0.3 * ((size - 1) * 0.5 - 1) + 0.8`, and sizes 1, 3, 5, 7, 9 use OpenCV's
 * exact fixed tables (3 → [1, 2, 1] / 4).
 *
 * Shape: `[size, size]`.
 * @throws {ValueError} when size is not a positive odd integer or sigma is not finite.
 * @example const g = gaussianKernel(5, 1.0); // cv2.GaussianBlur(src, (5, 5), 1.0)
 */
export function gaussianKernel(size: number, sigma = 0): Kernel {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new ValueError(`gaussianKernel: size is ${size}; expected a positive odd integer, as cv2.GaussianBlur requires`);
  if (!Number.isFinite(sigma)) throw new ValueError(`gaussianKernel: sigma is ${sigma}; expected a finite number (<= 0 derives it from the size)`);
  const g = gaussian1d(size, sigma);
  return freeze(Array.from(g, (a) => Array.from(g, (b) => a * b)));
}

/**
 * The normalised box kernel of `cv2.blur(src, (size, size))`: every weight `1 / size²`.
 *
 * Shape: `[size, size]`.
 * @throws {ValueError} when size is not a positive integer.
 * @example const b5 = boxKernel(5);
 */
export function boxKernel(size: number): Kernel {
  if (!Number.isInteger(size) || size < 1) throw new ValueError(`boxKernel: size is ${size}; expected a positive integer`);
  return freeze(Array.from({ length: size }, () => new Array<number>(size).fill(1 / (size * size))));
}

/**
 * The Sobel gradient magnitude `sqrt(gx² + gy²)`, with gx and gy from
 * {@link sobelX} and {@link sobelY} under the same border options (OpenCV's
 * `cv2.magnitude(Sobel(dx=1), Sobel(dy=1))`). Non-negative: large on edges of
 * any direction.
 *
 * Shape: same as the input (an ImageF32, a Tensor `[H, W]` / `[C, H, W]` /
 * `[N, C, H, W]`, or a 2-D array).
 * @example const edges = sobel(gray);
 */
export function sobel(image: ImageF32, options?: Filter2dOptions): ImageF32;
export function sobel(image: Tensor, options?: Filter2dOptions): Tensor;
export function sobel(image: readonly (readonly number[])[], options?: Filter2dOptions): number[][];
export function sobel(image: ImageF32 | Tensor | readonly (readonly number[])[], options: Filter2dOptions = {}): ImageF32 | Tensor | number[][] {
  if (image instanceof Tensor) {
    const gx = filter2d(image, sobelX, options).data;
    const gy = filter2d(image, sobelY, options).data;
    return new Tensor(hypot(gx, gy), image.shape);
  }
  if (Array.isArray(image)) {
    const rows = image as readonly (readonly number[])[];
    const gx = filter2d(rows, sobelX, options);
    const gy = filter2d(rows, sobelY, options);
    return gx.map((row, y) => row.map((v, x) => Math.fround(Math.hypot(v, gy[y]![x]!))));
  }
  const img = image as ImageF32;
  const gx = filter2d(img, sobelX, options);
  const gy = filter2d(img, sobelY, options);
  return { ...gx, data: hypot(gx.data, gy.data) };
}

function hypot(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.sqrt(a[i]! * a[i]! + b[i]! * b[i]!);
  return out;
}

function transpose(k: Kernel): number[][] {
  return k[0]!.map((_, c) => k.map((row) => row[c]!));
}

/** OpenCV's small_gaussian_tab: the fixed kernels it uses for odd sizes <= 9 when sigma <= 0. */
const SMALL_GAUSSIAN: Record<number, number[]> = {
  1: [1],
  3: [0.25, 0.5, 0.25],
  5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
  7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  9: [4 / 256, 13 / 256, 30 / 256, 51 / 256, 60 / 256, 51 / 256, 30 / 256, 13 / 256, 4 / 256],
};

function gaussian1d(n: number, sigma: number): number[] {
  const table = SMALL_GAUSSIAN[n];
  if (sigma <= 0 && table) return table;
  const s = sigma > 0 ? sigma : ((n - 1) * 0.5 - 1) * 0.3 + 0.8;
  const scale2X = -0.5 / (s * s);
  const g = Array.from({ length: n }, (_, i) => {
    const x = i - (n - 1) * 0.5;
    return Math.exp(scale2X * x * x);
  });
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
}
