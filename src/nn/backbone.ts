/**
 * Model surgery for transfer learning: cut a trained classifier before its
 * classifier head, keeping the part that turns an image into a feature
 * vector (torchvision habit: `model.fc = nn.Identity()`, or
 * `model.classifier[-1] = nn.Linear(...)`).
 */
import { FoveaError } from '../errors.js';
import { Flatten } from './flatten.js';
import { GraphModule, type GraphNode } from './graph-module.js';
import { Linear } from './linear.js';
import { moduleLabel, type Module } from './module.js';
import { AdaptiveAvgPool2d } from './pooling.js';
import { Sequential } from './sequential.js';
import { ValueNames } from './value-names.js';

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

/** Layers that make up a classifier head: those that declare the `head` trait (Linear, Dropout, activations). */
function isHeadLayer(m: Module): boolean {
  return m.traits.head === true;
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
 * `at` cuts somewhere else, as torchvision's `create_feature_extractor` does:
 * after a graph value (a layer name of an imported model, e.g. `mixed5`) or
 * after a Sequential child (`features.3`). Earlier layers are more generic,
 * later ones more specific to the task the network was trained on. Several
 * graph values, comma-separated, give their globally pooled maps side by
 * side (features from several depths at once).
 *
 * Shape: backbone `[N, C, H, W]` → `[N, features]`.
 *
 * @example
 * const { model: backbone, features } = cutBackbone(mobilenet, [3, 224, 224]);
 * const net = new Sequential({ backbone, head: new Linear(features, 5) });
 */
export function cutBackbone(model: Module, inputShape: readonly number[], options: { at?: string } = {}): Backbone {
  const cut = options.at !== undefined ? cutAt(model, options.at)
    : model instanceof GraphModule ? cutGraph(model) : model instanceof Sequential ? cutSequential(model, '') : null;
  if (!cut) throw new FoveaError(`cutBackbone: cannot find the classifier head of a ${moduleLabel(model)}; give a Sequential or a GraphModule (imported ONNX/TF.js) model`);
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

/**
 * The graph value `name`: its exact name, or else the one value whose name
 * ends with `_name` (imported TF graphs prefix every name with their scopes:
 * 'expanded_conv_14_expand_Relu6' finds
 * 'sequential_keras_layer_predict_MobilenetV2_expanded_conv_14_expand_Relu6').
 */
function graphValue(g: GraphModule, name: string, who: string): string {
  if (name === '') throw new FoveaError(`${who}: empty value name`);
  const names = g.graph.nodes.map((n) => n.name);
  if (names.includes(name)) return name;
  const ending = names.filter((n) => n.endsWith(`_${name}`));
  if (ending.length === 1) return ending[0]!;
  if (ending.length > 1) throw new FoveaError(`${who}: '${name}' ends ${ending.length} value names (${ending.slice(0, 4).join(', ')}${ending.length > 4 ? ', ...' : ''}); give more of the name`);
  const near = names.filter((n) => n.includes(name) || name.includes(n)).slice(0, 8);
  throw new FoveaError(`${who}: the graph has no value '${name}'${near.length ? `; similar: ${near.join(', ')}` : ''} (fovea summary lists the names)`);
}

/** The model up to and including the value / child `at`; several graph values (comma-separated) give their pooled features side by side. */
function cutAt(model: Module, at: string): Cut {
  if (model instanceof GraphModule && at.includes(',')) return multiScale(model, at.split(',').map((s) => s.trim()).filter(Boolean).map((v) => graphValue(model, v, 'cutBackbone')));
  if (model instanceof GraphModule) {
    at = graphValue(model, at, 'cutBackbone');
    const cut = graphUpTo(model, at);
    const kept = new Set(cut.graph.nodes.map((n) => n.name));
    return { model: cut, cutAt: at, removed: model.graph.nodes.filter((n) => !kept.has(n.name)).map((n) => n.name) };
  }
  if (model instanceof Sequential) {
    const path = at.split('.');
    const build = (s: Sequential, depth: number, prefix: string): { seq: Sequential; removed: string[] } => {
      const entries: [string, Module][] = [];
      const removed: string[] = [];
      let found = false;
      for (const [name, m] of s.namedChildren()) {
        const full = prefix ? `${prefix}.${name}` : name;
        if (found) removed.push(full);
        else if (name === path[depth]) {
          found = true;
          if (depth === path.length - 1) entries.push([name, m]);
          else if (m instanceof Sequential) {
            const inner = build(m, depth + 1, full);
            entries.push([name, inner.seq]);
            removed.push(...inner.removed);
          } else throw new FoveaError(`cutBackbone: '${full}' is a ${moduleLabel(m)}, not a Sequential; cannot cut inside it at '${at}'`);
        } else entries.push([name, m]);
      }
      if (!found) throw new FoveaError(`cutBackbone: no layer '${at}' (children of '${prefix || '<root>'}': ${[...s.namedChildren()].map(([n]) => n).join(', ')})`);
      return { seq: new Sequential(Object.fromEntries(entries)), removed };
    };
    const { seq, removed } = build(model, 0, '');
    return { model: seq, cutAt: at, removed };
  }
  throw new FoveaError(`cutBackbone: cannot cut a ${moduleLabel(model)} at '${at}'; give a Sequential or a GraphModule`);
}

/**
 * Features from several depths of a graph: each value (a feature map) globally
 * average-pooled, and the pooled vectors concatenated, a "hypercolumn". Early layers
 * bring generic texture and colour, late ones task-specific parts; together
 * they transfer better than either alone when the backbone's last layers were
 * trained for something else.
 */
function multiScale(g: GraphModule, values: string[]): Cut {
  const names = new Set(g.graph.nodes.map((n) => n.name));
  const kept = nodesUpTo(g, values);
  const fresh = new ValueNames().reserve(names);
  const extra: GraphNode[] = [];
  const layers: Record<string, Module> = {};
  const vectors: string[] = [];
  for (const v of values) {
    const pool = fresh.make(`${v}_gap`), flat = fresh.make(`${v}_vec`);
    layers[pool] = new AdaptiveAvgPool2d(1);
    layers[flat] = new Flatten();
    extra.push({ name: pool, op: 'module', inputs: [v] }, { name: flat, op: 'module', inputs: [pool] });
    vectors.push(flat);
  }
  const out = fresh.make('features');
  extra.push({ name: out, op: 'concat', inputs: vectors, attrs: { dim: 1 } });
  const keptNames = new Set(kept.map((n) => n.name));
  return {
    model: subgraph(g, g.graph.input, out, [...kept, ...extra], layers), cutAt: values.join(','),
    removed: g.graph.nodes.filter((n) => !keptNames.has(n.name)).map((n) => n.name),
  };
}

/** The nodes of `g` that the values `values` depend on (those nodes included), in the graph's order. */
function nodesUpTo(g: GraphModule, values: readonly string[]): GraphNode[] {
  const needed = new Set<string>(values);
  for (const node of [...g.graph.nodes].reverse()) if (needed.has(node.name)) for (const i of node.inputs) needed.add(i);
  return g.graph.nodes.filter((n) => needed.has(n.name));
}

/**
 * A GraphModule from `input` to `output` over `nodes`, sharing g's layers
 * and the constants the nodes use; `layers` holds the modules of nodes that
 * are not g's.
 */
function subgraph(g: GraphModule, input: string, output: string, nodes: GraphNode[], layers: Record<string, Module> = {}): GraphModule {
  const modules = Object.fromEntries(nodes.filter((n) => n.op === 'module').map((n) => [n.name, layers[n.name] ?? g.module(n.name)]));
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const constants = Object.fromEntries([...g.namedConstants()].filter(([n]) => used.has(n)));
  return new GraphModule({ input, output, nodes }, modules, constants);
}

/** A GraphModule computing `value` of `g`: the nodes it depends on, in their order, sharing g's layers and constants. */
function graphUpTo(g: GraphModule, value: string): GraphModule {
  return subgraph(g, g.graph.input, value, nodesUpTo(g, [value]));
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
  const removed = head.slice(0, head.indexOf(firstLinear) + 1).reverse().map((n) => n.name);
  return { model: graphUpTo(g, cutAt), cutAt, removed };
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

/** What `splitAt` returns: `suffix(prefix(x))` computes what the whole model computes. */
export interface SplitModel {
  /** The input up to and including `at`. */
  prefix: Module;
  /** From `at`'s output to the model's output. */
  suffix: Module;
}

/**
 * Splits a model in two at a graph value or Sequential child, sharing the
 * layers: transfer learning freezes (and caches the output of) the prefix
 * and fine-tunes the suffix. A graph can only be split where nothing but
 * `at` itself crosses the cut (a residual connection that skips over it
 * cannot be split there). A Sequential whose first child is a graph (a cut
 * backbone with pooling appended) is split inside that graph.
 *
 * Shape: prefix `[N, C, H, W]` → the shape of `at`; suffix: that → the model's output.
 *
 * @example
 * const { prefix, suffix } = splitAt(backbone, 'block_10_project_BN');
 * prefix.requiresGrad_(false);
 */
export function splitAt(model: Module, at: string): SplitModel {
  if (model instanceof GraphModule) {
    at = graphValue(model, at, 'splitAt');
    const prefix = graphUpTo(model, at);
    const inPrefix = new Set([model.graph.input, ...prefix.graph.nodes.map((n) => n.name)]);
    const nodes = model.graph.nodes.filter((n) => !inPrefix.has(n.name));
    for (const n of nodes) {
      const crossing = n.inputs.find((i) => inPrefix.has(i) && i !== at);
      if (crossing !== undefined) throw new FoveaError(`splitAt: cannot split at '${at}': '${n.name}' also uses '${crossing}' from before it (a connection that skips over the cut); choose a value every later layer reaches only through '${at}', such as the end of a block`);
    }
    if (!nodes.length) throw new FoveaError(`splitAt: '${at}' is the output; nothing is left after it`);
    return { prefix, suffix: subgraph(model, at, model.graph.output, nodes) };
  }
  if (model instanceof Sequential) {
    const children = [...model.namedChildren()];
    const [firstName, first] = children[0] ?? [];
    if (first instanceof GraphModule && first.graph.output === at && children.length > 1) {
      return { prefix: first, suffix: new Sequential(Object.fromEntries(children.slice(1))) };
    }
    if (first instanceof GraphModule && first.graph.nodes.some((n) => n.name === at)) {
      const inner = splitAt(first, at);
      return { prefix: inner.prefix, suffix: new Sequential(Object.fromEntries([[firstName!, inner.suffix], ...children.slice(1)])) };
    }
    const dot = at.indexOf('.');
    const head = dot < 0 ? at : at.slice(0, dot);
    const i = children.findIndex(([n]) => n === head);
    if (i < 0) throw new FoveaError(`splitAt: no child '${head}' (children: ${children.map(([n]) => n).join(', ')})`);
    const before = children.slice(0, i), after = children.slice(i + 1);
    if (dot >= 0) {
      // A path into a nested Sequential (features.6): split inside it.
      const inner = children[i]![1];
      if (!(inner instanceof Sequential)) throw new FoveaError(`splitAt: '${head}' is a ${moduleLabel(inner)}; cannot split inside it at '${at}'`);
      const parts = splitAt(inner, at.slice(dot + 1));
      return {
        prefix: new Sequential(Object.fromEntries([...before, [head, parts.prefix]])),
        suffix: new Sequential(Object.fromEntries([[head, parts.suffix], ...after])),
      };
    }
    if (!after.length) throw new FoveaError(`splitAt: '${at}' is the last layer; nothing is left after it`);
    return { prefix: new Sequential(Object.fromEntries([...before, children[i]!])), suffix: new Sequential(Object.fromEntries(after)) };
  }
  throw new FoveaError(`splitAt: cannot split a ${moduleLabel(model)}; give a Sequential or a GraphModule`);
}
