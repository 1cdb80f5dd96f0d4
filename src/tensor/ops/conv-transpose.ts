/**
 * 2-D transposed convolution (PyTorch's F.conv_transpose2d): the adjoint of
 * conv2d. It needs no kernel of its own: its forward pass is conv2d's
 * input-gradient kernel, its input gradient is conv2d's forward kernel, and
 * its weight gradient is conv2d's weight-gradient kernel with the roles of
 * input and output gradient swapped. So every backend runs it.
 */
import { kernels } from '../../backend/configure.js';
import type { Conv2dAttrs } from '../../backend/kernels.js';
import { ShapeError, fmt } from '../../errors.js';
import { Tensor, empty, record } from '../tensor.js';
import { sum } from './reduce.js';
import { currentPath, pair } from './util.js';

export interface ConvTranspose2dOptions {
  stride?: number | readonly [number, number];
  /** Rows/columns cropped from each side of the full output: a number or [padH, padW]. Default 0. */
  padding?: number | readonly [number, number];
  /** Extra rows/columns at the bottom/right (must be < stride or < dilation, as in PyTorch). Default 0. */
  outputPadding?: number | readonly [number, number];
  groups?: number;
  dilation?: number | readonly [number, number];
}

/** The validated options, every pair resolved. */
export interface ConvTranspose2dAttrs {
  stride: readonly [number, number];
  padding: readonly [number, number];
  outputPadding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
}

/** Resolves and validates the options (shared by the op, the layer and `outputShape`). */
export function convTranspose2dAttrs(op: string, o: ConvTranspose2dOptions): ConvTranspose2dAttrs {
  const stride = pair(op, 'stride', o.stride ?? 1);
  const padding = pair(op, 'padding', o.padding ?? 0);
  const outputPadding = pair(op, 'outputPadding', o.outputPadding ?? 0);
  const dilation = pair(op, 'dilation', o.dilation ?? 1);
  const groups = o.groups ?? 1;
  if (stride[0] < 1 || stride[1] < 1) throw new ShapeError(op, `stride must be >= 1, got ${fmt(stride)}`, currentPath());
  if (dilation[0] < 1 || dilation[1] < 1) throw new ShapeError(op, `dilation must be >= 1, got ${fmt(dilation)}`, currentPath());
  if (padding[0] < 0 || padding[1] < 0) throw new ShapeError(op, `padding must be >= 0, got ${fmt(padding)}`, currentPath());
  if (!Number.isInteger(groups) || groups < 1) throw new ShapeError(op, `groups must be a positive integer, got ${groups}`, currentPath());
  for (const i of [0, 1]) {
    // PyTorch's rule: an extra row beyond both the stride and the dilation would hold no input's contribution at all
    if (outputPadding[i]! < 0 || (outputPadding[i]! >= stride[i]! && outputPadding[i]! >= dilation[i]!)) {
      throw new ShapeError(op, `outputPadding ${fmt(outputPadding)} must be >= 0 and smaller than either stride ${fmt(stride)} or dilation ${fmt(dilation)} in each dim`, currentPath());
    }
  }
  return { stride, padding, outputPadding, dilation, groups };
}

/**
 * Output [N, out, Ho, Wo] for input [N, in, H, W] and weight [in, out/groups, kH, kW],
 * Ho = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1; or a ShapeError.
 */
export function convTranspose2dOutputShape(op: string, xShape: readonly number[], wShape: readonly number[], a: ConvTranspose2dAttrs): number[] {
  if (xShape.length !== 4) throw new ShapeError(op, `expected a 4-D input [N, C, H, W], got shape ${fmt(xShape)}`, currentPath());
  if (wShape.length !== 4) throw new ShapeError(op, `weight must be 4-D [in, out/groups, kH, kW], got ${fmt(wShape)}`, currentPath());
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [ci, og, kh, kw] = wShape as [number, number, number, number];
  if (c !== ci) {
    throw new ShapeError(op, `input has ${c} channel${c === 1 ? '' : 's'} but weight ${fmt(wShape)} (laid out [in, out/groups, kH, kW]) expects ${ci}; input shape ${fmt(xShape)}`, currentPath());
  }
  if (ci % a.groups !== 0) throw new ShapeError(op, `in channels ${ci} of weight ${fmt(wShape)} are not divisible by groups=${a.groups}`, currentPath());
  const size = (i: 0 | 1, x: number, k: number): number =>
    (x - 1) * a.stride[i] - 2 * a.padding[i] + a.dilation[i] * (k - 1) + a.outputPadding[i] + 1;
  const ho = size(0, h, kh);
  const wo = size(1, w, kw);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(op, `the output would be ${ho}x${wo}: padding ${fmt(a.padding)} crops more than the ${ho + 2 * a.padding[0]}x${wo + 2 * a.padding[1]} full output of input ${fmt(xShape)} with kernel ${kh}x${kw}`, currentPath());
  }
  return [n, og * a.groups, ho, wo];
}

/**
 * The conv2d whose input gradient this transposed convolution is: input of
 * the output's size, the same weight (conv2d reads it as [O, C/groups, kH,
 * kW] with O = our in channels). The kernels take both sizes from the shapes
 * and read only the top/left padding; bottom/right is the value that makes
 * conv2d of the output land exactly on the input's size (negative when the
 * output padding exceeds the padding: those rows are never read back).
 */
function kernelAttrs(a: ConvTranspose2dAttrs): Conv2dAttrs {
  const [ph, pw] = a.padding;
  return { stride: a.stride, padding: [ph, pw, ph - a.outputPadding[0], pw - a.outputPadding[1]], dilation: a.dilation, groups: a.groups };
}

/**
 * Transposed 2-D convolution, PyTorch's F.conv_transpose2d (also called
 * "deconvolution"): each input pixel scatters a weighted copy of the kernel
 * into the output, `stride` pixels apart; it upsamples where conv2d
 * downsamples, and is conv2d's gradient with respect to its input.
 *
 * Shape: x [N, in, H, W], weight [in, out/groups, kH, kW], bias [out] →
 * [N, out, Ho, Wo] with
 * Ho = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1
 * (Wo likewise). E.g. [1, 16, 7, 7] with a 3x3 kernel, stride 2, padding 1,
 * outputPadding 1 → [1, out, 14, 14].
 *
 * @example
 * const y = convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 });   // 7x7 → 14x14
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  const a = convTranspose2dAttrs(op, options);
  const outShape = convTranspose2dOutputShape(op, x.shape, weight.shape, a);
  const outChannels = outShape[1]!;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError(op, `bias ${fmt(bias.shape)} does not match weight ${fmt(weight.shape)} with groups=${a.groups}; expected [${outChannels}]`, currentPath());
  }
  const ka = kernelAttrs(a);
  let out = empty(outShape);
  kernels().conv2dBackwardInput(x.data, x.shape, weight.data, weight.shape, out.data, outShape, ka);
  if (bias) {
    const withBias = empty(outShape);
    kernels().add(out.data, outShape, bias.data, [1, outChannels, 1, 1], withBias.data, outShape);
    out = withBias;
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(out, op, inputs, (g) => {
    let dx: Tensor | null = null;
    let dw: Tensor | null = null;
    if (x.requiresGrad) {
      dx = empty(x.shape);
      kernels().conv2d(g.data, g.shape, weight.data, weight.shape, null, dx.data, x.shape, ka);
    }
    if (weight.requiresGrad) {
      // conv2d's dW pairs its input with its output gradient; here those are our output gradient and our input
      dw = empty(weight.shape);
      kernels().conv2dBackwardWeight(g.data, g.shape, x.data, x.shape, dw.data, weight.shape, ka);
    }
    const db = bias?.requiresGrad ? sum(g, [0, 2, 3]) : null;
    return [dx, dw, db];
  });
}
