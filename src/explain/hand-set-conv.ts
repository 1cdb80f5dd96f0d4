/**
 * A convolution layer whose filters are set by hand rather than learned: the
 * tutorial's bank of edge detectors as a real `Conv2d`, ready to run on an
 * image batch and to be drawn by the explainer like any learned layer.
 */
import { Conv2d, type Conv2dLayerOptions } from '../nn/conv2d.js';
import { ShapeError, ValueError } from '../errors.js';
import { edge4Filters } from '../vision/filter-presets.js';
import { checkKernel, type Kernel } from '../vision/kernel.js';

/**
 * Builds a bias-free `Conv2d(inChannels, kernels.length, [kH, kW])` whose
 * output channel k applies `kernels[k]` (the same 2-D kernel on every input
 * channel, summed), with its weight frozen (`requiresGrad = false`, so an
 * optimizer leaves it alone).
 *
 * By default it is the tutorial's `Conv2d(1, 4, 4, { bias: false })` holding
 * the four 4x4 edge filters of {@link edge4Filters}: vertical edge, its
 * negation, its transpose, the transpose's negation.
 *
 * Like every `Conv2d` (and PyTorch's), this is a correlation: with no padding
 * output (y, x) equals `filter2d(image, kernel, { border: 'constant' })` at
 * (y + anchorY, x + anchorX), i.e. (y + 2, x + 2) for a 4x4 kernel.
 *
 * Shape: weight `[kernels.length, inChannels, kH, kW]`; input `[N, inChannels, H, W]`
 * → output `[N, kernels.length, Ho, Wo]` with Ho = H + 2·padding − kH + 1 (stride 1).
 *
 * @throws {ValueError} for an empty list or an invalid kernel; {@link ShapeError} when the kernels differ in size.
 * @example
 * const conv = handSetConv();                       // Conv2d(1, 4, 4, bias=false), the edge4 bank
 * const maps = conv.forward(grayBatch);             // [1, 1, 28, 28] → [1, 4, 25, 25]
 */
export function handSetConv(
  kernels: readonly Kernel[] = edge4Filters,
  options: { inChannels?: number } & Omit<Conv2dLayerOptions, 'bias' | 'groups'> = {},
): Conv2d {
  if (kernels.length === 0) throw new ValueError('handSetConv: no kernels given; expected at least one 2-D kernel');
  const checked = kernels.map((k, i) => checkKernel(k, `handSetConv: kernel ${i}`));
  const { rows, cols } = checked[0]!;
  checked.forEach((k, i) => {
    if (k.rows !== rows || k.cols !== cols) {
      throw new ShapeError('handSetConv', `kernel ${i} is ${k.rows}x${k.cols} but kernel 0 is ${rows}x${cols}; one conv layer has one kernel size`);
    }
  });
  const { inChannels = 1, ...convOptions } = options;
  const conv = new Conv2d(inChannels, kernels.length, [rows, cols], { ...convOptions, bias: false });
  const w = conv.weight.data;
  const per = rows * cols;
  checked.forEach((k, o) => {
    for (let c = 0; c < inChannels; c++) w.set(k.flat, (o * inChannels + c) * per);
  });
  conv.weight.requiresGrad = false;
  return conv;
}
