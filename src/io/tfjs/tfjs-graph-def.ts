/**
 * The topology of a TF.js graph model: TensorFlow's GraphDef as JSON
 * (`modelTopology.node[]`, each `{name, op, input, attr}`), read and checked
 * before anything is built: unique names, inputs that exist, no cycles, one
 * Placeholder and one output. Attribute values are protobuf JSON: strings
 * base64 (`{s: 'U0FNRQ=='}` is 'SAME'), 64-bit integers decimal strings
 * (`{i: '2'}`), lists `{list: {i: [...]}}`, shapes `{shape: {dim: [{size: '-1'}]}}`.
 */
import { isRecord, show } from './tfjs-config.js';
import { topoOrder } from './topo-order.js';

type Fail = (problem: string) => never;

/** Most nodes a graph may have (a ResNet-152 has a few thousand). */
const MAX_NODES = 1 << 20;

/**
 * One node's `attr`, read field by field; `fail` names the node. A field
 * protobuf left at its default may be missing from the JSON (`{list: {}}`,
 * `{b: false}` written as `{}`), so a present attribute with no value reads
 * as that default.
 * @example
 * const [sh, sw] = attrs.ints('strides').slice(1, 3);
 * const padding = attrs.string('padding'); // 'SAME'
 */
export class NodeAttrs {
  constructor(readonly raw: Record<string, unknown>, private readonly fail: Fail) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  private field(key: string, kind: string): unknown {
    const a = this.raw[key];
    if (a === undefined || a === null) return undefined;
    if (!isRecord(a)) return this.fail(`attr '${key}' must be an object, got ${show(a)}`);
    return a[kind];
  }

  private listOf(key: string, kind: string): unknown[] | undefined {
    const l = this.field(key, 'list');
    if (l === undefined) return this.has(key) ? [] : undefined;
    if (!isRecord(l)) return this.fail(`attr '${key}'.list must be an object, got ${show(l)}`);
    const v = l[kind] ?? [];
    return Array.isArray(v) ? v : this.fail(`attr '${key}'.list.${kind} must be a list, got ${show(v)}`);
  }

  private decode(key: string, v: unknown): string {
    // protobuf JSON writes bytes as base64; tfjs-converter also accepts a list of char codes
    if (Array.isArray(v) && v.every((ch) => Number.isInteger(ch) && ch >= 0 && ch < 256)) return String.fromCharCode(...(v as number[]));
    if (typeof v !== 'string') return this.fail(`attr '${key}' must hold a base64 string, got ${show(v)}`);
    try {
      return atob(v);
    } catch {
      return this.fail(`attr '${key}': ${show(v)} is not base64`);
    }
  }

  private integer(key: string, v: unknown): number {
    const n = typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) return this.fail(`attr '${key}' must hold integers, got ${show(v)}`);
    return n;
  }

  string(key: string, fallback?: string): string {
    const v = this.field(key, 's');
    if (v === undefined) return fallback ?? this.fail(`attr '${key}' is missing`);
    return this.decode(key, v);
  }

  strings(key: string): string[] {
    return (this.listOf(key, 's') ?? []).map((v) => this.decode(key, v));
  }

  int(key: string, fallback?: number): number {
    const v = this.field(key, 'i');
    if (v === undefined) return this.has(key) ? 0 : fallback ?? this.fail(`attr '${key}' is missing`);
    return this.integer(key, v);
  }

  ints(key: string, fallback?: number[]): number[] {
    const l = this.listOf(key, 'i');
    if (l === undefined) return fallback ?? this.fail(`attr '${key}' is missing`);
    return l.map((v) => this.integer(key, v));
  }

  float(key: string, fallback: number): number {
    const v = this.field(key, 'f');
    if (v === undefined) return this.has(key) ? 0 : fallback;
    // protobuf JSON writes non-finite floats as strings
    const n = typeof v === 'string' && /^-?(Infinity|NaN)$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || Number.isNaN(n)) return this.fail(`attr '${key}' must hold a number, got ${show(v)}`);
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.field(key, 'b');
    if (v === undefined) return this.has(key) ? false : fallback;
    if (typeof v !== 'boolean') return this.fail(`attr '${key}' must hold true or false, got ${show(v)}`);
    return v;
  }

  /** A dtype attribute ('DT_FLOAT'), or undefined. */
  type(key: string): string | undefined {
    const v = this.field(key, 'type');
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : this.fail(`attr '${key}' must hold a type name, got ${show(v)}`);
  }

  /** A shape attribute: dims with null for unknown (-1); null for an unknown rank or none given. */
  shape(key: string): (number | null)[] | null {
    const s = this.field(key, 'shape');
    return s === undefined ? null : tensorShape(s, this.fail, `attr '${key}'`);
  }
}

/**
 * A TensorShapeProto as JSON: `{dim: [{size: '3'}], unknownRank}` → dims, null where unknown; null for an unknown rank.
 * @example tensorShape({ dim: [{ size: '-1' }, { size: '224' }] }, fail, 'shape') // [null, 224]
 */
export function tensorShape(s: unknown, fail: Fail, what: string): (number | null)[] | null {
  if (!isRecord(s)) return fail(`${what} must be a shape object, got ${show(s)}`);
  if (s['unknownRank'] === true) return null;
  const dims = s['dim'] ?? [];
  if (!Array.isArray(dims)) return fail(`${what}.dim must be a list, got ${show(dims)}`);
  return dims.map((d) => {
    const raw = isRecord(d) ? d['size'] ?? '0' : d;
    const n = typeof raw === 'string' && /^-?\d{1,15}$/.test(raw) ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < -1) return fail(`${what} has an invalid dim ${show(d)}`);
    return n === -1 ? null : n;
  });
}

/** One GraphDef node: its data inputs (control inputs '^x' dropped, ':0' suffixes stripped) and attributes. */
export interface TfNode {
  name: string;
  op: string;
  inputs: string[];
  attrs: NodeAttrs;
}

/** A checked graph: the nodes the output needs, inputs first, and its ends. */
export interface GraphDefInfo {
  order: TfNode[];
  /** The one Placeholder. */
  input: TfNode;
  /** The node no other node consumes. */
  output: TfNode;
  /** The node that computes the output: `output`, or what a final chain of Identity nodes passes on. */
  computedBy: TfNode;
}

/** The failure for a problem at one node: `node '<name>' (<op>): <problem>`. @example nodeFail(fail, node)('padding is missing') */
export function nodeFail(fail: Fail, n: { name: string; op: string }): Fail {
  return (problem) => fail(`node '${n.name}' (${n.op}): ${problem}`);
}

function parseNode(raw: unknown, i: number, fail: Fail): TfNode {
  if (!isRecord(raw)) return fail(`modelTopology.node[${i}] must be an object, got ${show(raw)}`);
  const { name, op } = raw;
  if (typeof name !== 'string' || name === '') return fail(`modelTopology.node[${i}] has no name: ${show(raw)}`);
  if (typeof op !== 'string' || op === '') return fail(`node '${name}' has no op`);
  const f = nodeFail(fail, { name, op });
  const input = raw['input'] ?? [];
  if (!Array.isArray(input) || !input.every((s) => typeof s === 'string' && s !== '')) return f(`input must be a list of node names, got ${show(input)}`);
  const attr = raw['attr'] ?? {};
  if (!isRecord(attr)) return f(`attr must be an object, got ${show(attr)}`);
  const inputs: string[] = [];
  for (const s of input as string[]) {
    if (s.startsWith('^')) continue; // a control dependency orders execution; it carries no value
    const m = /^(.*):(\d+)$/.exec(s);
    if (m && m[2] !== '0') f(`input '${s}' is output ${m[2]} of node '${m[1]}'; only a node's first output is supported`);
    inputs.push(m ? m[1]! : s);
  }
  return { name, op, inputs, attrs: new NodeAttrs(attr, f) };
}

/** Nodes in an order where every input comes first; a cycle fails naming its nodes. */
function nodeOrder(nodes: Map<string, TfNode>, fail: Fail): TfNode[] {
  const { order, stuck } = topoOrder([...nodes.keys()], (n) => nodes.get(n)!.inputs);
  if (!stuck.length) return order.map((n) => nodes.get(n)!);
  // every node left waits on another node left: walking inputs among them must come back to a node seen
  const left = new Set(stuck);
  const path: string[] = [];
  let at = stuck[0]!;
  while (!path.includes(at)) {
    path.push(at);
    at = nodes.get(at)!.inputs.find((i) => left.has(i))!;
  }
  const cycle = [...path.slice(path.indexOf(at)), at];
  return fail(`the graph has a cycle: ${cycle.map((n) => `'${n}'`).join(' → ')}`);
}

/** Follows a chain of Identity nodes back to the node that computes the value. */
function throughIdentities(n: TfNode, nodes: Map<string, TfNode>): TfNode {
  let at = n;
  while (at.op === 'Identity' && at.inputs.length === 1) at = nodes.get(at.inputs[0]!)!;
  return at;
}

/**
 * Reads and checks `modelTopology` of a graph model.
 * @example const { order, input, output } = parseGraphDef(json.modelTopology, fail);
 */
export function parseGraphDef(topology: unknown, fail: Fail): GraphDefInfo {
  if (!isRecord(topology) || !Array.isArray(topology['node'])) return fail(`a graph model's modelTopology must hold a node list, got ${show(topology)}`);
  const list = topology['node'] as unknown[];
  if (list.length > MAX_NODES) fail(`the graph has ${list.length} nodes, more than the limit of ${MAX_NODES}`);
  const nodes = new Map<string, TfNode>();
  list.forEach((raw, i) => {
    const n = parseNode(raw, i, fail);
    if (nodes.has(n.name)) fail(`node name '${n.name}' is used twice`);
    nodes.set(n.name, n);
  });
  for (const n of nodes.values()) {
    for (const i of n.inputs) if (!nodes.has(i)) nodeFail(fail, n)(`input '${i}' is not a node of the graph`);
  }
  const order = nodeOrder(nodes, fail);
  const placeholders = order.filter((n) => n.op === 'Placeholder');
  if (placeholders.length !== 1) {
    fail(`this TF.js graph model has ${placeholders.length} Placeholder (input) nodes${placeholders.length ? ` (${placeholders.map((n) => n.name).join(', ')})` : ''}; fovea models take one image input`);
  }
  const consumed = new Set(order.flatMap((n) => n.inputs));
  const sinks = order.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp');
  const ends = new Map(sinks.map((s) => [throughIdentities(s, nodes).name, s]));
  if (ends.size !== 1) {
    fail(ends.size === 0 ? 'this TF.js graph model has no output node' : `this TF.js graph model has ${ends.size} outputs (${sinks.map((n) => `'${n.name}'`).join(', ')}); fovea models have one`);
  }
  const [computedBy, output] = [...ends][0]!;
  // only what the output needs is converted (a stray Const is an unused weight)
  const needed = new Set([output.name]);
  for (let k = order.length - 1; k >= 0; k--) if (needed.has(order[k]!.name)) for (const i of order[k]!.inputs) needed.add(i);
  const input = placeholders[0]!;
  if (!needed.has(input.name)) fail(`the output '${output.name}' does not depend on the input '${input.name}'`);
  return { order: order.filter((n) => needed.has(n.name)), input, output, computedBy: nodes.get(computedBy)! };
}
