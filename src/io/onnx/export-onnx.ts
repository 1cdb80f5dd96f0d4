/**
 * ONNX export: a fovea model → the bytes of an .onnx file that ONNX Runtime
 * (or any opset-13+ runtime) runs with the same logits. Platform-free.
 *
 * The graph has one input `input` [N, C, H, W] with a dynamic batch `N` and
 * one output `logits`; weights are initializers under their PyTorch-style
 * names (`features.0.weight`). Dropout is left out (export is for inference)
 * and batch norm uses its running statistics. Given the model's metadata, the
 * file carries its class names, normalisation and fit in `metadata_props`
 * (keys: ONNX_METADATA_KEYS in onnx-metadata.ts); `bakeNormalization` puts
 * the normalisation into the graph instead, for consumers that read no
 * metadata.
 */
import type { Hardtanh, LeakyReLU, LogSoftmax, Softmax, ELU } from '../../nn/activation.js';
import type { BatchNorm2d } from '../../nn/batch-norm2d.js';
import type { Conv2d } from '../../nn/conv2d.js';
import type { ConvTranspose2d } from '../../nn/conv-transpose2d.js';
import type { Flatten } from '../../nn/flatten.js';
import type { GraphModule } from '../../nn/graph-module.js';
import type { Linear } from '../../nn/linear.js';
import { declaredType, moduleLabel, type Module } from '../../nn/module.js';
import type { ConstantPad2d } from '../../nn/pad2d.js';
import type { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../../nn/pooling.js';
import type { Residual } from '../../nn/residual.js';
import { conv2dAttrs } from '../../tensor/ops/conv.js';
import { pool2dAttrs } from '../../tensor/ops/pool.js';
import type { ModelMeta } from '../model-file.js';
import { OnnxError } from './onnx-error.js';
import { onnxMetadataProps } from './onnx-metadata.js';
import { AT, DT, encodeOnnxModel, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnx-proto.js';

export interface ExportOnnxOptions {
  /** The input [C, H, W] (the batch dim is dynamic). */
  inputShape: readonly [number, number, number];
  /** ONNX opset, 13 (default) to 21. */
  opset?: number;
  /**
   * The model's metadata (class names, normalisation, fit, training record),
   * written to the file's `metadata_props`; its inputShape must equal
   * `inputShape`. Without it the file says nothing about preprocessing.
   */
  meta?: ModelMeta;
  /**
   * Put `meta.normalize` into the graph: `(input - mean) / std` as a Sub and a
   * Div on the input, so the graph takes plain [0, 1] pixels (its metadata
   * then says mean 0, std 1, `fovea.normalize.baked` true). Needs `meta`.
   */
  bakeNormalization?: boolean;
  /** ModelProto.producer_version, e.g. fovea's package version. */
  producerVersion?: string;
}

const SOURCE = '<onnx export>';
type Shape = readonly number[];

const attrI = (name: string, i: number): OnnxAttribute => ({ name, type: AT.INT, i });
const attrF = (name: string, f: number): OnnxAttribute => ({ name, type: AT.FLOAT, f });
const attrInts = (name: string, ints: readonly number[]): OnnxAttribute => ({ name, type: AT.INTS, ints: [...ints] });

class Builder {
  nodes: OnnxNode[] = [];
  initializers: OnnxTensor[] = [];
  private used = new Set<string>();

  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  node(path: string, opType: string, inputs: string[], attributes: OnnxAttribute[] = []): string {
    const name = this.unique(`/${path ? `${path}/` : ''}${opType}`);
    const out = `${name}_output_0`;
    this.nodes.push({ name, opType, domain: '', inputs, outputs: [out], attributes });
    return out;
  }

  floats(name: string, dims: Shape, data: Float32Array): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dims: [...dims], dataType: DT.FLOAT, data: new Float32Array(data) });
    return n;
  }

  int64s(name: string, values: readonly number[]): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dims: [values.length], dataType: DT.INT64, data: [...values] });
    return n;
  }

  scalar(name: string, v: number): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dims: [], dataType: DT.FLOAT, data: new Float32Array([v]) });
    return n;
  }
}

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

/** Emits the ONNX nodes of layer `m` applied to the value `x` of shape `s` (batch 1) under `path`; returns the output value. */
type Exporter = (b: Builder, m: Module, path: string, x: string, s: Shape) => string;
/** An exporter written for one layer class (the table below looks it up by that class's type name). */
const exporter = <M extends Module>(f: (b: Builder, m: M, path: string, x: string, s: Shape) => string): Exporter => f as Exporter;

const param = (b: Builder, path: string, t: { shape: Shape; data: Float32Array }, name: string): string => b.floats(join(path, name), t.shape, t.data);

const exportPool = exporter<MaxPool2d | AvgPool2d | SumPool2d>((b, m, path, x) => {
  const type = declaredType(m)!;
  const a = pool2dAttrs(type, m.kernelSize, m.options);
  const attrs = [attrInts('kernel_shape', a.kernel), attrInts('pads', [...a.padding, ...a.padding]), attrInts('strides', a.stride)];
  if (a.ceilMode) attrs.push(attrI('ceil_mode', 1));
  if (type === 'MaxPool2d') return b.node(path, 'MaxPool', [x], a.dilation[0] !== 1 || a.dilation[1] !== 1 ? [...attrs, attrInts('dilations', a.dilation)] : attrs);
  const sum = type === 'SumPool2d';
  const avg = b.node(path, 'AveragePool', [x], [...attrs, attrI('count_include_pad', sum || a.countIncludePad ? 1 : 0)]);
  // sum = mean over the whole (padded) window times its size
  return sum ? b.node(path, 'Mul', [avg, b.scalar(join(path, 'window'), a.kernel[0] * a.kernel[1])]) : avg;
});

/** How each layer type becomes ONNX nodes, by the type name the layer declares. */
const EXPORTERS: Record<string, Exporter> = {
  Sequential: (b, m, path, x, s) => {
    let y = x;
    let shape = s;
    for (const [name, child] of m.namedChildren()) {
      y = emit(b, child, join(path, name), y, shape);
      shape = child.outputShape(shape);
    }
    return y;
  },
  Residual: exporter<Residual>((b, m, path, x, s) => {
    const y = emit(b, m.body, join(path, 'body'), x, s);
    const sc = m.shortcut ? emit(b, m.shortcut, join(path, 'shortcut'), x, s) : x;
    const sum = b.node(path, 'Add', [y, sc]);
    return m.reluAfter ? b.node(path, 'Relu', [sum]) : sum;
  }),
  GraphModule: exporter<GraphModule>((b, m, path, x, s) => emitGraph(b, m, path, x, s)),
  Conv2d: exporter<Conv2d>((b, m, path, x) => {
    const a = conv2dAttrs('Conv2d', m.kernelSize, m.options);
    const inputs = [x, param(b, path, m.weight, 'weight')];
    if (m.bias) inputs.push(param(b, path, m.bias, 'bias'));
    return b.node(path, 'Conv', inputs, [
      attrInts('dilations', a.dilation), attrI('group', a.groups), attrInts('kernel_shape', m.kernelSize),
      attrInts('pads', a.padding), attrInts('strides', a.stride),
    ]);
  }),
  ConvTranspose2d: exporter<ConvTranspose2d>((b, m, path, x) => emitConvTranspose(b, m, path, x)),
  Linear: exporter<Linear>((b, m, path, x, s) => {
    m.outputShape(s); // a clear error when the input is not [N, features]
    const inputs = [x, param(b, path, m.weight, 'weight')];
    if (m.bias) inputs.push(param(b, path, m.bias, 'bias'));
    return b.node(path, 'Gemm', inputs, [attrF('alpha', 1), attrF('beta', 1), attrI('transB', 1)]);
  }),
  MaxPool2d: exportPool,
  AvgPool2d: exportPool,
  SumPool2d: exportPool,
  AdaptiveAvgPool2d: exporter<AdaptiveAvgPool2d>((b, m, path, x, s) => {
    const [, , oh, ow] = m.outputShape(s) as [number, number, number, number];
    const h = s[2]!, w = s[3]!;
    if (oh === 1 && ow === 1) return b.node(path, 'GlobalAveragePool', [x]);
    if (h % oh !== 0 || w % ow !== 0) throw unsupported(m, path, `output ${oh}x${ow} does not divide the input ${h}x${w}, so no fixed pooling window matches`);
    const k = [h / oh, w / ow];
    return b.node(path, 'AveragePool', [x], [attrInts('kernel_shape', k), attrInts('strides', k)]);
  }),
  BatchNorm2d: exporter<BatchNorm2d>((b, m, path, x) => {
    const inputs = [x, param(b, path, m.weight, 'weight'), param(b, path, m.bias, 'bias'), param(b, path, m.runningMean, 'running_mean'), param(b, path, m.runningVar, 'running_var')];
    return b.node(path, 'BatchNormalization', inputs, [attrF('epsilon', m.options.eps ?? 1e-5), attrF('momentum', 1 - (m.options.momentum ?? 0.1))]);
  }),
  ReLU: (b, _m, path, x) => b.node(path, 'Relu', [x]),
  LeakyReLU: exporter<LeakyReLU>((b, m, path, x) => b.node(path, 'LeakyRelu', [x], [attrF('alpha', m.negativeSlope)])),
  Tanh: (b, _m, path, x) => b.node(path, 'Tanh', [x]),
  Sigmoid: (b, _m, path, x) => b.node(path, 'Sigmoid', [x]),
  Softmax: exporter<Softmax>((b, m, path, x) => b.node(path, 'Softmax', [x], [attrI('axis', m.dim)])),
  LogSoftmax: exporter<LogSoftmax>((b, m, path, x) => b.node(path, 'LogSoftmax', [x], [attrI('axis', m.dim)])),
  Hardtanh: exporter<Hardtanh>((b, m, path, x) => {
    const lo = m.minVal === null ? '' : b.scalar(join(path, 'min'), m.minVal);
    const hi = m.maxVal === null ? '' : b.scalar(join(path, 'max'), m.maxVal);
    return b.node(path, 'Clip', hi ? [x, lo, hi] : [x, lo]);
  }),
  ELU: exporter<ELU>((b, m, path, x) => b.node(path, 'Elu', [x], [attrF('alpha', m.alpha)])),
  Flatten: exporter<Flatten>((b, m, path, x, s) => {
    const start = m.startDim < 0 ? m.startDim + s.length : m.startDim;
    const end = m.endDim < 0 ? m.endDim + s.length : m.endDim;
    if (start === 1 && end === s.length - 1) return b.node(path, 'Flatten', [x], [attrI('axis', 1)]);
    // dims before startDim keep their place (0 = copy), the merged dim is inferred
    const target = [...s.slice(0, start).map(() => 0), -1, ...s.slice(end + 1)];
    return b.node(path, 'Reshape', [x, b.int64s(join(path, 'shape'), target)]);
  }),
  Dropout: (_b, _m, _path, x) => x,
  ConstantPad2d: exporter<ConstantPad2d>((b, m, path, x) => {
    const [t, l, bt, r] = m.pads;
    return b.node(path, 'Pad', [x, b.int64s(join(path, 'pads'), [0, 0, t, l, 0, 0, bt, r]), b.scalar(join(path, 'value'), m.value)]);
  }),
};

/** Module types `exportOnnx` understands (the keys of its exporter table). */
export const EXPORTABLE_MODULES: readonly string[] = Object.keys(EXPORTERS);

/** Emits the ONNX nodes of `m` applied to the value `x` of shape `s` (batch 1); returns the output value. */
function emit(b: Builder, m: Module, path: string, x: string, s: Shape): string {
  const type = declaredType(m);
  if (type === undefined || !Object.hasOwn(EXPORTERS, type)) throw unsupported(m, path, `supported modules: ${EXPORTABLE_MODULES.join(', ')}`);
  return EXPORTERS[type]!(b, m, path, x, s);
}

/**
 * ConvTranspose2d as ConvTranspose. ONNX Runtime refuses an output_padding of
 * the stride or more, which PyTorch allows below the dilation; those rows
 * become a smaller end pad instead, and rows past the kernel's reach (bias
 * alone) a zero Pad followed by the bias as an Add.
 */
function emitConvTranspose(b: Builder, m: ConvTranspose2d, path: string, x: string): string {
  const a = m.attrs();
  const outputPadding = [0, 1].map((i) => Math.min(a.outputPadding[i]!, a.stride[i]! - 1));
  const endPads = [0, 1].map((i) => a.padding[i]! - (a.outputPadding[i]! - outputPadding[i]!));
  const beyond = endPads.map((p) => Math.max(0, -p));
  const inputs = [x, b.floats(join(path, 'weight'), m.weight.shape, m.weight.data)];
  const bias = m.bias ? b.floats(join(path, 'bias'), m.bias.shape, m.bias.data) : '';
  if (bias && !beyond.some((r) => r > 0)) inputs.push(bias);
  let y = b.node(path, 'ConvTranspose', inputs, [
    attrInts('dilations', a.dilation), attrI('group', a.groups), attrInts('kernel_shape', m.kernelSize),
    attrInts('output_padding', outputPadding), attrInts('pads', [...a.padding, ...endPads.map((p) => Math.max(0, p))]), attrInts('strides', a.stride),
  ]);
  if (!beyond.some((r) => r > 0)) return y;
  y = b.node(path, 'Pad', [y, b.int64s(join(path, 'pads'), [0, 0, 0, 0, 0, 0, beyond[0]!, beyond[1]!]), b.scalar(join(path, 'value'), 0)]);
  if (!bias) return y;
  const b4 = b.node(path, 'Reshape', [bias, b.int64s(join(path, 'bias_shape'), [1, -1, 1, 1])]);
  return b.node(path, 'Add', [y, b4]);
}

const GRAPH_ONNX_OPS: Record<string, string> = {
  add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', matmul: 'MatMul', concat: 'Concat', reshape: 'Reshape', permute: 'Transpose',
  squeeze: 'Squeeze', unsqueeze: 'Unsqueeze', sqrt: 'Sqrt', erf: 'Erf',
};

function emitGraph(b: Builder, g: GraphModule, path: string, x: string, s: Shape): string {
  const values = new Map<string, string>([[g.graph.input, x]]);
  const shapes = g.valueShapes(s);
  for (const [name, t] of g.namedConstants()) values.set(name, b.floats(join(path, name), t.shape, t.data));
  for (const node of g.graph.nodes) {
    const ins = node.inputs.map((i) => values.get(i)!);
    const npath = join(path, node.name);
    let out: string;
    if (node.op === 'module') out = emit(b, g.module(node.name), npath, ins[0]!, shapes.get(node.inputs[0]!)!);
    else if (node.op === 'concat') out = b.node(npath, 'Concat', ins, [attrI('axis', node.attrs?.dim ?? 0)]);
    else if (node.op === 'reshape') out = b.node(npath, 'Reshape', [...ins, b.int64s(join(npath, 'shape'), node.attrs?.shape ?? [])]);
    else if (node.op === 'permute') out = b.node(npath, 'Transpose', ins, [attrInts('perm', node.attrs?.dims ?? [])]);
    else if (node.op === 'squeeze' || node.op === 'unsqueeze') {
      const dims = node.attrs?.dims ?? [];
      out = b.node(npath, GRAPH_ONNX_OPS[node.op]!, dims.length ? [...ins, b.int64s(join(npath, 'axes'), dims)] : ins);
    } else if (node.op === 'mean' || node.op === 'max' || node.op === 'sum') {
      const rank = shapes.get(node.inputs[0]!)!.length;
      const axes = node.attrs?.dims?.length ? node.attrs.dims : Array.from({ length: rank }, (_, i) => i);
      const keep = attrI('keepdims', node.attrs?.keepdim ? 1 : 0);
      // opset 13: ReduceSum takes its axes as an input, ReduceMean and ReduceMax as an attribute
      out = node.op === 'sum' ? b.node(npath, 'ReduceSum', [...ins, b.int64s(join(npath, 'axes'), axes)], [keep])
        : b.node(npath, node.op === 'mean' ? 'ReduceMean' : 'ReduceMax', ins, [attrInts('axes', axes), keep]);
    } else if (node.op === 'narrow') {
      const { dim = 0, start = 0, length = 0 } = node.attrs ?? {};
      out = b.node(npath, 'Slice', [...ins, b.int64s(join(npath, 'starts'), [start]), b.int64s(join(npath, 'ends'), [start + length]), b.int64s(join(npath, 'axes'), [dim])]);
    } else if (node.op === 'pow') out = b.node(npath, 'Pow', [...ins, b.scalar(join(npath, 'exponent'), node.attrs?.exponent ?? 1)]);
    else out = b.node(npath, GRAPH_ONNX_OPS[node.op]!, ins);
    values.set(node.name, out);
  }
  return values.get(g.graph.output)!;
}

/**
 * `(x - mean[c]) / std[c]` with constants [1, C, 1, 1]: exactly what fovea's
 * imageToTensorData does after scaling to [0, 1] (a Sub then a Div, each
 * rounded to float32). Folding it into the first Conv would be wrong when
 * that conv pads: its zero padding would then stand for 0 after
 * normalisation instead of 0 before it.
 */
function emitNormalize(b: Builder, meta: ModelMeta, x: string): string {
  const c = meta.inputShape[0];
  const { mean, std } = meta.normalize;
  const m = b.node('normalize', 'Sub', [x, b.floats('normalize.mean', [1, c, 1, 1], Float32Array.from(mean))]);
  return b.node('normalize', 'Div', [m, b.floats('normalize.std', [1, c, 1, 1], Float32Array.from(std))]);
}

function unsupported(m: Module, path: string, why: string): OnnxError {
  return new OnnxError(SOURCE, `cannot export module '${path || '<root>'}' (${moduleLabel(m)}): ${why}`);
}

function irVersionFor(opset: number): number {
  return opset <= 13 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

/**
 * Exports a model to ONNX bytes.
 *
 * Shape: input `input` [N, C, H, W] (N dynamic) → output `logits` [N, ...].
 * @example
 * const bytes = exportOnnx(model, { inputShape: meta.inputShape, meta }); // meta from loadModel
 * await writeFileAtomic('lenet.onnx', bytes);
 */
export function exportOnnx(model: Module, options: ExportOnnxOptions): Uint8Array {
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 13 || opset > 21) throw new OnnxError(SOURCE, `opset ${opset} is not supported; use 13 to 21`);
  const [c, h, w] = options.inputShape;
  if (![c, h, w].every((d) => Number.isInteger(d) && d > 0)) throw new OnnxError(SOURCE, `inputShape must be [C, H, W] of positive integers, got [${options.inputShape.join(', ')}]`);
  const meta = options.meta;
  if (meta && meta.inputShape.some((d, i) => d !== options.inputShape[i])) {
    throw new OnnxError(SOURCE, `meta.inputShape [${meta.inputShape.join(', ')}] differs from inputShape [${options.inputShape.join(', ')}]`);
  }
  if (meta && (meta.normalize.mean.length !== c || meta.normalize.std.length !== c)) {
    throw new OnnxError(SOURCE, `meta.normalize has ${meta.normalize.mean.length} means and ${meta.normalize.std.length} stds for ${c} input channel(s)`);
  }
  if (options.bakeNormalization && !meta) throw new OnnxError(SOURCE, 'bakeNormalization needs meta (the normalisation to bake in)');
  const outShape = model.outputShape([1, c, h, w]);
  const b = new Builder();
  const x = options.bakeNormalization ? emitNormalize(b, meta!, 'input') : 'input';
  const y = emit(b, model, '', x, [1, c, h, w]);
  // the graph output is called 'logits': rename the value that holds it (an Identity when that is the input itself)
  let producer = b.nodes.find((n) => n.outputs[0] === y);
  if (!producer) {
    b.node('', 'Identity', [y]);
    producer = b.nodes[b.nodes.length - 1]!;
  }
  const old = producer.outputs[0]!;
  producer.outputs[0] = 'logits';
  for (const n of b.nodes) n.inputs = n.inputs.map((i) => (i === old ? 'logits' : i));
  return encodeOnnxModel({
    irVersion: irVersionFor(opset),
    producerName: 'fovea',
    ...(options.producerVersion ? { producerVersion: options.producerVersion } : {}),
    ...(meta ? { metadataProps: onnxMetadataProps(meta, { bakedNormalization: options.bakeNormalization ?? false }) } : {}),
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'fovea',
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: [{ name: 'input', elemType: DT.FLOAT, dims: ['N', c, h, w] }],
      outputs: [{ name: 'logits', elemType: DT.FLOAT, dims: ['N', ...outShape.slice(1)] }],
    },
  });
}
