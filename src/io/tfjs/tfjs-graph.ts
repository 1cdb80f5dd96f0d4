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
import type { LayerConfig } from './tfjs-config.js';
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
