/**
 * Pooling: max, average, sum (average with divisor 1) and adaptive average.
 */
import { kernels } from '../../backend/configure.js';
import type { Pool2dAttrs } from '../../backend/kernels.js';
import { ShapeError, fmt } from '../../errors.js';
import { Tensor, empty, record } from '../tensor.js';
import { currentPath, pair } from './util.js';

export interface Pool2dOptions {
  /** Default: the kernel size. */
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
  /**
   * Round the output size up instead of down (PyTorch's ceil_mode): a last, partial window covers the
   * rows/columns floor mode drops, as long as it starts inside the input or its top/left padding.
   */
  ceilMode?: boolean;
}

export interface MaxPool2dOptions extends Pool2dOptions {
  /** Spacing between a window's taps (PyTorch's dilation; default 1). */
  dilation?: number | readonly [number, number];
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count the zero padding in the divisor (PyTorch's default true). */
  countIncludePad?: boolean;
  divisorOverride?: number;
}

/** The resolved attributes plus the output-size rounding, which only the shape needs. */
export interface Pool2dResolved extends Pool2dAttrs {
  ceilMode: boolean;
}

/** Resolves pooling attributes, validating them (shared by the ops and the layers' `outputShape`). */
export function pool2dAttrs(op: string, kernel: number | readonly [number, number], o: AvgPool2dOptions & MaxPool2dOptions, divisor = 0): Pool2dResolved {
  const k = pair(op, 'kernelSize', kernel);
  const stride = pair(op, 'stride', o.stride ?? k);
  const padding = pair(op, 'padding', o.padding ?? 0);
  const dilation = pair(op, 'dilation', o.dilation ?? 1);
  if (k[0] < 1 || k[1] < 1 || stride[0] < 1 || stride[1] < 1) {
    throw new ShapeError(op, `kernel size and stride must be >= 1, got kernel ${fmt(k)} stride ${fmt(stride)}`, currentPath());
  }
  if (dilation[0] < 1 || dilation[1] < 1) throw new ShapeError(op, `dilation must be >= 1, got ${fmt(dilation)}`, currentPath());
  if (padding[0] < 0 || padding[1] < 0 || padding[0] * 2 > k[0] || padding[1] * 2 > k[1]) {
    throw new ShapeError(op, `padding ${fmt(padding)} must be between 0 and half the kernel size ${fmt(k)}`, currentPath());
  }
  return { kernel: k, stride, padding, dilation, ceilMode: o.ceilMode ?? false, countIncludePad: o.countIncludePad ?? true, divisor: o.divisorOverride ?? divisor };
}

/** PyTorch's pooling_output_shape: floor or ceil of the window count, the last window starting inside the input or its begin padding. */
function outSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((span + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

export function pool2dOutputShape(op: string, xShape: readonly number[], a: Pool2dResolved): number[] {
  if (xShape.length !== 4) throw new ShapeError(op, `expected a 4-D input [N, C, H, W], got shape ${fmt(xShape)}`, currentPath());
  const [n, c, h, w] = xShape as [number, number, number, number];
  const oh = outSize(h, a.kernel[0], a.stride[0], a.padding[0], a.dilation[0], a.ceilMode);
  const ow = outSize(w, a.kernel[1], a.stride[1], a.padding[1], a.dilation[1], a.ceilMode);
  if (oh < 1 || ow < 1) {
    const dil = a.dilation[0] > 1 || a.dilation[1] > 1 ? `, dilation ${fmt(a.dilation)}` : '';
    throw new ShapeError(op, `kernel ${fmt(a.kernel)} does not fit the input ${h}x${w} (padding ${fmt(a.padding)}${dil}); input shape ${fmt(xShape)}`, currentPath());
  }
  return [n, c, oh, ow];
}

/**
 * Max pooling, PyTorch's F.max_pool2d (stride, padding, dilation, ceilMode).
 *
 * Shape: [N, C, H, W] → [N, C, Ho, Wo], Ho = floor((H + 2p - d(k - 1) - 1) / s) + 1
 * (ceilMode: rounded up, less one if the last window would start past H + p); Wo likewise.
 * @example
 * maxPool2d(x, 2)                                      // 2x2 windows, stride 2
 * maxPool2d(x, 3, { stride: 2, ceilMode: true })       // GoogLeNet's and SqueezeNet's pools: 7x7 → 3x3
 */
export function maxPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: MaxPool2dOptions = {}): Tensor {
  const a = pool2dAttrs('maxPool2d', kernelSize, options);
  const shape = pool2dOutputShape('maxPool2d', x.shape, a);
  const out = empty(shape);
  kernels().maxPool2d(x.data, x.shape, out.data, shape, a);
  return record(out, 'maxPool2d', [x], (g) => {
    const dx = empty(x.shape);
    kernels().maxPool2dBackward(x.data, x.shape, g.data, g.shape, dx.data, a);
    return [dx];
  });
}

function avgLike(op: string, x: Tensor, a: Pool2dResolved): Tensor {
  const shape = pool2dOutputShape(op, x.shape, a);
  const out = empty(shape);
  kernels().avgPool2d(x.data, x.shape, out.data, shape, a);
  return record(out, op, [x], (g) => {
    const dx = empty(x.shape);
    kernels().avgPool2dBackward(g.data, g.shape, dx.data, x.shape, a);
    return [dx];
  });
}

/**
 * Average pooling, PyTorch's F.avg_pool2d (stride, padding, ceilMode, countIncludePad, divisorOverride;
 * no dilation, as in PyTorch).
 *
 * Shape: as maxPool2d with d = 1. With countIncludePad, a window's divisor is its extent inside the
 * padded input (a ceil-mode window hanging past the padding counts only that part), as in PyTorch.
 * @example avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })
 */
export function avgPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: AvgPool2dOptions = {}): Tensor {
  noDilation('avgPool2d', options);
  return avgLike('avgPool2d', x, pool2dAttrs('avgPool2d', kernelSize, options));
}

/** Sum pooling: the sum of each window (zero padding adds nothing). Shape as maxPool2d. */
export function sumPool2d(x: Tensor, kernelSize: number | readonly [number, number], options: Pool2dOptions = {}): Tensor {
  noDilation('sumPool2d', options);
  return avgLike('sumPool2d', x, pool2dAttrs('sumPool2d', kernelSize, options, 1));
}

/** Average and sum pooling take no dilation (PyTorch's avg_pool2d has none); an untyped caller passing one hears so. */
export function noDilation(op: string, o: object): void {
  if ('dilation' in o && o.dilation !== undefined && o.dilation !== 1) throw new ShapeError(op, `takes no dilation (PyTorch's avg_pool2d has none), got ${JSON.stringify(o.dilation)}`, currentPath());
}

/**
 * Adaptive average pooling to a fixed output size, PyTorch's F.adaptive_avg_pool2d.
 * Shape: [N, C, H, W] → [N, C, oh, ow].
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number, number]): Tensor {
  const [oh, ow] = pair('adaptiveAvgPool2d', 'outputSize', outputSize);
  const [n, c, h, w] = x.dims4('adaptiveAvgPool2d');
  if (oh < 1 || ow < 1 || h < 1 || w < 1) {
    throw new ShapeError('adaptiveAvgPool2d', `output size ${fmt([oh, ow])} and input size ${h}x${w} must be positive`, currentPath());
  }
  const shape = [n, c, oh, ow];
  const out = empty(shape);
  kernels().adaptiveAvgPool2d(x.data, x.shape, out.data, shape);
  return record(out, 'adaptiveAvgPool2d', [x], (g) => {
    const dx = empty(x.shape);
    kernels().adaptiveAvgPool2dBackward(g.data, g.shape, dx.data, x.shape);
    return [dx];
  });
}
