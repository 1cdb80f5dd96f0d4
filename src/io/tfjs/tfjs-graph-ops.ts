/**
 * One converter per supported op of a TF.js graph model. An op that means
 * what a Keras layer means (Conv2D, DepthwiseConv2dNative, MaxPool, MatMul,
 * FusedBatchNorm, ...) is written as that layer's config and run through the
 * layers importer's converter, so TF's 'SAME' padding (the odd pixel at the
 * bottom/right), kernel layouts and NHWC feature order are handled in one
 * place; the rest (math with constants, Pad, Squeeze) is built here.
 *
 * Layout: TF values are NHWC, fovea's NCHW; a 4-D value here is stored NCHW
 * (TF axis 3 is fovea dim 1), and a Const that meets a value elementwise is
 * broadcast from TF's last axis and then transposed the same way.
 */
import { ELU, Hardtanh, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from '../../nn/activation.js';
import type { GraphNode, GraphOp } from '../../nn/graph-module.js';
import type { Module } from '../../nn/module.js';
import { ConstantPad2d } from '../../nn/pad2d.js';
import { tensor } from '../../tensor/ops/creation.js';
import type { Pad4 } from '../../tensor/ops/pad.js';
import type { Tensor } from '../../tensor/tensor.js';
import { show } from './tfjs-config.js';
import type { TfNode } from './tfjs-graph-def.js';
import type { Val } from './tfjs-graph.js';

/** A Const node's value, in TF's layout. */
export interface Konst {
  name: string;
  values: Float32Array;
  shape: number[];
}

/** What a converter can ask of the importer while converting one node. */
export interface OpContext {
  readonly node: TfNode;
  /** This node computes the model's output (where a final softmax is dropped). */
  readonly isOutput: boolean;
  /** Data input `i`, a computed value. */
  value(i: number): Val;
  /** Data input `i`, a Const (possibly through Identity nodes). */
  konst(i: number): Konst;
  isKonst(i: number): boolean;
  /** Runs the Keras converter of `className` with `config`, its weights taken from `weights` (checked against the shapes the layer expects). */
  keras(className: string, config: Record<string, unknown>, inputs: readonly Val[], weights?: Record<string, Konst | null>, part?: string): Val;
  /** Adds a child module applied to `x`; `part` names a helper node (`<node>_<part>`), none names the node's own output. */
  module(m: Module, x: Val, part?: string): Val;
  fn(op: GraphOp, ins: readonly Val[], attrs?: GraphNode['attrs'], part?: string): Val;
  constant(t: Tensor, part: string): Val;
  /** `x` with its features in TF order (a no-op unless `x` carries `hwc`). */
  plain(x: Val): Val;
  droppedSoftmax(): void;
  fail(problem: string): never;
}

type OpConverter = (c: OpContext) => Val;

/** The activations TF fuses into a convolution or matmul, and the ops of the same names. */
export const GRAPH_ACTIVATIONS = ['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Sigmoid', 'Tanh'] as const;

const keepOrder = (x: Val, y: Val): Val => (x.hwc ? { ...y, hwc: x.hwc } : y);

function arity(c: OpContext, n: number): void {
  if (c.node.inputs.length !== n) c.fail(`takes ${n} input${n === 1 ? '' : 's'}, got ${c.node.inputs.length}`);
}

function nhwc(c: OpContext): void {
  const f = c.node.attrs.string('data_format', 'NHWC');
  if (f !== 'NHWC') c.fail(`data_format '${f}' is not supported (only NHWC, TF's default)`);
}

function image(c: OpContext, i = 0): Val {
  const x = c.value(i);
  return x.shape.length === 4 ? x : c.fail(`expects an image [N, H, W, C], got a rank-${x.shape.length} value (fovea shape ${show(x.shape)})`);
}

/** An NHWC attribute [1, h, w, 1] (strides, ksize, dilations) as [h, w]. */
function hw(c: OpContext, key: string, fallback?: [number, number]): [number, number] {
  const a = c.node.attrs.ints(key, fallback && [1, ...fallback, 1]);
  if (a.length !== 4 || a[0] !== 1 || a[3] !== 1 || !a.every((d) => d >= 1 && d <= 65536)) c.fail(`${key} ${show(a)} must be [1, h, w, 1] with h and w in [1, 65536]`);
  return [a[1]!, a[2]!];
}

/** TF padding: 'same' or 'valid' for the Keras converters, or EXPLICIT as [top, left, bottom, right]. */
function paddingOf(c: OpContext): 'same' | 'valid' | Pad4 {
  const p = c.node.attrs.string('padding');
  if (p === 'SAME' || p === 'VALID') return p === 'SAME' ? 'same' : 'valid';
  if (p !== 'EXPLICIT') c.fail(`padding '${p}' is not supported (SAME, VALID, EXPLICIT)`);
  // NHWC pairs [[0, 0], [top, bottom], [left, right], [0, 0]], flattened
  const e = c.node.attrs.ints('explicit_paddings', []);
  if (e.length !== 8 || e[0] || e[1] || e[6] || e[7] || e.some((d) => d < 0 || d > 65536)) c.fail(`explicit_paddings ${show(e)} must pad H and W only, each side by 0 to 65536`);
  return [e[2]!, e[4]!, e[3]!, e[5]!];
}

/** Integer values of a Const (a shape, axes, paddings). */
function intsOf(c: OpContext, k: Konst): number[] {
  const v = Array.from(k.values);
  return v.every(Number.isInteger) ? v : c.fail(`Const '${k.name}' must hold integers, got ${show(v)}`);
}

const scalar = (c: OpContext, v: number, part: string): Val => c.constant(tensor([v], [1]), part);

function activation(c: OpContext, kind: string, x: Val, alpha: number, part?: string): Val {
  let m: Module;
  switch (kind) {
    case 'Relu': m = new ReLU(); break;
    case 'Relu6': m = new Hardtanh(0, 6); break;
    case 'Sigmoid': m = new Sigmoid(); break;
    case 'Tanh': m = new Tanh(); break;
    case 'LeakyRelu': m = new LeakyReLU(alpha); break;
    case 'Elu': m = new ELU(); break; // TF's Elu has no alpha: always 1
    default: return c.fail(`activation '${kind}' is not supported; supported: ${GRAPH_ACTIVATIONS.join(', ')}`);
  }
  return keepOrder(x, c.module(m, x, part));
}

interface Fused {
  bias: Konst | null;
  batchNorm: Konst[] | null;
  act: string | null;
}

/** `fused_ops` of _FusedConv2D / FusedDepthwiseConv2dNative / _FusedMatMul: BiasAdd (or FusedBatchNorm) and an optional activation, their arguments inputs 2, 3, ... */
function fusedOps(c: OpContext, batchNorm: boolean): Fused {
  const ops = c.node.attrs.strings('fused_ops');
  const args = c.node.inputs.length - 2;
  if (c.node.attrs.int('num_args', args) !== args) c.fail(`num_args is ${c.node.attrs.int('num_args')} but ${args} inputs follow the first two`);
  const [first, act, ...rest] = ops;
  // TF writes 'BiasAdd', 'Relu6'; tfjs-converter matches them in any case
  const canon = act === undefined ? null : GRAPH_ACTIVATIONS.find((a) => a.toLowerCase() === act.toLowerCase()) ?? null;
  const want = first === undefined ? 0 : /^biasadd$/i.test(first) ? 1 : batchNorm && /^fusedbatchnorm$/i.test(first) ? 4 : -1;
  if (want < 0 || rest.length || (act !== undefined && !canon)) {
    c.fail(`fused_ops ${show(ops)} are not supported: BiasAdd${batchNorm ? ' or FusedBatchNorm' : ''}, then optionally one of ${GRAPH_ACTIVATIONS.join(', ')}`);
  }
  if (args !== want) c.fail(`fused_ops ${show(ops)} take ${want} extra input${want === 1 ? '' : 's'}, got ${args}`);
  const extra = Array.from({ length: args }, (_, i) => c.konst(2 + i));
  return { bias: want === 1 ? extra[0]! : null, batchNorm: want === 4 ? extra : null, act: canon };
}

/**
 * An inference batch norm after a convolution, folded into its kernel (TF
 * layout: the output channel is the fastest axis) and a bias:
 * (conv - mean) * scale / sqrt(var + eps) + offset.
 */
function foldBatchNorm(c: OpContext, filter: Konst, outChannels: number, stats: Konst[], eps: number): { kernel: Konst; bias: Konst } {
  for (const s of stats) if (s.values.length !== outChannels) c.fail(`batch-norm Const '${s.name}' has shape ${show(s.shape)}; the convolution has ${outChannels} output channels`);
  const [scale, offset, mean, variance] = stats.map((s) => s.values) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const factor = scale.map((g, o) => g / Math.sqrt(variance[o]! + eps));
  const kernel = filter.values.map((v, i) => v * factor[i % outChannels]!);
  const bias = offset.map((b, o) => b - mean[o]! * factor[o]!);
  return { kernel: { ...filter, values: kernel }, bias: { name: `${stats[0]!.name} (folded)`, values: bias, shape: [outChannels] } };
}

/** Conv2D, _FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2dNative → [ConstantPad2d] + Conv2d [+ activation]. */
function conv(depthwise: boolean): OpConverter {
  return (c) => {
    nhwc(c);
    const x = image(c);
    const filter = c.konst(1);
    if (filter.shape.length !== 4) c.fail(`filter '${filter.name}' has shape ${show(filter.shape)}; expected [kh, kw, in, ${depthwise ? 'multiplier' : 'out'}]`);
    const [kh, kw, fin, fout] = filter.shape as [number, number, number, number];
    const cin = x.shape[1]!;
    const outChannels = depthwise ? cin * fout : fout;
    const f = fusedOps(c, true);
    const folded = f.batchNorm ? foldBatchNorm(c, filter, outChannels, f.batchNorm, c.node.attrs.float('epsilon', 1e-4)) : null;
    const [kernel, bias] = folded ? [folded.kernel, folded.bias] : [filter, f.bias];
    const pad = paddingOf(c);
    const input = typeof pad !== 'string' && pad.some((p) => p > 0) ? c.module(new ConstantPad2d(pad), x, 'pad') : x;
    const common = {
      kernel_size: [kh, kw], strides: hw(c, 'strides'), dilation_rate: hw(c, 'dilations', [1, 1]),
      padding: typeof pad === 'string' ? pad : 'valid', use_bias: bias !== null, activation: 'linear',
    };
    const part = f.act ? 'conv' : undefined;
    let y: Val;
    if (depthwise) {
      y = c.keras('DepthwiseConv2D', { ...common, depth_multiplier: fout }, [input], { depthwise_kernel: kernel, bias }, part);
    } else {
      // a filter with fewer input channels than the image is a grouped convolution
      if (fin < 1 || cin % fin !== 0) c.fail(`filter '${filter.name}' ${show(filter.shape)} takes ${fin} input channels, which does not divide the input's ${cin}`);
      y = c.keras('Conv2D', { ...common, filters: fout, groups: cin / fin }, [input], { kernel, bias }, part);
    }
    return f.act ? activation(c, f.act, y, c.node.attrs.float('leakyrelu_alpha', 0.2)) : y;
  };
}

/**
 * A Const that meets `x` elementwise. TF broadcasts from the last axis: the
 * Const's shape gets leading 1s up to x's rank, and a 4-D one goes from NHWC
 * to NCHW like the values. A scalar leaves a flattened map's order alone.
 */
function broadcastConst(c: OpContext, k: Konst, x0: Val, part: string): { x: Val; k: Val } {
  const rank = x0.shape.length;
  if (k.shape.length > rank) c.fail(`Const '${k.name}' ${show(k.shape)} has a higher rank than the value it meets (fovea shape ${show(x0.shape)})`);
  const s = [...new Array<number>(rank - k.shape.length).fill(1), ...k.shape];
  if (s[0] !== 1) c.fail(`Const '${k.name}' ${show(k.shape)} spans the batch axis; only constants shared by every sample are supported`);
  if (s.every((d) => d === 1)) return { x: x0, k: scalar(c, k.values[0]!, part) };
  const x = c.plain(x0);
  if (rank !== 4) return { x, k: c.constant(tensor(k.values, s), part) };
  const [h, w, ch] = [s[1]!, s[2]!, s[3]!];
  const nchw = new Float32Array(k.values.length);
  for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) for (let j = 0; j < ch; j++) nchw[(j * h + y) * w + i] = k.values[(y * w + i) * ch + j]!;
  return { x, k: c.constant(tensor(nchw, [1, ch, h, w]), part) };
}

/** Add, AddV2, Sub, Mul, RealDiv (and BiasAdd): two values of one rank, or a value and a Const on either side. */
function binary(op: 'add' | 'sub' | 'mul' | 'div'): OpConverter {
  return (c) => {
    arity(c, 2);
    if (c.node.op === 'BiasAdd') nhwc(c);
    const [ka, kb] = [c.isKonst(0), c.isKonst(1)];
    if (ka && kb) c.fail('both inputs are Consts (fovea does not fold constants)');
    if (ka || kb) {
      const xi = ka ? 1 : 0;
      const { x, k } = broadcastConst(c, c.konst(1 - xi), c.value(xi), ka ? 'x' : 'y');
      return keepOrder(x, c.fn(op, xi === 0 ? [x, k] : [k, x]));
    }
    let [a, b] = [c.value(0), c.value(1)];
    // TF broadcasts from the last axis; equal ranks broadcast alike in both layouts
    if (a.shape.length !== b.shape.length) c.fail(`inputs of fovea shapes ${show(a.shape)} and ${show(b.shape)}: only values of one rank are supported`);
    if (JSON.stringify(a.hwc ?? null) !== JSON.stringify(b.hwc ?? null)) [a, b] = [c.plain(a), c.plain(b)];
    return keepOrder(a, c.fn(op, [a, b]));
  };
}

function activationOp(c: OpContext): Val {
  arity(c, 1);
  return activation(c, c.node.op, c.value(0), c.node.attrs.float('alpha', 0.2));
}

/** Softmax over TF's last axis: a vector's features, an image's channels (fovea dim 1); dropped at the output. */
function softmaxOp(c: OpContext): Val {
  arity(c, 1);
  const x = c.value(0);
  const rank = x.shape.length;
  if (rank === 2 && c.isOutput) {
    c.droppedSoftmax();
    return x;
  }
  if (rank !== 2 && rank !== 4) c.fail(`softmax of a rank-${rank} value is not supported`);
  return keepOrder(x, c.module(new Softmax(1), x));
}

/** MaxPool, AvgPool: TF's SAME average divides by the pixels inside the image, as the Keras converter does. */
function pool(className: string): OpConverter {
  return (c) => {
    arity(c, 1);
    nhwc(c);
    const pad = paddingOf(c);
    if (typeof pad !== 'string') c.fail('EXPLICIT padding is not supported for pooling');
    return c.keras(className, { pool_size: hw(c, 'ksize'), strides: hw(c, 'strides'), padding: pad }, [image(c)]);
  };
}

/** Mean / Max over the spatial axes [1, 2]: global pooling, keep_dims or not. */
function globalPool(className: string): OpConverter {
  return (c) => {
    arity(c, 2);
    const x = c.value(0);
    const raw = intsOf(c, c.konst(1));
    const axes = raw.map((a) => (a < 0 ? a + x.shape.length : a)).sort();
    if (x.shape.length !== 4 || axes.length !== 2 || axes[0] !== 1 || axes[1] !== 2) {
      c.fail(`reducing axes ${show(raw)} of a rank-${x.shape.length} value is not supported (only axes [1, 2] of an image: global pooling)`);
    }
    return c.keras(className, { keepdims: c.node.attrs.bool('keep_dims', false) }, [x]);
  };
}

/** Squeeze of the spatial axes of a [N, 1, 1, C] map. */
function squeezeOp(c: OpContext): Val {
  arity(c, 1);
  const x = c.value(0);
  const a = c.node.attrs;
  // the GraphDef attribute is squeeze_dims; tfjs-converter also reads 'axis'
  const dims = a.has('squeeze_dims') ? a.ints('squeeze_dims') : a.ints('axis', []);
  const rank = x.shape.length;
  const norm = dims.map((d) => (d < 0 ? d + rank : d)).sort();
  if (rank !== 4 || norm.length !== 2 || norm[0] !== 1 || norm[1] !== 2) {
    c.fail(`squeezing axes ${show(dims)} of a rank-${rank} value is not supported (only the spatial axes [1, 2] of a [N, 1, 1, C] map${dims.length ? '' : '; no axes would also drop a batch of 1'})`);
  }
  return c.fn('squeeze', [x], { dims: [2, 3] });
}

/** Reshape to [N, K] (a flatten, in TF's H, W, C order) or to [N, H, W, C]; the batch dim must be -1 or N. */
function reshapeOp(c: OpContext): Val {
  arity(c, 2);
  const x = c.value(0);
  const target = intsOf(c, c.konst(1));
  const [batch, ...rest] = target;
  const ok = batch !== undefined && (batch === -1 || batch >= 1) && rest.every((d) => d === -1 || d >= 1) && rest.filter((d) => d === -1).length <= (batch === -1 ? 0 : 1);
  if (!ok || (rest.length !== 1 && rest.length !== 3)) c.fail(`reshape to ${show(target)} is not supported (to [-1 or N, K] or [-1 or N, H, W, C], a -1 only where the batch dim is given)`);
  const perSample = x.shape.slice(1).reduce((p, d) => p * d, 1);
  if (rest.length === 1 && (rest[0] === perSample || rest[0] === -1)) return x.shape.length === 2 ? x : c.keras('Flatten', {}, [x]);
  return c.keras('Reshape', { target_shape: rest }, [x]);
}

function transposed(k: Konst): Konst {
  const [r, cols] = k.shape as [number, number];
  const out = new Float32Array(k.values.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < cols; j++) out[j * r + i] = k.values[i * cols + j]!;
  return { ...k, values: out, shape: [cols, r] };
}

/** MatMul, _FusedMatMul: x [N, K] times a Const [K, M] ([M, K] with transpose_b) [+ bias] [+ activation] → Linear. */
function matMulOp(c: OpContext): Val {
  const a = c.node.attrs;
  if (a.bool('transpose_a', false)) c.fail('transpose_a is not supported');
  const x = c.value(0);
  if (x.shape.length !== 2) c.fail(`the first input must be a batch of vectors [N, K], got fovea shape ${show(x.shape)}`);
  if (!c.isKonst(1)) c.fail('the second input must be a Const weight (the product of two computed values is not supported)');
  const w = c.konst(1);
  if (w.shape.length !== 2) c.fail(`weight '${w.name}' has shape ${show(w.shape)}; expected a matrix`);
  const kernel = a.bool('transpose_b', false) ? transposed(w) : w;
  const f = fusedOps(c, false);
  const y = c.keras('Dense', { units: kernel.shape[1], use_bias: f.bias !== null, activation: 'linear' }, [x], { kernel, bias: f.bias }, f.act ? 'matmul' : undefined);
  return f.act ? activation(c, f.act, y, a.float('leakyrelu_alpha', 0.2)) : y;
}

/** ConcatV2: N values, then the axis as a Const. */
function concatOp(c: OpContext): Val {
  const n = c.node.inputs.length - 1;
  if (n < 1 || c.node.attrs.int('N', n) !== n) c.fail(`N is ${c.node.attrs.int('N', n)} but ${n} inputs come before the axis`);
  const axis = intsOf(c, c.konst(n));
  if (axis.length !== 1) c.fail(`axis Const '${c.node.inputs[n]}' must hold one integer, got ${show(axis)}`);
  const xs = Array.from({ length: n }, (_, i) => c.value(i));
  return n === 1 ? xs[0]! : c.keras('Concatenate', { axis: axis[0] }, xs);
}

/** Pad, PadV2 with constant paddings on H and W only → ConstantPad2d. */
function padOp(c: OpContext): Val {
  arity(c, c.node.op === 'PadV2' ? 3 : 2);
  const x = image(c);
  const k = c.konst(1);
  const p = intsOf(c, k);
  if (k.shape.join() !== '4,2' || p[0] || p[1] || p[6] || p[7] || p.some((d) => d < 0 || d > 65536)) {
    c.fail(`paddings ${show(p)} must be [[0, 0], [top, bottom], [left, right], [0, 0]] with each side in [0, 65536]`);
  }
  const v = c.node.op === 'PadV2' ? c.konst(2).values : [0];
  if (v.length !== 1) c.fail(`constant_values must be a scalar, got ${v.length} values`);
  return c.module(new ConstantPad2d([p[2]!, p[4]!, p[3]!, p[5]!], v[0]!), x);
}

/** FusedBatchNorm(V2, V3) at inference: scale, offset, mean, variance → BatchNorm2d in eval mode. */
function batchNormOp(c: OpContext): Val {
  arity(c, 5);
  nhwc(c);
  // TF's default is true, but converted inference graphs write false or nothing, and TF.js ignores it
  if (c.node.attrs.bool('is_training', false)) c.fail('is_training=true is not supported (an inference graph normalises with stored statistics)');
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => c.konst(i));
  // TF's default epsilon for FusedBatchNorm is 1e-4
  return c.keras('BatchNormalization', { axis: -1, epsilon: c.node.attrs.float('epsilon', 1e-4) }, [image(c)], { gamma: gamma!, beta: beta!, moving_mean: mean!, moving_variance: variance! });
}

/** The converters by TF op name (Placeholder, Const and Identity are handled by the importer). */
export const GRAPH_OP_CONVERTERS: ReadonlyMap<string, OpConverter> = new Map<string, OpConverter>([
  ['Conv2D', conv(false)], ['_FusedConv2D', conv(false)], ['DepthwiseConv2dNative', conv(true)], ['FusedDepthwiseConv2dNative', conv(true)],
  ['BiasAdd', binary('add')], ['Add', binary('add')], ['AddV2', binary('add')], ['Sub', binary('sub')], ['Mul', binary('mul')], ['RealDiv', binary('div')],
  ...GRAPH_ACTIVATIONS.map((a): [string, OpConverter] => [a, activationOp]), ['Softmax', softmaxOp],
  ['MaxPool', pool('MaxPooling2D')], ['AvgPool', pool('AveragePooling2D')], ['Mean', globalPool('GlobalAveragePooling2D')], ['Max', globalPool('GlobalMaxPooling2D')],
  ['Squeeze', squeezeOp], ['Reshape', reshapeOp], ['MatMul', matMulOp], ['_FusedMatMul', matMulOp], ['ConcatV2', concatOp], ['Pad', padOp], ['PadV2', padOp],
  ['FusedBatchNorm', batchNormOp], ['FusedBatchNormV2', batchNormOp], ['FusedBatchNormV3', batchNormOp],
]);
