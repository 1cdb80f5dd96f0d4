/**
 * The GraphModule under construction while a TF.js model is converted, and
 * what a layer converter may ask of it.
 *
 * Layout: Keras tensors are NHWC, fovea's NCHW. A 4-D value here is always
 * stored NCHW (Keras axis 3 is fovea dim 1). A 2-D value made by flattening
 * an NCHW map holds its features in C, H, W order while Keras numbers them
 * H, W, C; such a value carries `hwc` = [C, H, W] so that a Dense layer can
 * permute its kernel rows instead of the data, and elementwise layers pass
 * the mark on. Any other consumer first puts the features in Keras order
 * (`plain`): reshape to [N, C, H, W], permute to NHWC, flatten.
 */
import { GraphModule, graphNodeShape, type GraphNode, type GraphOp } from '../../nn/graph-module.js';
import type { Module } from '../../nn/module.js';
import { withModule } from '../../tensor/context.js';
import type { Tensor } from '../../tensor/tensor.js';
import { LayerConfig, show } from './tfjs-config.js';
import { ValueNames } from '../../nn/value-names.js';

/** A value of the graph: its name, its fovea shape (batch 1 while tracing), and the feature order of a flattened map. */
export interface Val {
  ref: string;
  shape: number[];
  hwc?: [number, number, number];
}

type Fail = (problem: string) => never;
type Attrs = GraphNode['attrs'];

/** What a converter can ask of the importer while converting one Keras layer. */
export interface LayerContext {
  /** The Keras layer name; the converter's last node gets it. */
  readonly name: string;
  readonly className: string;
  readonly cfg: LayerConfig;
  readonly inputs: readonly Val[];
  /** This layer computes the model's output (where a final softmax is dropped). */
  readonly isOutput: boolean;
  /** The one input. */
  single(): Val;
  /** The one input, which must be a 4-D image batch. */
  input4d(): Val;
  /** A weight of this layer, checked against its Keras shape. */
  weight(name: string, kerasShape: readonly number[]): Float32Array;
  /** Adds a child module applied to `x`; `part` names a helper node (`<layer>_<part>`), none names the layer's own output. */
  module(m: Module, x: Val, part?: string): Val;
  /** Adds a functional node (add, concat, reshape, permute, ...). */
  fn(op: GraphOp, ins: readonly Val[], attrs?: Attrs, part?: string): Val;
  /** Adds a constant (a buffer saved with the weights). */
  constant(t: Tensor, part: string): Val;
  /** `x` with its features in Keras order (a no-op unless `x` carries `hwc`). */
  plain(x: Val): Val;
  /** Records that a softmax at the output was dropped (fovea models output logits). */
  droppedSoftmax(): void;
  fail(problem: string): never;
}

/** What a Keras layer converter is given, besides the builder: the layer, its inputs and where its weights come from. */
export interface ConverterCall {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inputs: readonly Val[];
  isOutput: boolean;
  weight(name: string, kerasShape: readonly number[]): Float32Array;
  droppedSoftmax(): void;
  fail: Fail;
}

/**
 * The context a Keras layer converter runs in. The TF.js graph-model importer
 * uses it too: a graph op such as MaxPool becomes the Keras layer of the same
 * meaning (its attributes written as a Keras config), so both importers share
 * one tested conversion of TF's padding, kernels and feature order.
 * @example
 * const c = layerContext(g, { name: 'pool', className: 'MaxPooling2D', config: { pool_size: [3, 3], strides: [2, 2], padding: 'same' },
 *   inputs: [x], isOutput: false, weight: noWeights, droppedSoftmax: () => {}, fail });
 * const y = LAYER_CONVERTERS.get('MaxPooling2D')!(c);
 */
export function layerContext(g: GraphBuilder, call: ConverterCall): LayerContext {
  const { name, inputs, fail } = call;
  const partName = (part?: string): string => (part ? `${name}_${part}` : name);
  const c: LayerContext = {
    name, className: call.className, inputs, isOutput: call.isOutput, cfg: new LayerConfig(call.config, fail),
    single: () => (inputs.length === 1 ? inputs[0]! : fail(`takes one input, got ${inputs.length}`)),
    input4d: () => {
      const x = c.single();
      return x.shape.length === 4 ? x : fail(`expects an image input [N, H, W, C], got a rank-${x.shape.length} value (fovea shape [${x.shape.join(', ')}])`);
    },
    weight: (w, shape) => call.weight(w, shape),
    module: (m, x, part) => g.module(m, x, partName(part), fail),
    fn: (op, ins, attrs, part) => g.fn(op, ins, attrs, partName(part), fail),
    constant: (tensor, part) => g.constant(tensor, partName(part)),
    plain: (x) => plainOf(x, g, name, fail),
    droppedSoftmax: () => call.droppedSoftmax(),
    fail,
  };
  return c;
}

/** A flattened map back in Keras's H, W, C feature order. @example const v = plainOf(flat, g, 'dense_1', fail); */
export function plainOf(x: Val, g: GraphBuilder, name: string, fail: Fail): Val {
  if (!x.hwc) return x;
  const [c, h, w] = x.hwc;
  const img = g.fn('reshape', [x], { shape: [0, c, h, w] }, `${name}_chw`, fail);
  const nhwc = g.fn('permute', [img], { dims: [0, 2, 3, 1] }, `${name}_nhwc`, fail);
  return g.fn('reshape', [nhwc], { shape: [0, c * h * w] }, `${name}_hwc`, fail);
}

/** Largest input side and size accepted. */
export const MAX_SIDE = 65536;
export const MAX_INPUT = 2 ** 28;

/**
 * The fovea input [C, H, W] of an image input declared [N, H, W, C] (null
 * dims free; `shape` null when not declared at all), filled in and checked
 * against the `given` inputShape option.
 * @example imageInputShape('input_1', [null, 224, 224, 3], undefined, fail) // [3, 224, 224]
 */
export function imageInputShape(name: string, shape: readonly (number | null)[] | null, given: readonly number[] | undefined, fail: Fail): [number, number, number] {
  if (shape && shape.length !== 4) fail(`input '${name}' has shape ${show(shape)}; fovea models take an image batch [N, H, W, C]`);
  const declared = shape ? [shape[3], shape[1], shape[2]] : [null, null, null];
  if (given) {
    if (given.length !== 3 || !given.every((d) => Number.isInteger(d) && d > 0 && d <= MAX_SIDE)) fail(`invalid inputShape [${given.join(', ')}]`);
    declared.forEach((d, i) => {
      if (d !== null && d !== undefined && d !== given[i]) fail(`inputShape [${given.join(', ')}] (C, H, W) does not match the model's input ${show(shape)} (N, H, W, C)`);
    });
    return [given[0]!, given[1]!, given[2]!];
  }
  if (declared.some((d) => d === null || d === undefined)) fail(`input '${name}' has shape ${show(shape)} with free dims; give inputShape [C, H, W] (fovea import --input-shape C,H,W)`);
  const chw = declared as [number, number, number];
  if (chw.some((d) => d < 1 || d > MAX_SIDE) || chw[0] * chw[1] * chw[2] > MAX_INPUT) fail(`input '${name}' has absurd dims ${show(shape)}`);
  return chw;
}


/**
 * Collects nodes, child modules and constants, checking each node's output
 * shape as it is added.
 * @example
 * const g = new GraphBuilder('input_1');
 * const y = g.module(new ReLU(), { ref: g.inputRef, shape: [1, 3, 8, 8] }, 'relu', fail);
 * const model = g.build(y.ref);
 */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly modules: Record<string, Module> = {};
  readonly constants: Record<string, Tensor> = {};
  readonly inputRef: string;
  private readonly names = new ValueNames('layer');

  constructor(inputName: string) {
    this.inputRef = this.names.make(inputName);
  }

  module(m: Module, x: Val, name: string, fail: Fail): Val {
    let shape: number[];
    try {
      shape = withModule(m, () => m.outputShape(x.shape));
    } catch (e) {
      return fail((e as Error).message);
    }
    const ref = this.names.make(name);
    this.modules[ref] = m;
    this.nodes.push({ name: ref, op: 'module', inputs: [x.ref] });
    return { ref, shape };
  }

  fn(op: GraphOp, ins: readonly Val[], attrs: Attrs, name: string, fail: Fail): Val {
    const node: GraphNode = { name: this.names.make(name), op, inputs: ins.map((v) => v.ref), ...(attrs ? { attrs } : {}) };
    let shape: number[];
    try {
      shape = graphNodeShape(node, ins.map((v) => v.shape));
    } catch (e) {
      return fail((e as Error).message);
    }
    this.nodes.push(node);
    return { ref: node.name, shape };
  }

  constant(t: Tensor, name: string): Val {
    const ref = this.names.make(name);
    this.constants[ref] = t.keep();
    return { ref, shape: [...t.shape] };
  }

  /** The GraphModule computing `output` (nodes that do not reach it are dropped), in eval mode. */
  build(output: string): GraphModule {
    const needed = new Set([output]);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (needed.has(n.name)) for (const x of n.inputs) needed.add(x);
    }
    const nodes = this.nodes.filter((n) => needed.has(n.name));
    const modules = Object.fromEntries(Object.entries(this.modules).filter(([n]) => needed.has(n)));
    const constants = Object.fromEntries(Object.entries(this.constants).filter(([n]) => needed.has(n)));
    const model = new GraphModule({ input: this.inputRef, output, nodes }, modules, constants);
    model.eval();
    return model;
  }
}

/** Keras axis of a 4-D NHWC tensor → fovea dim of the NCHW one (axis 0, the batch, stays 0). */
export function nchwDim(axis: number): number {
  return [0, 2, 3, 1][axis]!;
}

/** For a flattened [C, H, W] map: Keras feature index (H, W, C order) of each fovea feature (C, H, W order). */
export function hwcIndex(hwc: readonly [number, number, number]): Int32Array {
  const [c, h, w] = hwc;
  const out = new Int32Array(c * h * w);
  for (let ci = 0; ci < c; ci++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(ci * h + y) * w + x] = (y * w + x) * c + ci;
  return out;
}
