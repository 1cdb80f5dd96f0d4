/**
 * One converter per supported ONNX operator: each turns a node into fovea
 * layers (child modules of the GraphModule) or functional graph nodes, or
 * folds it at import time when it only computes a static shape
 * (Shape → Gather → Unsqueeze → Concat → Reshape, as PyTorch exports
 * `x.view(x.size(0), -1)`).
 */
import { ELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../../nn/activation.js';
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { ConstantPad2d } from '../../nn/pad2d.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../nn/pooling.js';
import type { GraphOp } from '../../nn/graph-module.js';
import { convTranspose } from './onnx-conv-transpose.js';
import { constantOfShape, sliceConst, transposeConst } from './onnx-fold.js';
import type { OnnxNode } from './onnx-proto.js';

/** The batch dim while shapes are traced at import time: a size no real layer has, so Shape/Gather can tell it apart. */
export const BATCH = 9973;

/** A constant known at import time: an initializer, a Constant node, or a folded shape computation. */
export interface ConstValue {
  dims: number[];
  data: Float32Array | number[];
}

/** A value computed when the model runs: its name in the GraphModule and its shape (batch = BATCH). */
export interface TensorValue {
  ref: string;
  shape: number[];
}

export type Value = { kind: 'tensor'; t: TensorValue } | { kind: 'const'; c: ConstValue };

/** What a converter can ask of the importer. */
export interface OpContext {
  readonly node: OnnxNode;
  readonly opset: number;
  /** The model's static batch size when its input declares one (a Reshape to [1, -1] in a batch-1 export). */
  readonly declaredBatch: number | null;
  has(i: number): boolean;
  isConst(i: number): boolean;
  constant(i: number): ConstValue;
  /** Input i as a runtime value (a constant becomes a graph constant). */
  tensor(i: number): TensorValue;
  attrI(name: string, fallback: number): number;
  attrF(name: string, fallback: number): number;
  attrInts(name: string): number[] | undefined;
  attrS(name: string, fallback: string): string;
  module(m: Module, input: TensorValue, suffix?: string): TensorValue;
  fn(op: GraphOp, inputs: TensorValue[], attrs?: { dim?: number; shape?: number[]; dims?: number[] }): TensorValue;
  fail(problem: string): never;
}

type Converter = (c: OpContext) => Value;
const T = (t: TensorValue): Value => ({ kind: 'tensor', t });
const C = (c: ConstValue): Value => ({ kind: 'const', c });
const numel = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

/** [begin, end] pads per spatial dim from pads / auto_pad (SAME_UPPER puts the odd pixel at the end). */
function spatialPads(c: OpContext, x: TensorValue, k: readonly number[], s: readonly number[], d: readonly number[]): [number, number, number, number] {
  const auto = c.attrS('auto_pad', 'NOTSET');
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const p = [0, 1].map((i) => {
      const size = x.shape[2 + i]!;
      const total = Math.max(0, (Math.ceil(size / s[i]!) - 1) * s[i]! + (k[i]! - 1) * d[i]! + 1 - size);
      const small = Math.floor(total / 2);
      return auto === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    }) as [[number, number], [number, number]];
    return [p[0][0], p[1][0], p[0][1], p[1][1]];
  }
  if (auto !== 'NOTSET') c.fail(`auto_pad '${auto}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const pads = c.attrInts('pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4 || pads.some((v) => v < 0)) c.fail(`pads [${pads.join(', ')}] must be 4 values >= 0 for a 2-D operator`);
  return pads as [number, number, number, number];
}

function spatial(c: OpContext, name: string, fallback: number): [number, number] {
  const v = c.attrInts(name) ?? [fallback, fallback];
  if (v.length !== 2 || v.some((x) => !Number.isInteger(x) || x < 1)) c.fail(`${name} [${v.join(', ')}] must be two integers >= 1 (only 2-D operators are supported)`);
  return v as [number, number];
}

function input4d(c: OpContext): TensorValue {
  const x = c.tensor(0);
  if (x.shape.length !== 4) c.fail(`expects a 4-D input [N, C, H, W], got rank ${x.shape.length}`);
  return x;
}

const symmetric = (p: readonly number[]): boolean => p[0] === p[2] && p[1] === p[3];

function conv(c: OpContext): Value {
  const x = input4d(c);
  const w = c.constant(1);
  if (w.dims.length !== 4) c.fail(`weight has dims [${w.dims.join(', ')}]; only 2-D convolution (a 4-D weight) is supported`);
  const [o, cg, kh, kw] = w.dims as [number, number, number, number];
  const k = c.attrInts('kernel_shape');
  if (k && (k[0] !== kh || k[1] !== kw)) c.fail(`kernel_shape [${k.join(', ')}] does not match weight [${w.dims.join(', ')}]`);
  const group = c.attrI('group', 1);
  const stride = spatial(c, 'strides', 1);
  const dilation = spatial(c, 'dilations', 1);
  const pads = spatialPads(c, x, [kh, kw], stride, dilation);
  if (x.shape[1] !== cg * group) c.fail(`input has ${x.shape[1]} channels but weight [${w.dims.join(', ')}] with group=${group} expects ${cg * group}`);
  const hasBias = c.has(2);
  const layer = new Conv2d(cg * group, o, [kh, kw], { stride, dilation, groups: group, bias: hasBias, padding: symmetric(pads) ? [pads[0], pads[1]] : 0 });
  layer.weight.data.set(w.data);
  if (hasBias) {
    const b = c.constant(2);
    if (numel(b.dims) !== o) c.fail(`bias has ${numel(b.dims)} values for ${o} output channels`);
    layer.bias!.data.set(b.data);
  }
  const padded = symmetric(pads) ? x : c.module(new ConstantPad2d(pads), x, 'pad');
  return T(c.module(layer, padded));
}

function transposed(d: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = d[i * cols + j]!;
  return out;
}

function gemm(c: OpContext): Value {
  const a = c.tensor(0);
  if (a.shape.length !== 2) c.fail(`expects a 2-D input, got shape [${a.shape.join(', ')}]`);
  if (c.attrI('transA', 0)) c.fail('transA=1 is not supported');
  const b = c.constant(1);
  if (b.dims.length !== 2) c.fail(`B must be a 2-D constant, got dims [${b.dims.join(', ')}]`);
  const transB = c.attrI('transB', 0) === 1;
  const [k, m] = transB ? [b.dims[1]!, b.dims[0]!] : (b.dims as [number, number]);
  if (a.shape[1] !== k) c.fail(`input has ${a.shape[1]} features but B [${b.dims.join(', ')}] (transB=${Number(transB)}) expects ${k}`);
  const alpha = c.attrF('alpha', 1);
  const beta = c.attrF('beta', 1);
  const layer = new Linear(k, m, { bias: c.has(2) });
  const w = transB ? Float32Array.from(b.data) : transposed(b.data, k, m);
  layer.weight.data.set(alpha === 1 ? w : w.map((v) => v * alpha));
  if (c.has(2)) {
    const bias = c.constant(2);
    const n = numel(bias.dims);
    if (n !== m && n !== 1) c.fail(`C has ${n} values; fovea supports a bias of ${m} values or a scalar`);
    for (let i = 0; i < m; i++) layer.bias!.data[i] = beta * bias.data[n === 1 ? 0 : i]!;
  }
  return T(c.module(layer, a));
}

function matMul(c: OpContext): Value {
  const a = c.tensor(0);
  if (c.isConst(1) && a.shape.length === 2) {
    const b = c.constant(1);
    if (b.dims.length !== 2 || b.dims[0] !== a.shape[1]) c.fail(`cannot multiply [${a.shape.join(', ')}] by [${b.dims.join(', ')}]`);
    const [k, m] = b.dims as [number, number];
    const layer = new Linear(k, m, { bias: false });
    layer.weight.data.set(transposed(b.data, k, m));
    return T(c.module(layer, a));
  }
  return T(c.fn('matmul', [a, c.tensor(1)]));
}

function hasBatch(v: ConstValue): boolean {
  return Array.from(v.data).includes(BATCH);
}

/** Element-wise arithmetic; on two integer constants (shape arithmetic) it folds. */
function binary(op: 'add' | 'sub' | 'mul' | 'div'): Converter {
  return (c) => {
    if (c.isConst(0) && c.isConst(1)) {
      const [a, b] = [c.constant(0), c.constant(1)];
      if (hasBatch(a) || hasBatch(b)) c.fail('arithmetic on the batch size is not supported (the batch dim must stay dynamic)');
      const n = Math.max(a.data.length, b.data.length);
      if ((a.data.length !== n && a.data.length !== 1) || (b.data.length !== n && b.data.length !== 1)) c.fail('constant folding supports scalars and equal sizes only');
      const f = { add: (x: number, y: number) => x + y, sub: (x: number, y: number) => x - y, mul: (x: number, y: number) => x * y, div: (x: number, y: number) => x / y }[op];
      const data = Array.from({ length: n }, (_, i) => f(a.data[a.data.length === 1 ? 0 : i]!, b.data[b.data.length === 1 ? 0 : i]!));
      return C({ dims: a.data.length === n ? a.dims : b.dims, data: a.data instanceof Float32Array || b.data instanceof Float32Array ? Float32Array.from(data) : data.map(Math.trunc) });
    }
    return T(c.fn(op, [c.tensor(0), c.tensor(1)]));
  };
}

function clip(c: OpContext): Value {
  const bound = (i: number, attr: string): number | null => {
    if (c.opset < 11) {
      const v = c.attrF(attr, NaN);
      return Number.isNaN(v) || Math.abs(v) >= 3.4e38 ? null : v;
    }
    if (!c.has(i)) return null;
    const v = c.constant(i);
    if (v.data.length !== 1) c.fail(`${attr} must be a scalar`);
    return Math.abs(v.data[0]!) >= 3.4e38 ? null : v.data[0]!;
  };
  const [lo, hi] = [bound(1, 'min'), bound(2, 'max')];
  return T(c.module(lo === 0 && hi === null ? new ReLU() : new Hardtanh(lo, hi), c.tensor(0)));
}

function softmaxLike(log: boolean): Converter {
  return (c) => {
    const x = c.tensor(0);
    const axis = c.attrI('axis', c.opset >= 13 ? -1 : 1);
    const a = axis < 0 ? axis + x.shape.length : axis;
    // before opset 13 the op flattened [.., axis, ..] to 2-D; that equals a per-axis softmax only when no dims follow
    if (c.opset < 13 && x.shape.slice(a + 1).some((d) => d !== 1)) c.fail(`axis=${axis} before opset 13 spans several dims of shape [${x.shape.join(', ')}]; only the last axis is supported`);
    return T(c.module(log ? new LogSoftmax(a) : new Softmax(a), x));
  };
}

/** Extra bottom/right padding that turns floor-mode pooling into ceil mode (the last window must start inside the input or its begin padding). */
function ceilExtra(size: number, k: number, s: number, pb: number, pe: number): number {
  const span = size + pb + pe - k;
  let out = Math.ceil(span / s) + 1;
  if ((out - 1) * s >= size + pb) out--;
  return Math.max(0, (out - 1) * s + k - (size + pb + pe));
}

function pool(max: boolean): Converter {
  return (c) => {
    const x = input4d(c);
    if (c.node.outputs.length > 1 && c.node.outputs[1]) c.fail('the Indices output is not supported');
    const k = spatial(c, 'kernel_shape', 0);
    const stride = spatial(c, 'strides', 1);
    if (spatial(c, 'dilations', 1).some((d) => d !== 1)) c.fail('dilated pooling is not supported');
    const pads = spatialPads(c, x, k, stride, [1, 1]);
    if (c.attrI('ceil_mode', 0)) {
      const eh = ceilExtra(x.shape[2]!, k[0], stride[0], pads[0], pads[2]);
      const ew = ceilExtra(x.shape[3]!, k[1], stride[1], pads[1], pads[3]);
      if ((eh || ew) && !max) c.fail('ceil_mode changes the output size here, which fovea supports for MaxPool only');
      pads[2] += eh;
      pads[3] += ew;
    }
    const native = symmetric(pads) && pads[0] * 2 <= k[0] && pads[1] * 2 <= k[1];
    const countIncludePad = c.attrI('count_include_pad', 0) === 1;
    if (!native && !max && !countIncludePad && pads.some((p) => p > 0)) c.fail(`asymmetric pads [${pads.join(', ')}] with count_include_pad=0 are not supported`);
    const input = native ? x : c.module(new ConstantPad2d(pads, max ? -Infinity : 0), x, 'pad');
    const padding: [number, number] = native ? [pads[0], pads[1]] : [0, 0];
    const layer = max ? new MaxPool2d(k, { stride, padding }) : new AvgPool2d(k, { stride, padding, countIncludePad });
    return T(c.module(layer, input));
  };
}

function batchNorm(c: OpContext): Value {
  const x = input4d(c);
  const ch = x.shape[1]!;
  const layer = new BatchNorm2d(ch, { eps: c.attrF('epsilon', 1e-5), momentum: 1 - c.attrF('momentum', 0.9) });
  const targets = [layer.weight, layer.bias, layer.runningMean, layer.runningVar];
  targets.forEach((t, i) => {
    const v = c.constant(i + 1);
    if (v.data.length !== ch) c.fail(`input ${i + 1} has ${v.data.length} values for ${ch} channels`);
    t.data.set(v.data);
  });
  return T(c.module(layer, x));
}

function flatten(c: OpContext): Value {
  const x = c.tensor(0);
  const axis = c.attrI('axis', 1);
  if ((axis < 0 ? axis + x.shape.length : axis) !== 1) c.fail(`axis=${axis} is not supported (only 1: keep the batch dim)`);
  return T(c.module(new Flatten(1, -1), x));
}

function ints(c: OpContext, i: number, attr: string): number[] | undefined {
  if (c.opset >= 13 || attr === 'pads') {
    if (c.has(i)) return Array.from(c.constant(i).data);
    if (attr === 'axes' && c.opset >= 13) return undefined;
  }
  return c.attrInts(attr);
}

function reshape(c: OpContext): Value {
  const target = ints(c, 1, 'shape') ?? c.fail('needs a constant shape');
  if (c.attrI('allowzero', 0) === 1 && target.includes(0)) c.fail('allowzero=1 with a 0 in the shape is not supported');
  if (c.isConst(0)) {
    const v = c.constant(0);
    const dims = target.map((d, i) => (d === 0 ? v.dims[i]! : d));
    const known = numel(dims.filter((d) => d !== -1));
    const out = dims.map((d) => (d === -1 ? v.data.length / known : d));
    if (numel(out) !== v.data.length || !out.every(Number.isInteger)) c.fail(`cannot reshape a constant of dims [${v.dims.join(', ')}] to [${target.join(', ')}]`);
    return C({ dims: out, data: v.data });
  }
  const x = c.tensor(0);
  // the batch stays dynamic: a batch taken from Shape (or a batch-1 export's literal 1) becomes "copy dim 0"
  const shape = target.map((d, i) => (i === 0 && x.shape[0] === BATCH && (d === BATCH || d === c.declaredBatch) ? 0 : d));
  if (shape.includes(BATCH)) c.fail('the batch size appears in the target shape away from dim 0');
  return T(c.fn('reshape', [x], { shape }));
}

function transpose(c: OpContext): Value {
  const rank = c.isConst(0) ? c.constant(0).dims.length : c.tensor(0).shape.length;
  const perm = c.attrInts('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) c.fail(`perm [${perm.join(', ')}] is not a permutation of ${rank} dims`);
  if (c.isConst(0)) return C(transposeConst(c.constant(0), perm));
  return T(c.fn('permute', [c.tensor(0)], { dims: perm }));
}

function slice(c: OpContext): Value {
  if (!c.isConst(0)) c.fail('only a Slice of a value computable at import time (a shape or pads) is supported');
  const v = (i: number): number[] | undefined => (c.has(i) ? Array.from(c.constant(i).data) : undefined);
  const starts = c.opset >= 10 ? v(1) : c.attrInts('starts');
  const ends = c.opset >= 10 ? v(2) : c.attrInts('ends');
  if (!starts || !ends || starts.length !== ends.length) c.fail('needs starts and ends of equal length');
  return C(sliceConst(c.constant(0), starts, ends, c.opset >= 10 ? v(3) : c.attrInts('axes'), v(4)));
}

function constantOfShapeOp(c: OpContext): Value {
  const t = c.node.attributes.find((a) => a.name === 'value')?.t;
  const shape = c.constant(0);
  if (Array.from(shape.data).some((d) => !Number.isInteger(d) || d < 0 || d === BATCH) || numel(Array.from(shape.data)) > 1 << 20) c.fail(`invalid or dynamic shape [${Array.from(shape.data).join(', ')}]`);
  return C(constantOfShape(shape, t?.data ? { dims: t.dims, data: t.data } : undefined));
}

function concat(c: OpContext): Value {
  const axis = c.attrI('axis', 0);
  const n = c.node.inputs.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  if (idx.every((i) => c.isConst(i))) {
    const parts = idx.map((i) => c.constant(i));
    if (parts.some((p) => p.dims.length !== 1) || axis !== 0 && axis !== -1) c.fail('constant folding supports 1-D values only');
    const data = parts.flatMap((p) => Array.from(p.data));
    return C({ dims: [data.length], data: parts.some((p) => p.data instanceof Float32Array) ? Float32Array.from(data) : data });
  }
  return T(c.fn('concat', idx.map((i) => c.tensor(i)), { dim: axis }));
}

function pad(c: OpContext): Value {
  const mode = c.attrS('mode', 'constant');
  if (mode !== 'constant') c.fail(`mode '${mode}' is not supported (only 'constant')`);
  if (c.opset >= 18 && c.has(3)) c.fail('the axes input is not supported');
  const pads = c.opset >= 11 ? ints(c, 1, 'pads') : c.attrInts('pads');
  if (!pads || pads.length !== 8) c.fail(`expects 8 pads for a 4-D input, got [${(pads ?? []).join(', ')}]`);
  const [n0, c0, t, l, n1, c1, b, r] = pads as [number, number, number, number, number, number, number, number];
  if (n0 || c0 || n1 || c1) c.fail(`pads [${pads.join(', ')}] touch the batch or channel dims; only H and W padding is supported`);
  const value = c.opset >= 11 ? (c.has(2) ? c.constant(2).data[0] ?? 0 : 0) : c.attrF('value', 0);
  return T(c.module(new ConstantPad2d([t, l, b, r], value), input4d(c)));
}

function alias(c: OpContext): Value {
  if (c.node.opType === 'Dropout' && c.node.outputs[1]) c.fail('the mask output is not supported');
  return c.isConst(0) ? C(c.constant(0)) : T(c.tensor(0));
}

function squeezeLike(un: boolean): Converter {
  return (c) => {
    const axes = ints(c, 1, 'axes');
    if (un && !axes) c.fail('needs axes');
    if (c.isConst(0)) {
      const v = c.constant(0);
      let dims = [...v.dims];
      if (un) for (const a of [...axes!].map((a) => (a < 0 ? a + dims.length + axes!.length : a)).sort((p, q) => p - q)) dims.splice(a, 0, 1);
      else dims = dims.filter((d, i) => (axes ? !axes.map((a) => (a < 0 ? a + v.dims.length : a)).includes(i) : d !== 1));
      return C({ dims, data: v.data });
    }
    return T(c.fn(un ? 'unsqueeze' : 'squeeze', [c.tensor(0)], axes ? { dims: axes } : {}));
  };
}

function shape(c: OpContext): Value {
  const dims = c.isConst(0) ? c.constant(0).dims : c.tensor(0).shape;
  const r = dims.length;
  const norm = (v: number): number => Math.min(r, Math.max(0, v < 0 ? v + r : v));
  const part = dims.slice(norm(c.attrI('start', 0)), norm(c.attrI('end', r)));
  return C({ dims: [part.length], data: part });
}

function gather(c: OpContext): Value {
  if (!c.isConst(0)) c.fail('only a Gather on a static shape (after Shape) is supported');
  const data = c.constant(0);
  const idx = c.constant(1);
  if (c.attrI('axis', 0) !== 0 || data.dims.length !== 1) c.fail('only a Gather along axis 0 of a 1-D value is supported');
  const n = data.data.length;
  const picked = Array.from(idx.data, (i) => {
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) c.fail(`index ${i} is out of range for ${n} values`);
    return data.data[j]!;
  });
  return C({ dims: idx.dims, data: data.data instanceof Float32Array ? Float32Array.from(picked) : picked });
}

function constant(c: OpContext): Value {
  const t = c.node.attributes.find((a) => a.t)?.t;
  if (t) {
    if (!t.data) c.fail(`value tensor has an unsupported data type ${t.dataType}`);
    return C({ dims: t.dims, data: t.data });
  }
  const f = c.node.attributes.find((a) => a.name === 'value_float' || a.name === 'value_floats');
  if (f) return C({ dims: f.floats ? [f.floats.length] : [], data: Float32Array.from(f.floats ?? [f.f ?? 0]) });
  const i = c.node.attributes.find((a) => a.name === 'value_int' || a.name === 'value_ints');
  if (i) return C({ dims: i.ints ? [i.ints.length] : [], data: i.ints ?? [i.i ?? 0] });
  return c.fail('needs a value, value_float(s) or value_int(s) attribute');
}

function cast(c: OpContext): Value {
  const to = c.attrI('to', 1);
  if (c.isConst(0)) {
    const v = c.constant(0);
    return C({ dims: v.dims, data: to === 1 || to === 11 ? Float32Array.from(v.data) : Array.from(v.data, Math.trunc) });
  }
  if (to !== 1) c.fail('only a cast to float of a runtime tensor is supported');
  return T(c.tensor(0));
}

/** The converters by ONNX operator name. */
export const CONVERTERS: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  ['Conv', conv], ['ConvTranspose', convTranspose], ['Gemm', gemm], ['MatMul', matMul],
  ['Add', binary('add')], ['Sub', binary('sub')], ['Mul', binary('mul')], ['Div', binary('div')],
  ['Relu', (c) => T(c.module(new ReLU(), c.tensor(0)))],
  ['LeakyRelu', (c) => T(c.module(new LeakyReLU(c.attrF('alpha', 0.01)), c.tensor(0)))],
  ['Elu', (c) => T(c.module(new ELU(c.attrF('alpha', 1)), c.tensor(0)))],
  ['Sigmoid', (c) => T(c.module(new Sigmoid(), c.tensor(0)))],
  ['Tanh', (c) => T(c.module(new Tanh(), c.tensor(0)))],
  ['Clip', clip], ['Softmax', softmaxLike(false)], ['LogSoftmax', softmaxLike(true)],
  ['MaxPool', pool(true)], ['AveragePool', pool(false)],
  ['GlobalAveragePool', (c) => T(c.module(new AdaptiveAvgPool2d(1), input4d(c)))],
  ['GlobalMaxPool', (c) => {
    const x = input4d(c);
    return T(c.module(new MaxPool2d([x.shape[2]!, x.shape[3]!]), x));
  }],
  ['BatchNormalization', batchNorm], ['Flatten', flatten], ['Reshape', reshape], ['Transpose', transpose],
  ['Concat', concat], ['Pad', pad], ['Dropout', alias], ['Identity', alias], ['Constant', constant],
  ['Squeeze', squeezeLike(false)], ['Unsqueeze', squeezeLike(true)], ['Shape', shape], ['Gather', gather], ['Cast', cast],
  ['Slice', slice], ['ConstantOfShape', constantOfShapeOp],
]);
