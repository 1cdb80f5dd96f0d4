/**
 * GraphModule: a model that is a directed acyclic graph rather than a chain
 * (what ONNX import produces; torch.fx's GraphModule is the model). Layers
 * are ordinary child modules, so hooks, `namedParameters()`, training and
 * saving work as for any model; the joins between them (add, concat, ...)
 * are functional nodes. The graph itself is plain JSON, so the .fovea format
 * saves it like any other architecture.
 */
import { FoveaError, ShapeError, fmt } from '../errors.js';
import { withModule } from '../tensor/context.js';
import { concat } from '../tensor/ops/concat.js';
import { zeros } from '../tensor/ops/creation.js';
import { add, broadcastShapes, div, erf, mul, pow, sqrt, sub } from '../tensor/ops/elementwise.js';
import { matmul } from '../tensor/ops/matmul.js';
import { max, mean, sum } from '../tensor/ops/reduce.js';
import { narrow, permute, reshape } from '../tensor/ops/shape.js';
import { currentPath, normDim } from '../tensor/ops/util.js';
import { isGradEnabled } from '../tensor/grad-mode.js';
import { releaseStorage, scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { fusedBlockLength, runFusedBlock } from './fusion.js';
import { Module, type ModuleConfig } from './module.js';

/** The functional operations a node can apply; 'module' calls the child module of the node's name. */
export const GRAPH_OPS = [
  'module', 'add', 'sub', 'mul', 'div', 'matmul', 'concat', 'reshape', 'permute', 'squeeze', 'unsqueeze',
  'mean', 'sum', 'max', 'narrow', 'pow', 'sqrt', 'erf',
] as const;
export type GraphOp = (typeof GRAPH_OPS)[number];

/** One node: computes the value `name` from the values `inputs`. */
export interface GraphNode {
  name: string;
  op: GraphOp;
  inputs: string[];
  /**
   * concat: dim; reshape: shape (0 copies the input's dim, -1 is inferred); permute: dims; squeeze/unsqueeze: dims;
   * mean/sum/max: dims and keepdim; narrow: dim, start, length; pow: exponent.
   */
  attrs?: GraphNodeAttrs;
}

export interface GraphNodeAttrs {
  dim?: number;
  shape?: number[];
  dims?: number[];
  keepdim?: boolean;
  start?: number;
  length?: number;
  exponent?: number;
}

/** The whole graph: one input, one output, nodes in an order where every input is defined before it is used. */
export interface GraphDef {
  input: string;
  output: string;
  nodes: GraphNode[];
}

/**
 * A model whose layers are connected as a DAG.
 *
 * Values are named: the graph's `input`, each node's `name`, and each
 * constant (a buffer, saved with the weights). A 'module' node runs the child
 * module of the same name on its single input.
 *
 * Shape: whatever the graph computes; `outputShape` walks it without running.
 * @example
 * const g = new GraphModule(
 *   { input: 'x', output: 'sum', nodes: [
 *     { name: 'conv', op: 'module', inputs: ['x'] },
 *     { name: 'sum', op: 'add', inputs: ['conv', 'x'] } ] },
 *   { conv: new Conv2d(8, 8, 3, { padding: 1 }) });
 */
export class GraphModule extends Module {
  static override readonly type = 'GraphModule';
  static override readonly traits = { container: true };
  readonly graph: GraphDef;
  private readonly constants = new Map<string, Tensor>();
  /**
   * The children by name, kept in step with `registerModule`: `module(name)`
   * runs once per node in every forward and shape pass, and scanning the
   * children there made a 30,000-node ONNX import quadratic (minutes).
   */
  private readonly moduleIndex = new Map<string, Module>();
  private dyingCache: string[][] | null = null;
  private chainCache: string[][] | null = null;

  constructor(graph: GraphDef, modules: Record<string, Module>, constants: Record<string, Tensor> = {}) {
    super();
    this.graph = structuredClone(graph);
    const defined = new Set<string>([graph.input]);
    for (const [name, t] of Object.entries(constants)) {
      if (defined.has(name)) throw new FoveaError(`GraphModule: constant '${name}' reuses a value name`);
      this.constants.set(name, this.registerBuffer(name, t));
      defined.add(name);
    }
    for (const node of graph.nodes) {
      if (!(GRAPH_OPS as readonly string[]).includes(node.op)) throw new FoveaError(`GraphModule: node '${node.name}' has unknown op '${node.op}'; known: ${GRAPH_OPS.join(', ')}`);
      if (defined.has(node.name)) throw new FoveaError(`GraphModule: value '${node.name}' is defined twice`);
      for (const i of node.inputs) {
        if (!defined.has(i)) throw new FoveaError(`GraphModule: node '${node.name}' uses '${i}' before it is defined (nodes must be in topological order)`);
      }
      if (node.op === 'module') {
        const m = modules[node.name];
        if (!m) throw new FoveaError(`GraphModule: node '${node.name}' needs a child module of that name`);
        if (node.inputs.length !== 1) throw new FoveaError(`GraphModule: module node '${node.name}' takes exactly one input, got ${node.inputs.length}`);
        this.registerModule(node.name, m);
      }
      defined.add(node.name);
    }
    if (!defined.has(graph.output)) throw new FoveaError(`GraphModule: output '${graph.output}' is not computed by any node`);
  }

  /** The child module a 'module' node runs (a map lookup, O(1)). */
  module(name: string): Module {
    const m = this.moduleIndex.get(name);
    if (!m) throw new FoveaError(`GraphModule: no module '${name}'`);
    return m;
  }

  /** Registers the child and keeps the name index `module()` reads in step (a replaced child is found at once). */
  override registerModule(name: string, m: Module): Module {
    super.registerModule(name, m);
    this.moduleIndex.set(name, m);
    return m;
  }

  /** The constant tensor of a value name, if it is one. */
  constant(name: string): Tensor | undefined {
    return this.constants.get(name);
  }

  forward(x: Tensor): Tensor {
    const values = new Map<string, Tensor>(this.constants);
    values.set(this.graph.input, x);
    // In inference (no grad, no hook that might keep an activation) each value is freed after its last
    // use, so a deep network needs memory for a few activations at a time, not for all of them.
    const dying = !isGradEnabled() && !this.hasForwardHooks() ? this.lastUses() : null;
    const nodes = this.graph.nodes;
    for (let i = 0; i < nodes.length;) {
      const node = nodes[i]!;
      const ins = node.inputs.map((n) => values.get(n)!);
      // without autograd, a straight run Conv2d → ReLU (→ MaxPool2d(2)) runs as one kernel (see fusion.ts);
      // its inner values are never made, and the run's last node gets the result
      const chain = dying ? this.chains()[i]!.map((name) => this.module(name)) : [];
      const fused = chain.length > 1 ? fusedBlockLength(chain, 0) : 0;
      const last = nodes[i + Math.max(fused, 1) - 1]!;
      const run = (): Tensor =>
        fused ? runFusedBlock(chain, 0, fused, ins[0]!) : node.op === 'module' ? this.module(node.name).forward(ins[0]!) : apply(node, ins);
      // In inference each node runs in its own scope, so a layer's temporaries (batch norm's, say) go at once.
      values.set(last.name, dying ? scope(run) : run());
      for (let j = i; j < i + Math.max(fused, 1); j++) {
        for (const name of dying?.[j] ?? []) {
          const t = values.get(name);
          if (!t) continue; // a value inside a fused run
          values.delete(name);
          // Views (reshape, flatten, identity layers) share storage with a value that may still be alive.
          if (![...values.values()].some((v) => v.storageRef === t.storageRef) && t.storageRef !== x.storageRef) releaseStorage(t.storageRef);
        }
      }
      i += Math.max(fused, 1);
    }
    return values.get(this.graph.output)!;
  }

  /**
   * For each node, the module names of the straight run of up to three
   * 'module' nodes it starts, each value but the last used once, by the next node:
   * what fusedBlockLength may fuse (structure only; hooks and grad mode are
   * checked on every forward).
   */
  private chains(): string[][] {
    if (this.chainCache) return this.chainCache;
    const uses = new Map<string, number>();
    for (const n of this.graph.nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
    const nodes = this.graph.nodes;
    return (this.chainCache = nodes.map((node, i) => {
      if (node.op !== 'module') return [];
      const run = [node.name];
      for (let j = i; run.length < 3 && j + 1 < nodes.length; j++) {
        const next = nodes[j + 1]!;
        if (next.op !== 'module' || next.inputs.length !== 1 || next.inputs[0] !== nodes[j]!.name) break;
        if (uses.get(nodes[j]!.name) !== 1 || nodes[j]!.name === this.graph.output) break;
        run.push(next.name);
      }
      return run;
    }));
  }

  /** For each node, the node values whose last use it is (never the input, the output or a constant). */
  private lastUses(): string[][] {
    if (this.dyingCache) return this.dyingCache;
    const last = new Map<string, number>();
    this.graph.nodes.forEach((node, i) => node.inputs.forEach((n) => last.set(n, i)));
    const out: string[][] = this.graph.nodes.map(() => []);
    const nodeNames = new Set(this.graph.nodes.map((n) => n.name));
    for (const [name, i] of last) if (nodeNames.has(name) && name !== this.graph.output) out[i]!.push(name);
    return (this.dyingCache = out);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...this.valueShapes(inputShape).get(this.graph.output)!];
  }

  /** The shape of every value (input, constants, nodes) for an input shape, computed without running. */
  valueShapes(inputShape: readonly number[]): Map<string, readonly number[]> {
    const shapes = new Map<string, readonly number[]>([...this.constants].map(([n, t]) => [n, t.shape]));
    shapes.set(this.graph.input, inputShape);
    withModule(this, () => {
      for (const node of this.graph.nodes) {
        const ins = node.inputs.map((i) => shapes.get(i)!);
        const m = node.op === 'module' ? this.module(node.name) : null;
        shapes.set(node.name, m ? withModule(m, () => m.outputShape(ins[0]!)) : graphNodeShape(node, ins));
      }
    });
    return shapes;
  }

  /** The graph's constants by name. */
  namedConstants(): Map<string, Tensor> {
    return new Map(this.constants);
  }

  override config() {
    return { graph: this.graph, constants: Object.fromEntries([...this.constants].map(([n, t]) => [n, [...t.shape]])) };
  }

  /** Rebuilds a GraphModule from its config (constants start as zeros; loadStateDict fills them). */
  static override fromConfig(args: ModuleConfig, children: [string, Module][]): GraphModule {
    const graph = args['graph'] as GraphDef | undefined;
    if (!graph || typeof graph !== 'object' || !Array.isArray(graph.nodes)) throw new FoveaError('GraphModule spec has no graph');
    const shapes = (args['constants'] ?? {}) as Record<string, number[]>;
    const constants = Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, zeros(s)]));
    return new GraphModule(graph, Object.fromEntries(children), constants);
  }

  override extraRepr(): string {
    return `${this.graph.nodes.length} nodes`;
  }
}

function reshapeTarget(node: GraphNode, s: readonly number[]): number[] {
  return (node.attrs?.shape ?? []).map((d, i) => {
    if (d !== 0) return d;
    if (i >= s.length) throw new ShapeError('reshape', `target ${fmt(node.attrs?.shape ?? [])} copies dim ${i} of input ${fmt(s)}, which has no such dim`, currentPath());
    return s[i]!;
  });
}

function squeezed(node: GraphNode, s: readonly number[]): number[] {
  const dims = (node.attrs?.dims ?? []).map((d) => normDim('squeeze', d, s.length, s));
  for (const d of dims) if (s[d] !== 1) throw new ShapeError('squeeze', `dim ${d} of ${fmt(s)} is not 1`, currentPath());
  return s.filter((_, i) => (dims.length ? !dims.includes(i) : s[i] !== 1));
}

function unsqueezed(node: GraphNode, s: readonly number[]): number[] {
  const rank = s.length + (node.attrs?.dims ?? []).length;
  const dims = (node.attrs?.dims ?? []).map((d) => normDim('unsqueeze', d, rank, s));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(dims.includes(i) ? 1 : s[j++]!);
  return out;
}

/** The dims a mean/sum/max node reduces, normalised and unique (an empty list: every dim, as torch.sum(x) does). */
function reduceDims(node: GraphNode, s: readonly number[]): number[] {
  const dims = (node.attrs?.dims ?? []).map((d) => normDim(node.op, d, s.length, s));
  if (new Set(dims).size !== dims.length) throw new ShapeError(node.op, `repeated dim in ${fmt(node.attrs?.dims ?? [])}`, currentPath());
  return dims.length ? dims : s.map((_, i) => i);
}

function apply(node: GraphNode, ins: Tensor[]): Tensor {
  const [a, b] = ins as [Tensor, Tensor];
  switch (node.op) {
    case 'add': return add(a, b);
    case 'sub': return sub(a, b);
    case 'mul': return mul(a, b);
    case 'div': return div(a, b);
    case 'matmul': return matmul(a, b);
    case 'concat': return concat(ins, node.attrs?.dim ?? 0);
    case 'reshape': return reshape(a, reshapeTarget(node, a.shape));
    case 'permute': return permute(a, node.attrs?.dims ?? []);
    case 'squeeze': return reshape(a, squeezed(node, a.shape));
    case 'unsqueeze': return reshape(a, unsqueezed(node, a.shape));
    case 'mean': return mean(a, reduceDims(node, a.shape), node.attrs?.keepdim ?? false);
    case 'sum': return sum(a, reduceDims(node, a.shape), node.attrs?.keepdim ?? false);
    case 'max': {
      // max over several dims = max over each in turn, the highest first so the lower indices stay put
      const dims = reduceDims(node, a.shape).sort((p, q) => q - p);
      return dims.reduce((t, d) => max(t, d, node.attrs?.keepdim ?? false), a);
    }
    case 'narrow': return narrow(a, node.attrs?.dim ?? 0, node.attrs?.start ?? 0, node.attrs?.length ?? 0);
    case 'pow': return pow(a, node.attrs?.exponent ?? 1);
    case 'sqrt': return sqrt(a);
    case 'erf': return erf(a);
    default: throw new FoveaError(`GraphModule: cannot run op '${node.op}'`);
  }
}

/** The output shape of a functional (non-module) node for its input shapes, or a ShapeError. */
export function graphNodeShape(node: GraphNode, ins: (readonly number[])[]): number[] {
  const [a, b] = ins as [readonly number[], readonly number[]];
  switch (node.op) {
    case 'add': case 'sub': case 'mul': case 'div': return broadcastShapes(node.op, a, b);
    case 'matmul': {
      const ok = (a.length === 2 || a.length === 3) && (b.length === 2 || b.length === 3) && a[a.length - 1] === b[b.length - 2];
      if (!ok) throw new ShapeError('matmul', `cannot multiply ${fmt(a)} by ${fmt(b)}`, currentPath());
      return [...a.slice(0, -1), b[b.length - 1]!];
    }
    case 'concat': {
      const d = normDim('concat', node.attrs?.dim ?? 0, a.length, a);
      const out = [...a];
      out[d] = ins.reduce((acc, s) => acc + s[d]!, 0);
      return out;
    }
    case 'reshape': {
      const t = reshapeTarget(node, a);
      const size = a.reduce((p, d) => p * d, 1);
      const known = t.reduce((p, d) => (d === -1 ? p : p * d), 1);
      const out = t.map((d) => (d === -1 ? size / known : d));
      if (out.reduce((p, d) => p * d, 1) !== size || out.some((d) => !Number.isInteger(d))) {
        throw new ShapeError('reshape', `cannot reshape ${fmt(a)} to ${fmt(node.attrs?.shape ?? [])}`, currentPath());
      }
      return out;
    }
    case 'permute': return (node.attrs?.dims ?? []).map((d) => a[normDim('permute', d, a.length, a)]!);
    case 'squeeze': return squeezed(node, a);
    case 'unsqueeze': return unsqueezed(node, a);
    case 'mean': case 'sum': case 'max': {
      const dims = reduceDims(node, a);
      return node.attrs?.keepdim ? a.map((d, i) => (dims.includes(i) ? 1 : d)) : a.filter((_, i) => !dims.includes(i));
    }
    case 'narrow': {
      const d = normDim('narrow', node.attrs?.dim ?? 0, a.length, a);
      const start = node.attrs?.start ?? 0, length = node.attrs?.length ?? 0;
      if (start < 0 || length < 0 || start + length > a[d]!) throw new ShapeError('narrow', `[${start}, ${start + length}) is not inside dim ${d} of ${fmt(a)}`, currentPath());
      return a.map((s, i) => (i === d ? length : s));
    }
    case 'pow': case 'sqrt': case 'erf': return [...a];
    default: throw new FoveaError(`GraphModule: no shape rule for op '${node.op}'`);
  }
}
