/**
 * One converter per supported Keras layer class (the weighted ones live in
 * tfjs-conv-layers.ts): each turns a layer call into fovea modules and graph
 * nodes, the last of which carries the Keras layer's name.
 */
import { ELU, Hardtanh, LeakyReLU, ReLU, Softmax } from '../../nn/activation.js';
import { Dropout } from '../../nn/dropout.js';
import { Flatten } from '../../nn/flatten.js';
import { ConstantPad2d } from '../../nn/pad2d.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../nn/pooling.js';
import { tensor } from '../../tensor/ops/creation.js';
import type { Pad4 } from '../../tensor/ops/pad.js';
import { show } from './tfjs-config.js';
import { activationModule, batchNormLayer, conv2dLayer, denseLayer, depthwiseConv2dLayer, isSymmetric, opt, separableConv2dLayer, tfPads } from './tfjs-conv-layers.js';
import { nchwDim, type LayerContext, type Val } from './tfjs-graph.js';

type Converter = (c: LayerContext) => Val;

/** Elementwise on a flattened map keeps its feature order. */
const keepOrder = (x: Val, y: Val): Val => (x.hwc ? { ...y, hwc: x.hwc } : y);

function activationLayer(c: LayerContext): Val {
  const x = c.single();
  const m = activationModule(c, c.cfg.string('activation'), x.shape.length);
  return m ? keepOrder(x, c.module(m, x)) : x;
}

/** Keras ReLU: max(x, 0) capped at max_value (ReLU6 when 6); a negative_slope without a cap is a LeakyReLU. */
function reluLayer(c: LayerContext): Val {
  const x = c.single();
  const threshold = c.cfg.number('threshold', 0);
  const slope = c.cfg.number('negative_slope', 0);
  const max = c.cfg.has('max_value') ? c.cfg.number('max_value') : null;
  if (threshold !== 0) c.fail(`threshold ${threshold} is not supported (only 0)`);
  if (max !== null && max <= 0) c.fail(`max_value ${max} must be > 0`);
  if (slope !== 0 && max !== null) c.fail(`negative_slope ${slope} together with max_value ${max} is not supported`);
  const m = slope !== 0 ? new LeakyReLU(slope) : max !== null ? new Hardtanh(0, max) : new ReLU();
  return keepOrder(x, c.module(m, x));
}

function leakyReluLayer(c: LayerContext): Val {
  const x = c.single();
  // Keras 2 and TF.js call it alpha; Keras 3 negative_slope
  const slope = c.cfg.has('alpha') ? c.cfg.number('alpha') : c.cfg.number('negative_slope', 0.3);
  return keepOrder(x, c.module(new LeakyReLU(slope), x));
}

/** Keras ELU: alpha * (exp(x) - 1) below 0, alpha 1 by default. */
function eluLayer(c: LayerContext): Val {
  const x = c.single();
  const alpha = c.cfg.number('alpha', 1);
  if (!Number.isFinite(alpha)) c.fail(`alpha ${alpha} must be a finite number`);
  return keepOrder(x, c.module(new ELU(alpha), x));
}

function softmaxLayer(c: LayerContext): Val {
  const x = c.single();
  const rank = x.shape.length;
  const raw = c.cfg.value('axis') ?? -1;
  const axis = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank || axis === 0 || axis === -rank) c.fail(`axis ${show(raw)} is not a non-batch axis of a rank-${rank} input`);
  const a = (axis as number) < 0 ? (axis as number) + rank : (axis as number);
  if (a === rank - 1 && rank === 2 && c.isOutput) {
    c.droppedSoftmax();
    return x;
  }
  if (x.hwc && rank === 2) return keepOrder(x, c.module(new Softmax(1), x));
  return c.module(new Softmax(rank === 4 ? nchwDim(a) : a), x);
}

function poolArgs(c: LayerContext, x: Val): { k: [number, number]; stride: [number, number]; pads: Pad4 } {
  c.cfg.channelsLast();
  const k = c.cfg.pair('pool_size', [2, 2]);
  const stride = c.cfg.pair('strides', k);
  return { k, stride, pads: tfPads(c, x, k, stride) };
}

/** TF 'same' max pooling pads with -Infinity; uneven padding becomes a ConstantPad2d in front. */
function maxPoolLayer(c: LayerContext): Val {
  const x = c.input4d();
  const { k, stride, pads } = poolArgs(c, x);
  const native = isSymmetric(pads) && pads[0] * 2 <= k[0] && pads[1] * 2 <= k[1];
  const input = native ? x : c.module(new ConstantPad2d(pads, -Infinity), x, 'pad');
  const padding = native && (pads[0] || pads[1]) ? { padding: opt([pads[0], pads[1]]) } : {};
  return c.module(new MaxPool2d(opt(k), { stride: opt(stride), ...padding }), input);
}

/**
 * TF 'same' average pooling divides by the pixels inside the image. Even
 * padding is AvgPool2d's countIncludePad=false; uneven padding is zero
 * padding, a full-window average, then a constant map of window / count.
 */
function avgPoolLayer(c: LayerContext): Val {
  const x = c.input4d();
  const { k, stride, pads } = poolArgs(c, x);
  if (isSymmetric(pads) && pads[0] * 2 <= k[0] && pads[1] * 2 <= k[1]) {
    const padding = pads[0] || pads[1] ? { padding: opt([pads[0], pads[1]]), countIncludePad: false } : {};
    return c.module(new AvgPool2d(opt(k), { stride: opt(stride), ...padding }), x);
  }
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const pooled = c.module(new AvgPool2d(opt(k), { stride: opt(stride) }), c.module(new ConstantPad2d(pads), x, 'pad'), 'sum');
  const [oh, ow] = [pooled.shape[2]!, pooled.shape[3]!];
  if (oh * ow > 2 ** 26) c.fail(`output ${oh}x${ow} is too large`);
  const scale = new Float32Array(oh * ow);
  const inside = (start: number, size: number, kk: number): number => Math.min(start + kk, size) - Math.max(start, 0);
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    scale[i * ow + j] = (k[0] * k[1]) / (inside(i * stride[0] - pads[0], h, k[0]) * inside(j * stride[1] - pads[1], w, k[1]));
  }
  return c.fn('mul', [pooled, c.constant(tensor(scale, [1, 1, oh, ow]), 'count')]);
}

function globalPoolLayer(max: boolean): Converter {
  return (c) => {
    c.cfg.channelsLast();
    const x = c.input4d();
    const keep = c.cfg.bool('keepdims', false);
    const pool = max ? new MaxPool2d([x.shape[2]!, x.shape[3]!]) : new AdaptiveAvgPool2d(1);
    if (keep) return c.module(pool, x);
    return c.module(new Flatten(1, -1), c.module(pool, x, 'pool'));
  };
}

/** Add, Subtract, Multiply, Average: elementwise over inputs of one shape. */
function mergeLayer(op: 'add' | 'sub' | 'mul' | 'avg'): Converter {
  return (c) => {
    const ins = c.inputs;
    if (ins.length < 2 || (op === 'sub' && ins.length !== 2)) c.fail(`takes ${op === 'sub' ? 'exactly 2' : 'at least 2'} inputs, got ${ins.length}`);
    const orders = new Set(ins.map((v) => JSON.stringify(v.hwc ?? null)));
    const xs = orders.size === 1 ? ins : ins.map((v) => c.plain(v));
    const last = op === 'avg' ? ins.length : ins.length - 1;
    let y = xs[0]!;
    for (let i = 1; i < xs.length; i++) y = c.fn(op === 'avg' ? 'add' : op, [y, xs[i]!], undefined, i < last ? `${i}` : undefined);
    if (op === 'avg') y = c.fn('mul', [y, c.constant(tensor([1 / ins.length], [1]), 'scale')]);
    return keepOrder(xs[0]!, y);
  };
}

function concatenateLayer(c: LayerContext): Val {
  if (c.inputs.length < 2) c.fail(`takes at least 2 inputs, got ${c.inputs.length}`);
  const xs = c.inputs.map((v) => c.plain(v));
  const rank = xs[0]!.shape.length;
  const axis = c.cfg.int('axis', -1, -rank, rank - 1);
  const a = axis < 0 ? axis + rank : axis;
  if (a === 0) c.fail('concatenation along the batch axis is not supported');
  if (xs.some((v) => v.shape.length !== rank)) c.fail(`inputs have different ranks: ${xs.map((v) => `[${v.shape.join(', ')}]`).join(', ')}`);
  return c.fn('concat', xs, { dim: rank === 4 ? nchwDim(a) : a });
}

/** Keras's [[top, bottom], [left, right]] from an integer, [h, w] or the nested pairs, as fovea's [top, left, bottom, right]. */
function sides(c: LayerContext, key: string): Pad4 {
  const raw = c.cfg.value(key) ?? (key === 'padding' ? 1 : 0);
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65536;
  const pairOf = (v: unknown): [number, number] | null => (ok(v) ? [v, v] : Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1]) ? [v[0], v[1]] : null);
  if (ok(raw)) return [raw, raw, raw, raw];
  if (Array.isArray(raw) && raw.length === 2) {
    // [symH, symW] or [[top, bottom], [left, right]]
    if (ok(raw[0]) && ok(raw[1])) return [raw[0], raw[1], raw[0], raw[1]];
    const [hp, wp] = [pairOf(raw[0]), pairOf(raw[1])];
    if (hp && wp) return [hp[0], wp[0], hp[1], wp[1]];
  }
  return c.fail(`${key} ${show(raw)} must be an integer, [h, w] or [[top, bottom], [left, right]]`);
}

function zeroPaddingLayer(c: LayerContext): Val {
  c.cfg.channelsLast();
  return c.module(new ConstantPad2d(sides(c, 'padding')), c.input4d());
}

/** Keras Cropping2D: a ConstantPad2d with negative pads. */
function croppingLayer(c: LayerContext): Val {
  c.cfg.channelsLast();
  const [t, l, b, r] = sides(c, 'cropping');
  return c.module(new ConstantPad2d([-t, -l, -b, -r]), c.input4d());
}

function flattenLayer(c: LayerContext): Val {
  c.cfg.channelsLast();
  const x = c.single();
  if (x.shape.length === 2) return x;
  const y = c.module(new Flatten(1, -1), x);
  // fovea flattens C, H, W; Keras H, W, C: the same order only when H = W = 1
  if (x.shape.length === 4 && x.shape[2]! * x.shape[3]! > 1) return { ...y, hwc: [x.shape[1]!, x.shape[2]!, x.shape[3]!] };
  return y;
}

function dropoutLayer(c: LayerContext): Val {
  const x = c.single();
  const rate = c.cfg.number('rate', 0.5);
  if (rate < 0 || rate >= 1) c.fail(`rate ${rate} must be in [0, 1)`);
  return keepOrder(x, c.module(new Dropout(rate), x));
}

/** Keras Reshape works on NHWC order: permute an image to NHWC first, and a 4-D result back to NCHW. */
function reshapeLayer(c: LayerContext): Val {
  let x = c.plain(c.single());
  const target = c.cfg.ints('target_shape');
  if (target.filter((d) => d === -1).length > 1 || target.some((d) => d === 0)) c.fail(`target_shape ${show(target)} may hold one -1 and no 0`);
  if (x.shape.length === 4) x = c.fn('permute', [x], { dims: [0, 2, 3, 1] }, 'nhwc');
  const toImage = target.length === 3;
  const y = c.fn('reshape', [x], { shape: [0, ...(target as number[])] }, toImage ? 'reshape' : undefined);
  return toImage ? c.fn('permute', [y], { dims: [0, 3, 1, 2] }) : y;
}

/** Keras Rescaling (x * scale + offset), as preprocessing inside the model. */
function rescalingLayer(c: LayerContext): Val {
  const x = c.single();
  const scale = c.cfg.number('scale');
  const offset = c.cfg.number('offset', 0);
  const scaled = c.fn('mul', [x, c.constant(tensor([scale], [1]), 'scale')], undefined, offset !== 0 ? 'mul' : undefined);
  return keepOrder(x, offset !== 0 ? c.fn('add', [scaled, c.constant(tensor([offset], [1]), 'offset')]) : scaled);
}

/** The converters by Keras class name. */
export const LAYER_CONVERTERS: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  ['Conv2D', conv2dLayer], ['DepthwiseConv2D', depthwiseConv2dLayer], ['SeparableConv2D', separableConv2dLayer],
  ['Dense', denseLayer], ['BatchNormalization', batchNormLayer],
  ['Activation', activationLayer], ['ReLU', reluLayer], ['LeakyReLU', leakyReluLayer], ['ELU', eluLayer], ['Softmax', softmaxLayer],
  ['MaxPooling2D', maxPoolLayer], ['AveragePooling2D', avgPoolLayer],
  ['GlobalAveragePooling2D', globalPoolLayer(false)], ['GlobalMaxPooling2D', globalPoolLayer(true)],
  ['Add', mergeLayer('add')], ['Subtract', mergeLayer('sub')], ['Multiply', mergeLayer('mul')], ['Average', mergeLayer('avg')],
  ['Concatenate', concatenateLayer], ['ZeroPadding2D', zeroPaddingLayer], ['Cropping2D', croppingLayer],
  ['Flatten', flattenLayer], ['Dropout', dropoutLayer], ['Reshape', reshapeLayer], ['Rescaling', rescalingLayer],
]);
