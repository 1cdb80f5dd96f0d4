/**
 * Converters for the Keras layers that carry weights: Conv2D,
 * DepthwiseConv2D, SeparableConv2D, Dense and BatchNormalization. Kernels
 * are re-laid out from TF's HWIO to PyTorch's OIHW, and TF's 'same' padding,
 * which puts the odd pixel at the bottom/right, becomes a ConstantPad2d in
 * front of the layer when the two sides differ.
 */
import { ELU, Hardtanh, ReLU, Sigmoid, Softmax, Tanh } from '../../nn/activation.js';
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { ConstantPad2d } from '../../nn/pad2d.js';
import type { Pad4 } from '../../tensor/ops/pad.js';
import { hwcIndex, type LayerContext, type Val } from './tfjs-graph.js';

/** The `activation` strings fovea has a layer for. */
export const SUPPORTED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'tanh', 'softmax'] as const;

/**
 * The module for a Keras activation name applied to a value of rank `rank`
 * (null for 'linear', and for a softmax over the classes of the model's
 * output, which is dropped: fovea models output logits).
 */
export function activationModule(c: LayerContext, name: string, rank: number): Module | null {
  switch (name) {
    case 'linear': return null;
    case 'relu': return new ReLU();
    case 'relu6': return new Hardtanh(0, 6);
    case 'elu': return new ELU(); // keras.activations.elu's alpha defaults to 1
    case 'sigmoid': return new Sigmoid();
    case 'tanh': return new Tanh();
    case 'softmax':
      if (c.isOutput && rank === 2) {
        c.droppedSoftmax();
        return null;
      }
      // Keras's softmax runs over the last axis: channels, which fovea keeps in dim 1 of an image
      return new Softmax(rank === 4 ? 1 : rank - 1);
    default:
      return c.fail(`activation '${name}' is not supported; supported: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  }
}

/** Runs `build` (which names its node `part` when an activation follows) and then the layer's `activation`. */
function withActivation(c: LayerContext, rank: number, build: (part?: string) => Val): Val {
  const act = activationModule(c, c.cfg.string('activation', 'linear'), rank);
  const y = build(act ? 'linear' : undefined);
  return act ? c.module(act, y) : y;
}

/** TF padding as [top, left, bottom, right]: 'valid' is none; 'same' keeps ceil(size / stride) outputs, the odd pixel at the end. */
export function tfPads(c: LayerContext, x: Val, k: readonly number[], s: readonly number[], d: readonly number[] = [1, 1]): Pad4 {
  const mode = c.cfg.string('padding', 'valid');
  if (mode === 'valid') return [0, 0, 0, 0];
  if (mode !== 'same') return c.fail(`padding '${mode}' is not supported (valid, same)`);
  const [before, after] = [0, 1].map((i) => {
    const size = x.shape[2 + i]!;
    const total = Math.max(0, (Math.ceil(size / s[i]!) - 1) * s[i]! + (k[i]! - 1) * d[i]! + 1 - size);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  }) as [[number, number], [number, number]];
  return [before[0], after[0], before[1], after[1]];
}

export const isSymmetric = (p: Pad4): boolean => p[0] === p[2] && p[1] === p[3];

/** A pair as a Conv2d/pool option: one number when both are equal. */
export const opt = (p: readonly [number, number]): number | [number, number] => (p[0] === p[1] ? p[0] : [p[0], p[1]]);

/** TF conv kernel [kh, kw, in, out] → PyTorch weight [out, in, kh, kw]. */
export function convKernel(k: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) {
    out[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o]!;
  }
  return out;
}

/** TF depthwise kernel [kh, kw, in, mult] → grouped conv weight [in * mult, 1, kh, kw] (output channel c * mult + m). */
export function depthwiseKernel(k: Float32Array, kh: number, kw: number, cin: number, mult: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let ci = 0; ci < cin; ci++) for (let m = 0; m < mult; m++) {
    out[((ci * mult + m) * kh + y) * kw + x] = k[((y * kw + x) * cin + ci) * mult + m]!;
  }
  return out;
}

/** Pads in front when TF's padding is uneven; returns the input and the padding the conv itself applies. */
function padded(c: LayerContext, x: Val, pads: Pad4): { x: Val; padding: number | [number, number] } {
  if (isSymmetric(pads)) return { x, padding: opt([pads[0], pads[1]]) };
  return { x: c.module(new ConstantPad2d(pads), x, 'pad'), padding: 0 };
}

function spatial(c: LayerContext): { k: [number, number]; stride: [number, number]; dilation: [number, number] } {
  c.cfg.channelsLast();
  return { k: c.cfg.pair('kernel_size'), stride: c.cfg.pair('strides', [1, 1]), dilation: c.cfg.pair('dilation_rate', [1, 1]) };
}

function convOptions(stride: [number, number], dilation: [number, number], padding: number | [number, number], groups: number, bias: boolean) {
  return {
    ...(stride[0] !== 1 || stride[1] !== 1 ? { stride: opt(stride) } : {}),
    ...(dilation[0] !== 1 || dilation[1] !== 1 ? { dilation: opt(dilation) } : {}),
    ...(padding !== 0 ? { padding } : {}),
    ...(groups !== 1 ? { groups } : {}),
    ...(bias ? {} : { bias: false }),
  };
}

/** Keras Conv2D → [ConstantPad2d] + Conv2d [+ activation]. */
export function conv2dLayer(c: LayerContext): Val {
  const { k, stride, dilation } = spatial(c);
  const x0 = c.input4d();
  const cin = x0.shape[1]!;
  const filters = c.cfg.int('filters', undefined, 1);
  const groups = c.cfg.int('groups', 1, 1);
  if (cin % groups !== 0 || filters % groups !== 0) c.fail(`groups=${groups} must divide the ${cin} input channels and the ${filters} filters`);
  const bias = c.cfg.bool('use_bias', true);
  // weights first: their sizes are checked against the bytes, so the layer allocated next is no bigger
  const kernel = c.weight('kernel', [k[0], k[1], cin / groups, filters]);
  const b = bias ? c.weight('bias', [filters]) : null;
  const { x, padding } = padded(c, x0, tfPads(c, x0, k, stride, dilation));
  const layer = new Conv2d(cin, filters, k, convOptions(stride, dilation, padding, groups, bias));
  layer.weight.data.set(convKernel(kernel, k[0], k[1], cin / groups, filters));
  if (b) layer.bias!.data.set(b);
  return withActivation(c, 4, (part) => c.module(layer, x, part));
}

function depthwise(c: LayerContext, x0: Val, k: [number, number], stride: [number, number], dilation: [number, number], bias: boolean, part?: string): Val {
  const cin = x0.shape[1]!;
  const mult = c.cfg.int('depth_multiplier', 1, 1);
  const kernel = c.weight('depthwise_kernel', [k[0], k[1], cin, mult]);
  const b = bias ? c.weight('bias', [cin * mult]) : null;
  const { x, padding } = padded(c, x0, tfPads(c, x0, k, stride, dilation));
  const layer = new Conv2d(cin, cin * mult, k, convOptions(stride, dilation, padding, cin, bias));
  layer.weight.data.set(depthwiseKernel(kernel, k[0], k[1], cin, mult));
  if (b) layer.bias!.data.set(b);
  return c.module(layer, x, part);
}

/** Keras DepthwiseConv2D → a Conv2d with groups = input channels [+ activation]. */
export function depthwiseConv2dLayer(c: LayerContext): Val {
  const { k, stride, dilation } = spatial(c);
  const x = c.input4d();
  const bias = c.cfg.bool('use_bias', true);
  return withActivation(c, 4, (part) => depthwise(c, x, k, stride, dilation, bias, part));
}

/** Keras SeparableConv2D → depthwise Conv2d (no bias) + 1x1 Conv2d [+ activation]. */
export function separableConv2dLayer(c: LayerContext): Val {
  const { k, stride, dilation } = spatial(c);
  const x = c.input4d();
  const filters = c.cfg.int('filters', undefined, 1);
  const bias = c.cfg.bool('use_bias', true);
  const mid = x.shape[1]! * c.cfg.int('depth_multiplier', 1, 1);
  const pointwise = c.weight('pointwise_kernel', [1, 1, mid, filters]);
  const b = bias ? c.weight('bias', [filters]) : null;
  const dw = depthwise(c, x, k, stride, dilation, false, 'depthwise');
  const layer = new Conv2d(mid, filters, 1, bias ? {} : { bias: false });
  layer.weight.data.set(convKernel(pointwise, 1, 1, mid, filters));
  if (b) layer.bias!.data.set(b);
  return withActivation(c, 4, (part) => c.module(layer, dw, part));
}

/** Keras Dense → Linear [+ activation]; after a channels_last Flatten the kernel rows are put in fovea's C, H, W order. */
export function denseLayer(c: LayerContext): Val {
  const x = c.single();
  if (x.shape.length !== 2) c.fail(`Dense on a rank-${x.shape.length} input [${x.shape.join(', ')}] is not supported (put a Flatten or a global pooling first)`);
  const inF = x.shape[1]!;
  const units = c.cfg.int('units', undefined, 1);
  const bias = c.cfg.bool('use_bias', true);
  const kernel = c.weight('kernel', [inF, units]);
  const b = bias ? c.weight('bias', [units]) : null;
  const rows = x.hwc ? hwcIndex(x.hwc) : null;
  const layer = new Linear(inF, units, { bias });
  const w = layer.weight.data;
  // Keras kernel [in, out]; Linear weight [out, in]
  for (let o = 0; o < units; o++) for (let i = 0; i < inF; i++) w[o * inF + i] = kernel[(rows ? rows[i]! : i) * units + o]!;
  if (b) layer.bias!.data.set(b);
  return withActivation(c, 2, (part) => c.module(layer, x, part));
}

/** Keras BatchNormalization over channels (4-D) or features (2-D, as [N, F, 1, 1]) → BatchNorm2d. */
export function batchNormLayer(c: LayerContext): Val {
  const x = c.single();
  const rank = x.shape.length;
  const rawAxis = c.cfg.value('axis');
  const axis = Array.isArray(rawAxis) && rawAxis.length === 1 ? rawAxis[0] : rawAxis ?? -1;
  if (axis !== -1 && axis !== rank - 1) c.fail(`axis ${JSON.stringify(rawAxis)} on a rank-${rank} input is not supported (only the channel axis, -1)`);
  if (rank !== 4 && rank !== 2) c.fail(`a rank-${rank} input is not supported (4-D images or 2-D features)`);
  const n = x.shape[1]!;
  const stats = [c.cfg.bool('scale', true) ? c.weight('gamma', [n]) : null, c.cfg.bool('center', true) ? c.weight('beta', [n]) : null, c.weight('moving_mean', [n]), c.weight('moving_variance', [n])];
  // Keras: momentum weights the old statistic (0.99); PyTorch's weights the new one (0.01)
  const layer = new BatchNorm2d(n, { eps: c.cfg.number('epsilon', 1e-3), momentum: 1 - c.cfg.number('momentum', 0.99) });
  const order = x.hwc ? hwcIndex(x.hwc) : null;
  [layer.weight, layer.bias, layer.runningMean, layer.runningVar].forEach((t, k) => {
    const v = stats[k];
    if (v) for (let i = 0; i < n; i++) t.data[i] = v[order ? order[i]! : i]!;
  });
  if (rank === 4) return c.module(layer, x);
  const as4d = c.fn('reshape', [x], { shape: [0, n, 1, 1] }, 'nchw');
  const y = c.fn('reshape', [c.module(layer, as4d, 'bn')], { shape: [0, n] });
  return x.hwc ? { ...y, hwc: x.hwc } : y;
}
