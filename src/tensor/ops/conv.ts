/**
 * 2-D convolution (cross-correlation, as in every deep-learning library).
 */
import { kernels } from '../../backend/configure.js';
import { type ConvEpilogue, type Conv2dAttrs, type Padding4, epilogueShape } from '../../backend/kernels.js';
import { ShapeError, fmt } from '../../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import { Tensor, empty, record } from '../tensor.js';
import { relu } from './elementwise.js';
import { maxPool2d } from './pool.js';
import { sum } from './reduce.js';
import { currentPath, pair } from './util.js';

export type Conv2dPadding = number | readonly [number, number] | 'same' | 'valid';

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  /** Zero padding: a number, [padH, padW], 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: Conv2dPadding;
  dilation?: number | readonly [number, number];
  groups?: number;
}

/** Resolves options into kernel attributes, validating them (shared by the op and `outputShape`). */
export function conv2dAttrs(op: string, kernel: readonly [number, number], o: Conv2dOptions): Conv2dAttrs {
  const stride = pair(op, 'stride', o.stride ?? 1);
  const dilation = pair(op, 'dilation', o.dilation ?? 1);
  const groups = o.groups ?? 1;
  if (stride[0] < 1 || stride[1] < 1) throw new ShapeError(op, `stride must be >= 1, got ${fmt(stride)}`, currentPath());
  if (dilation[0] < 1 || dilation[1] < 1) throw new ShapeError(op, `dilation must be >= 1, got ${fmt(dilation)}`, currentPath());
  if (!Number.isInteger(groups) || groups < 1) throw new ShapeError(op, `groups must be a positive integer, got ${groups}`, currentPath());
  const p = o.padding ?? 0;
  let padding: Padding4;
  if (p === 'valid') padding = [0, 0, 0, 0];
  else if (p === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new ShapeError(op, `padding='same' needs stride 1 (as in PyTorch), got stride ${fmt(stride)}`, currentPath());
    }
    // PyTorch puts the odd pixel of an even kernel's padding at the bottom/right.
    const th = dilation[0] * (kernel[0] - 1);
    const tw = dilation[1] * (kernel[1] - 1);
    padding = [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  } else {
    const [ph, pw] = pair(op, 'padding', p);
    if (ph < 0 || pw < 0) throw new ShapeError(op, `padding must be >= 0, got ${fmt([ph, pw])}`, currentPath());
    padding = [ph, pw, ph, pw];
  }
  return { stride, padding, dilation, groups };
}

/** Output [N, O, Ho, Wo] for input [N, C, H, W] and weight [O, C/groups, kH, kW], or a ShapeError. */
export function conv2dOutputShape(op: string, xShape: readonly number[], wShape: readonly number[], a: Conv2dAttrs): number[] {
  if (xShape.length !== 4) throw new ShapeError(op, `expected a 4-D input [N, C, H, W], got shape ${fmt(xShape)}`, currentPath());
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  if (c !== cg * a.groups) {
    throw new ShapeError(op, `input has ${c} channel${c === 1 ? '' : 's'} but weight ${fmt(wShape)} with groups=${a.groups} expects ${cg * a.groups}; input shape ${fmt(xShape)}`, currentPath());
  }
  if (o % a.groups !== 0) throw new ShapeError(op, `out channels ${o} are not divisible by groups=${a.groups}`, currentPath());
  const ekh = a.dilation[0] * (kh - 1) + 1;
  const ekw = a.dilation[1] * (kw - 1) + 1;
  const ph = h + a.padding[0] + a.padding[2];
  const pw = w + a.padding[1] + a.padding[3];
  if (ekh > ph || ekw > pw) {
    throw new ShapeError(op, `kernel ${kh}x${kw} (dilation ${fmt(a.dilation)}) is larger than the padded input ${ph}x${pw}; input shape ${fmt(xShape)}`, currentPath());
  }
  return [n, o, Math.floor((ph - ekh) / a.stride[0]) + 1, Math.floor((pw - ekw) / a.stride[1]) + 1];
}

/**
 * 2-D convolution, PyTorch's F.conv2d.
 *
 * Shape: x [N, C, H, W], weight [O, C/groups, kH, kW], bias [O] →
 * [N, O, Ho, Wo] with Ho = floor((H + padTop + padBottom - dilation*(kH-1) - 1) / stride) + 1.
 *
 * @example
 * const y = conv2d(x, w, b, { stride: 1, padding: 'same' });
 */
/** Validates a conv2d call; returns the kernel attributes and the output shape. */
function checkConv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): [Conv2dAttrs, number[]] {
  if (weight.ndim !== 4) throw new ShapeError('conv2d', `weight must be 4-D [O, C/groups, kH, kW], got ${fmt(weight.shape)}`, currentPath());
  const a = conv2dAttrs('conv2d', [weight.shape[2]!, weight.shape[3]!], options);
  const outShape = conv2dOutputShape('conv2d', x.shape, weight.shape, a);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ShapeError('conv2d', `bias ${fmt(bias.shape)} does not match weight ${fmt(weight.shape)}; expected [${weight.shape[0]}]`, currentPath());
  }
  return [a, outShape];
}

/**
 * conv2d, then ReLU, then (with `maxPool`) a 2x2 stride-2 max-pool: the
 * Conv2d → ReLU → MaxPool2d(2) block of most CNNs. When no gradient is
 * recorded it is one kernel call (the wasm backend applies the ReLU and the
 * pool in registers, never writing the full-size maps); under autograd it
 * is the three ops (the pool before the ReLU: the same values and
 * gradients, with ReLU on a quarter of the pixels).
 *
 * Shape: x [N, C, H, W] → [N, O, Ho, Wo] (conv2d's), or [N, O, ⌊Ho/2⌋, ⌊Wo/2⌋] with maxPool.
 *
 * @example
 * const y = noGrad(() => conv2dRelu(x, w, b, { padding: 2 }, { maxPool: true }));   // LeNet's first block
 */
export function conv2dRelu(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {},
  epilogue: { maxPool?: boolean } = {}): Tensor {
  const e: ConvEpilogue = { relu: true, maxPool: epilogue.maxPool ?? false };
  if (isGradEnabled() && (x.requiresGrad || weight.requiresGrad || bias?.requiresGrad)) {
    // ReLU and max commute (both monotone), and so do their gradients: a window's maximum gets the
    // gradient when it is positive, nothing does otherwise. Pooling first runs ReLU and its backward
    // on a quarter of the pixels, and the tape keeps one full-size map instead of two.
    const y = conv2d(x, weight, bias, options);
    return e.maxPool ? relu(maxPool2d(y, 2)) : relu(y);
  }
  const [a, convShape] = checkConv2d(x, weight, bias, options);
  const out = empty(epilogueShape(convShape, e));
  kernels().conv2dFused(x.data, x.shape, weight.data, weight.shape, bias ? bias.data : null, out.data, convShape, a, e);
  return out;
}

export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const [a, outShape] = checkConv2d(x, weight, bias, options);
  const out = empty(outShape);
  kernels().conv2d(x.data, x.shape, weight.data, weight.shape, bias ? bias.data : null, out.data, outShape, a);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, 'conv2d', inputs, (g) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(x.shape);
      kernels().conv2dBackwardInput(g.data, g.shape, weight.data, weight.shape, dx.data, x.shape, a);
    }
    if (weight.requiresGrad) {
      dw = empty(weight.shape);
      kernels().conv2dBackwardWeight(x.data, x.shape, g.data, g.shape, dw.data, weight.shape, a);
    }
    const db = bias?.requiresGrad ? sum(g, [0, 2, 3]) : null;
    return [dx, dw, db];
  });
}
