/**
 * Model surgery for transfer learning: cut a trained classifier before its
 * classifier head, keeping the part that turns an image into a feature
 * vector (torchvision habit: `model.fc = nn.Identity()`, or
 * `model.classifier[-1] = nn.Linear(...)`).
 */
import { FoveaError } from '../tensor/errors.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { GraphModule, type GraphDef, type GraphNode } from './graph-module.js';
import { Hardtanh, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activation.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { AdaptiveAvgPool2d } from './pooling.js';
import { Sequential } from './sequential.js';

/** What `cutBackbone` returns. */
export interface Backbone {
  /** Image → feature vector: `[N, C, H, W]` → `[N, features]`. Shares its weights with the model it was cut from. */
  model: Module;
  /** Length of the feature vector for the given input shape. */
  features: number;
  /** Where the cut was made: the name of the value (graph) or child path (Sequential) the features come from. */
  cutAt: string;
  /** Names of the head layers left out (the old classifier), in order. */
  removed: string[];
  /** True when a global average pool and a flatten were appended because the cut left a 4-D feature map. */
  pooled: boolean;
}

/** Layers that make up a classifier head: fully connected layers, dropout and activations. */
function isHeadLayer(m: Module): boolean {
  return m instanceof Linear || m instanceof Dropout || m instanceof ReLU || m instanceof LeakyReLU || m instanceof Hardtanh ||
    m instanceof Sigmoid || m instanceof Tanh || m instanceof Softmax || m instanceof LogSoftmax;
}

/**
 * Cuts `model` before its classifier head: the trailing chain of `Linear`,
 * `Dropout` and activation layers that ends the network (MobileNetV2's
 * `Dense → Dropout → Dense`, ResNet's `fc`, LeNet's three linear layers).
 * The cut is made at the input of the first `Linear` of that chain. If what
 * is left ends in a feature map, a global average pool and a flatten are
 * appended so the backbone always gives one vector per image.
 *
 * Works on `GraphModule`s (imported ONNX and TF.js models) and on
 * `Sequential`s (built-in models; nested `classifier` blocks are cut inside).
 *
 * Shape: backbone `[N, C, H, W]` → `[N, features]`.
 *
 * @example
 * const { model: backbone, features } = cutBackbone(mobilenet, [3, 224, 224]);
 * const net = new Sequential({ backbone, head: new Linear(features, 5) });
 */
export function cutBackbone(model: Module, inputShape: readonly number[]): Backbone {
  const cut = model instanceof GraphModule ? cutGraph(model) : model instanceof Sequential ? cutSequential(model, '') : null;
  if (!cut) throw new FoveaError(`cutBackbone: cannot find the classifier head of a ${model.constructor.name}; give a Sequential or a GraphModule (imported ONNX/TF.js) model`);
  let backbone = cut.model;
  const shape = backbone.outputShape([1, ...inputShape]);
  let pooled = false;
  if (shape.length === 4) {
    backbone = new Sequential({ features: backbone, pool: new AdaptiveAvgPool2d(1), flatten: new Flatten() });
    pooled = true;
  } else if (shape.length !== 2) {
    throw new FoveaError(`cutBackbone: the layers before the head (cut at '${cut.cutAt}') give shape [${shape.join(', ')}] per batch; expected a feature map [N, C, H, W] or a vector [N, F]`);
  }
  const out = backbone.outputShape([1, ...inputShape]);
  return { model: backbone, features: out[1]!, cutAt: cut.cutAt, removed: cut.removed, pooled };
}

interface Cut {
  model: Module;
  cutAt: string;
  removed: string[];
}

function cutGraph(g: GraphModule): Cut {
  const byName = new Map(g.graph.nodes.map((n) => [n.name, n]));
  const head: GraphNode[] = [];
  let firstLinear: GraphNode | null = null;
  // Walk back from the output through single-input module nodes while they are head layers.
  for (let node = byName.get(g.graph.output); node && node.op === 'module' && isHeadLayer(g.module(node.name));) {
    head.push(node);
    if (g.module(node.name) instanceof Linear) firstLinear = node;
    node = byName.get(node.inputs[0]!);
  }
  if (!firstLinear) throw new FoveaError(`cutBackbone: the graph does not end in a classifier head (a chain of Linear/Dropout/activation layers); its output '${g.graph.output}' comes from ${describe(byName.get(g.graph.output))}`);
  const cutAt = firstLinear.inputs[0]!;
  // Keep only the nodes the cut value depends on, in their original (topological) order.
  const needed = new Set<string>([cutAt]);
  for (const node of [...g.graph.nodes].reverse()) if (needed.has(node.name)) for (const i of node.inputs) needed.add(i);
  const nodes = g.graph.nodes.filter((n) => needed.has(n.name));
  const graph: GraphDef = { input: g.graph.input, output: cutAt, nodes };
  const modules = Object.fromEntries(nodes.filter((n) => n.op === 'module').map((n) => [n.name, g.module(n.name)]));
  const constants = Object.fromEntries([...g.namedConstants()].filter(([n]) => needed.has(n)));
  const removed = head.slice(0, head.indexOf(firstLinear) + 1).reverse().map((n) => n.name);
  return { model: new GraphModule(graph, modules, constants), cutAt, removed };
}

function describe(node: GraphNode | undefined): string {
  return node ? (node.op === 'module' ? `module node '${node.name}'` : `a '${node.op}' node '${node.name}'`) : 'the graph input';
}

/** Drops the trailing head layers of a Sequential (recursing into a last child that is itself a Sequential). */
function cutSequential(s: Sequential, path: string): Cut | null {
  const children = [...s.namedChildren()];
  const kept = [...children];
  const removed: string[] = [];
  let sawLinear = false;
  let innerCut: Cut | null = null;
  while (kept.length) {
    const [name, m] = kept[kept.length - 1]!;
    const full = path ? `${path}.${name}` : name;
    if (m instanceof Sequential) {
      innerCut = cutSequential(m, full);
      if (innerCut) {
        removed.unshift(...innerCut.removed);
        sawLinear = true;
      }
      break;
    }
    if (!isHeadLayer(m)) break;
    if (m instanceof Linear) sawLinear = true;
    removed.unshift(full);
    kept.pop();
  }
  if (!sawLinear) return null;
  // Trailing activations/dropout before the first removed Linear belong to the features; put them back.
  while (removed.length && !isLinearAt(s, path, removed[0]!)) {
    const name = removed.shift()!;
    kept.push(children.find(([n]) => (path ? `${path}.${n}` : n) === name)!);
  }
  const entries: [string, Module][] = kept.map(([n, m]) => [n, m]);
  let cutAt: string | undefined;
  if (innerCut) {
    const last = entries.pop()!;
    if ([...innerCut.model.children()].length) {
      entries.push([last[0], innerCut.model]);
      cutAt = innerCut.cutAt;
    }
  }
  const lastName = entries[entries.length - 1]?.[0];
  if (!path && lastName === undefined) throw new FoveaError('cutBackbone: removing the classifier head leaves no layers');
  cutAt ??= lastName === undefined ? path : path ? `${path}.${lastName}` : lastName;
  // An inner Sequential may end up empty (it was all head); the caller drops it.
  return { model: new Sequential(Object.fromEntries(entries)), cutAt, removed };
}

function isLinearAt(s: Sequential, path: string, full: string): boolean {
  const rel = path ? full.slice(path.length + 1) : full;
  let m: Module | undefined = s;
  for (const part of rel.split('.')) m = m ? [...m.namedChildren()].find(([n]) => n === part)?.[1] : undefined;
  return m instanceof Linear;
}

/**
 * Re-draws every parameter of `model` that has a `resetParameters()` (conv,
 * linear and batch-norm layers) as a fresh layer would: the same
 * architecture "from scratch", the baseline a pretrained backbone is
 * compared with. Returns how many layers were reset.
 * @example reinitialize(backbone); // same layers, random weights
 */
export function reinitialize(model: Module): number {
  let n = 0;
  for (const m of model.modulesIter()) {
    const reset = (m as Module & { resetParameters?: () => void }).resetParameters;
    if (typeof reset === 'function') {
      reset.call(m);
      n++;
    }
  }
  return n;
}
