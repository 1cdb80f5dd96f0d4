/**
 * One converter per supported ONNX operator: each turns a node into fovea
 * layers (child modules of the GraphModule) or functional graph nodes, or
 * folds it at import time when it only computes a static shape
 * (Shape → Gather → Unsqueeze → Concat → Reshape, as PyTorch exports
 * `x.view(x.size(0), -1)`). Pooling lives in onnx-pool.ts, reductions and
 * normalisations in onnx-reduce.ts, Slice/Split in onnx-slice.ts. A
 * converter reads every attribute it honours through the context; the
 * importer refuses any attribute none read (load-onnx.ts).
 */
import { ELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../../nn/activation.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import { ConstantPad2d } from '../../nn/pad2d.js';
import { AdaptiveAvgPool2d } from '../../nn/pooling.js';
import { convTranspose } from './onnx-conv-transpose.js';
import { constantOfShape, transposeConst } from './onnx-fold.js';
import {
  BATCH, C, T, input4d, numel, spatial, spatialPads, symmetric,
  type ConstValue, type Converter, type OpContext, type TensorValue, type Value,
} from './onnx-op-context.js';
import { globalMaxPool, pool } from './onnx-pool.js';
import { batchNorm, layerNorm, reduce } from './onnx-reduce.js';
import { slice, split } from './onnx-slice.js';

export { BATCH, type ConstValue, type Converted, type OpContext, type TensorValue, type Value } from './onnx-op-context.js';

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

/**
 * Gemm: alpha * A' B' + beta * C with A the run-time input and B a constant → a Linear layer. C may be a
 * scalar, a vector or a [1, M] matrix (one bias for every row); a C with one row per sample, or transA=1
 * (which would contract over the batch), tie the model to one batch size and are refused.
 */
function gemm(c: OpContext): Value {
  const a = c.tensor(0);
  if (a.shape.length !== 2) c.fail(`expects a 2-D input, got shape [${a.shape.join(', ')}]`);
  if (c.attrI('transA', 0)) c.fail(`transA=1 would contract over dim 0 of A [${a.shape.join(', ')}], the batch: fovea models compute each sample on its own`);
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
    const rowBias = bias.dims.length === 2 && bias.dims[0] !== 1;
    if (rowBias || (n !== m && n !== 1)) c.fail(`C [${bias.dims.join(', ')}] is not a bias fovea can apply to every sample (a scalar, [${m}] or [1, ${m}]); a C with a row per sample ties the model to one batch size`);
    for (let i = 0; i < m; i++) layer.bias!.data[i] = beta * bias.data[n === 1 ? 0 : i]!;
  }
  return T(c.module(layer, a));
}

/** MatMul by a constant matrix → a Linear layer over the last dim (ConvNeXt's channels-last pointwise layers: [N, H, W, C] @ [C, 4C]). */
function matMul(c: OpContext): Value {
  const a = c.tensor(0);
  if (c.isConst(1) && a.shape.length >= 2 && c.constant(1).dims.length === 2) {
    const b = c.constant(1);
    if (b.dims[0] !== a.shape[a.shape.length - 1]) c.fail(`cannot multiply [${a.shape.join(', ')}] by [${b.dims.join(', ')}]`);
    const [k, m] = b.dims as [number, number];
    const layer = new Linear(k, m, { bias: false });
    layer.weight.data.set(transposed(b.data, k, m));
    if (a.shape.length === 2) return T(c.module(layer, a));
    // [N, ..., k] → [N * ..., k] → Linear → [N, ..., m]
    const rows = c.fn('reshape', [a], { shape: [-1, k] });
    return T(c.fn('reshape', [c.module(layer, rows)], { shape: [-1, ...a.shape.slice(1, -1), m] }));
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

/**
 * Flatten to 2-D [d0 * .. * d(axis-1), d(axis) * ..]: axis 1 is a Flatten layer (the batch kept); a later axis
 * folds the leading dims into the rows ([-1, tail] on the batch's run-time size), axis 0 makes one row.
 */
function flatten(c: OpContext): Value {
  const x = c.tensor(0);
  const rank = x.shape.length;
  const axis0 = c.attrI('axis', 1);
  const axis = axis0 < 0 ? axis0 + rank : axis0;
  if (axis < 0 || axis > rank) c.fail(`axis=${axis0} is out of range for rank ${rank}`);
  if (axis === 1) return T(c.module(new Flatten(1, -1), x));
  return T(c.fn('reshape', [x], { shape: axis === 0 ? [1, -1] : [-1, numel(x.shape.slice(axis))] }));
}

function ints(c: OpContext, i: number, attr: string): number[] | undefined {
  if (c.opset >= 13 || attr === 'pads') {
    if (c.has(i)) return Array.from(c.constant(i).data);
    if (attr === 'axes' && c.opset >= 13) return undefined;
  }
  return c.attrInts(attr);
}

function reshape(c: OpContext): Value {
  // the shape is an input from opset 5, an attribute before
  const target = (c.opset >= 5 ? (c.has(1) ? Array.from(c.constant(1).data) : undefined) : c.attrInts('shape')) ?? c.fail('needs a constant shape');
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
  if (shape.includes(BATCH)) c.fail(`the batch size appears in the target shape [${target.map((d) => (d === BATCH ? 'N' : d)).join(', ')}] away from dim 0`);
  const perSample = numel(x.shape.slice(1));
  const inferredBatch = shape[0] === -1 && shape.slice(1).every((d) => d > 0) && perSample % numel(shape.slice(1)) === 0;
  if (shape[0] !== 0 && x.shape[0] === BATCH && !inferredBatch) {
    c.fail(`target shape [${target.join(', ')}] changes dim 0, the batch, of [${x.shape.map((d) => (d === BATCH ? 'N' : d)).join(', ')}]: fovea models compute each sample on its own`);
  }
  return T(c.fn('reshape', [x], { shape }));
}

function transpose(c: OpContext): Value {
  const rank = c.isConst(0) ? c.constant(0).dims.length : c.tensor(0).shape.length;
  const perm = c.attrInts('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) c.fail(`perm [${perm.join(', ')}] is not a permutation of ${rank} dims`);
  if (c.isConst(0)) return C(transposeConst(c.constant(0), perm));
  return T(c.fn('permute', [c.tensor(0)], { dims: perm }));
}

function constantOfShapeOp(c: OpContext): Value {
  const t = c.attrT('value');
  const shape = c.constant(0);
  if (Array.from(shape.data).some((d) => !Number.isInteger(d) || d < 0 || d === BATCH) || numel(Array.from(shape.data)) > 1 << 20) c.fail(`invalid or dynamic shape [${Array.from(shape.data).join(', ')}]`);
  return C(constantOfShape(shape, t?.data ? { dims: t.dims, data: t.data } : undefined));
}

function concat(c: OpContext): Value {
  const axis = c.attrI('axis', c.opset < 4 ? 1 : 0); // before opset 4 the axis defaulted to 1
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
  return c.isConst(0) ? C(c.constant(0)) : T(c.tensor(0));
}

/** Dropout at inference is the identity (ratio, seed and training_mode=0 change nothing); training mode is refused. */
function dropout(c: OpContext): Value {
  if (c.outputUsed(1)) c.fail('the mask output is not supported');
  c.attrF('ratio', 0.5);
  c.attrI('seed', 0);
  c.attrI('is_test', 1);
  if (c.opset >= 12 && c.has(2) && c.constant(2).data[0]) c.fail('training_mode=true (random dropout at inference) is not supported');
  return alias(c);
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
    const x = c.tensor(0);
    if (!un && x.shape[0] === BATCH && (axes ? axes.some((a) => a === 0 || a === -x.shape.length) : false)) {
      c.fail(`axes [${axes!.join(', ')}] squeeze dim 0, the batch: fovea models compute each sample on its own`);
    }
    return T(c.fn(un ? 'unsqueeze' : 'squeeze', [x], axes ? { dims: axes } : {}));
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
  const t = c.attrT('value');
  if (t) {
    if (!t.data) c.fail(`value tensor has an unsupported data type ${t.dataType}`);
    return C({ dims: t.dims, data: t.data });
  }
  if (c.hasAttr('value_float')) return C({ dims: [], data: Float32Array.of(c.attrF('value_float', 0)) });
  if (c.hasAttr('value_floats')) {
    const f = c.attrFloats('value_floats');
    return C({ dims: [f.length], data: Float32Array.from(f) });
  }
  if (c.hasAttr('value_int')) return C({ dims: [], data: [c.attrI('value_int', 0)] });
  const ints = c.attrInts('value_ints');
  if (ints) return C({ dims: [ints.length], data: ints });
  return c.fail('needs a value, value_float(s) or value_int(s) attribute');
}

function cast(c: OpContext): Value {
  if (c.opset < 6) c.fail(`Cast before opset 6 names its target type as a string ('to'), which is not supported`);
  const to = c.attrI('to', 1);
  c.attrI('saturate', 1); // float8 targets only, which are refused below
  if (c.isConst(0)) {
    const v = c.constant(0);
    return C({ dims: v.dims, data: to === 1 || to === 11 ? Float32Array.from(v.data) : Array.from(v.data, Math.trunc) });
  }
  if (to !== 1) c.fail('only a cast to float of a runtime tensor is supported');
  return T(c.tensor(0));
}

/** HardSigmoid: max(0, min(1, alpha * x + beta)) (PyTorch exports alpha 1/6, beta 0.5). */
function hardSigmoidOf(c: OpContext, x: TensorValue, alpha: number, beta: number): TensorValue {
  const scalar = (v: number, name: string): TensorValue => c.constTensor({ dims: [], data: Float32Array.of(v) }, name);
  const affine = c.fn('add', [c.fn('mul', [x, scalar(alpha, 'alpha')]), scalar(beta, 'beta')]);
  return c.module(new Hardtanh(0, 1), affine);
}

/** Pow by a constant exponent (LayerNorm decomposed at opset 13: Pow(x, 2)); a run-time exponent is refused. */
function powOp(c: OpContext): Value {
  const e = c.constant(1);
  if (e.data.length !== 1) c.fail(`the exponent must be a scalar constant, got dims [${e.dims.join(', ')}]`);
  return T(c.fn('pow', [c.tensor(0)], { exponent: e.data[0]! }));
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
  ['HardSigmoid', (c) => T(hardSigmoidOf(c, c.tensor(0), c.attrF('alpha', 0.2), c.attrF('beta', 0.5)))],
  ['HardSwish', (c) => {
    const x = c.tensor(0);
    return T(c.fn('mul', [x, hardSigmoidOf(c, x, 1 / 6, 0.5)]));
  }],
  ['Pow', powOp], ['Sqrt', (c) => T(c.fn('sqrt', [c.tensor(0)]))], ['Erf', (c) => T(c.fn('erf', [c.tensor(0)]))],
  ['ReduceMean', reduce('mean')], ['ReduceSum', reduce('sum')], ['ReduceMax', reduce('max')], ['LayerNormalization', layerNorm],
  ['Clip', clip], ['Softmax', softmaxLike(false)], ['LogSoftmax', softmaxLike(true)],
  ['MaxPool', pool(true)], ['AveragePool', pool(false)],
  ['GlobalAveragePool', (c) => T(c.module(new AdaptiveAvgPool2d(1), input4d(c)))],
  ['GlobalMaxPool', globalMaxPool],
  ['BatchNormalization', batchNorm], ['Flatten', flatten], ['Reshape', reshape], ['Transpose', transpose],
  ['Concat', concat], ['Pad', pad], ['Dropout', dropout], ['Identity', alias], ['Constant', constant],
  ['Squeeze', squeezeLike(false)], ['Unsqueeze', squeezeLike(true)], ['Shape', shape], ['Gather', gather], ['Cast', cast],
  ['Slice', slice], ['Split', split], ['ConstantOfShape', constantOfShapeOp],
]);
