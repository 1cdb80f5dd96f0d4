/**
 * The layer graph of a TF.js layers model.json, flattened: Sequential and
 * functional (`Model` / `Functional`) configs, nested models inlined (as
 * Teachable Machine exports them: a Sequential of a truncated MobileNet and a
 * Sequential head), Keras 2 `inbound_nodes` (`[[["conv1", 0, 0, {}]]]`) and
 * Keras 3 ones (`[{args: [{class_name: '__keras_tensor__', config:
 * {keras_history: ['conv1', 0, 0]}}]}]`). The result lists layer calls in an
 * order where each input is computed first; cycles, dangling references,
 * shared layers and multi-output layers are errors naming the layers.
 */
import { isRecord, show } from './tfjs-config.js';
import { topoOrder } from './topo-order.js';

/** One Keras layer as model.json describes it. */
export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
}

/** A layer applied to values: `inputs` and `output` are value keys. */
export interface LayerCall {
  layer: KerasLayer;
  inputs: string[];
  output: string;
}

export interface Topology {
  /** The model's one input: the value key, the InputLayer's name, and its Keras batch shape ([null, H, W, C]) when declared. */
  input: { key: string; name: string; batchShape: (number | null)[] | null };
  /** Layer calls in a topological order (InputLayers and nested models do not appear; their layers do). */
  calls: LayerCall[];
  /** The value key of the model's output. */
  output: string;
  /** Keras names that are not calls, with the value they stand for: InputLayers, nested models (their output). */
  aliases: Map<string, string>;
  kerasVersion: string | null;
}

/** Keras class names of a model used as a layer. */
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);
const MAX_DEPTH = 16;
const MAX_LAYERS = 100_000;

type Fail = (problem: string) => never;

class Parser {
  readonly calls: LayerCall[] = [];
  readonly aliases = new Map<string, string>();
  private readonly keys = new Set<string>();
  input: Topology['input'] | null = null;
  layerCount = 0;

  constructor(readonly fail: Fail) {}

  /** A fresh value key for a layer's output (layer names may repeat across nested models). */
  key(name: string): string {
    let k = name;
    for (let i = 1; this.keys.has(k); i++) k = `${name}#${i}`;
    this.keys.add(k);
    return k;
  }

  layer(raw: unknown, where: string): KerasLayer & { raw: Record<string, unknown> } {
    if (++this.layerCount > MAX_LAYERS) this.fail(`more than ${MAX_LAYERS} layers`);
    if (!isRecord(raw)) return this.fail(`${where}: a layer must be an object, got ${show(raw)}`);
    const className = raw['class_name'];
    const config = raw['config'] ?? {};
    if (typeof className !== 'string') return this.fail(`${where}: class_name must be a string, got ${show(className)}`);
    if (!isRecord(config) && !(MODEL_CLASSES.has(className) && Array.isArray(config))) return this.fail(`${where} (${className}): config must be an object, got ${show(config)}`);
    const name = raw['name'] ?? (isRecord(config) ? config['name'] : undefined);
    if (typeof name !== 'string' || !name) return this.fail(`${where} (${className}): the layer has no name`);
    return { name, className, config: isRecord(config) ? config : { layers: config }, raw };
  }

  /** The model input, declared by an InputLayer or the first layer's batch_input_shape. */
  declareInput(name: string, config: Record<string, unknown>, bound: string | null): string {
    if (bound !== null) return bound;
    if (this.input) this.fail(`the model has more than one input ('${this.input.name}', '${name}'); fovea models take one image`);
    const shape = config['batch_input_shape'] ?? config['batch_shape'] ?? (Array.isArray(config['input_shape']) ? [null, ...(config['input_shape'] as unknown[])] : null);
    if (shape !== null && (!Array.isArray(shape) || !shape.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0)))) {
      this.fail(`layer '${name}': batch_input_shape must be a list of integers or nulls, got ${show(shape)}`);
    }
    this.input = { key: this.key(name), name, batchShape: shape as (number | null)[] | null };
    this.aliases.set(name, this.input.key);
    return this.input.key;
  }

  /** A model config (Sequential, Model, Functional): its calls are appended; returns the output key. */
  model(className: string, config: Record<string, unknown>, bound: string | null, depth: number, where: string): string {
    if (depth > MAX_DEPTH) this.fail(`${where}: models nested more than ${MAX_DEPTH} deep`);
    return className === 'Sequential' ? this.sequential(config, bound, depth, where) : this.functional(config, bound, depth, where);
  }

  private sequential(config: Record<string, unknown>, bound: string | null, depth: number, where: string): string {
    const layers = config['layers'];
    if (!Array.isArray(layers) || layers.length === 0) return this.fail(`${where}: a Sequential model needs a non-empty 'layers' list`);
    let current: string | null = bound;
    layers.forEach((raw, i) => {
      const l = this.layer(raw, `${where}.layers[${i}]`);
      if (l.className === 'InputLayer') {
        if (i !== 0) this.fail(`Sequential layer ${i} ('${l.name}') is an InputLayer; only the first may be`);
        current = this.declareInput(l.name, l.config, current);
        return;
      }
      if (MODEL_CLASSES.has(l.className)) {
        current = this.model(l.className, l.config, current, depth + 1, `model '${l.name}'`);
        this.aliases.set(l.name, current);
        return;
      }
      // Keras names the implicit input of a Sequential '<first layer>_input'
      if (current === null) current = this.declareInput(`${l.name}_input`, l.config, null);
      const output = this.key(l.name);
      this.calls.push({ layer: { name: l.name, className: l.className, config: l.config }, inputs: [current], output });
      current = output;
    });
    return current!;
  }

  private functional(config: Record<string, unknown>, bound: string | null, depth: number, where: string): string {
    const rawLayers = config['layers'];
    if (!Array.isArray(rawLayers)) return this.fail(`${where}: a functional model needs a 'layers' list`);
    const layers = rawLayers.map((raw, i) => this.layer(raw, `${where}.layers[${i}]`));
    const byName = new Map<string, (typeof layers)[number]>();
    for (const l of layers) {
      if (byName.has(l.name)) this.fail(`${where}: two layers are named '${l.name}'`);
      byName.set(l.name, l);
    }
    const ends = (field: string): string[] => {
      const v = config[field];
      // [["name", 0, 0], ...] or, for one tensor, ["name", 0, 0]
      const list = Array.isArray(v) && typeof v[0] === 'string' ? [v] : v;
      if (!Array.isArray(list) || !list.every((r) => Array.isArray(r) && typeof r[0] === 'string')) return this.fail(`${where}: ${field} must be a list of [layer, node, tensor], got ${show(v)}`);
      return list.map((r) => (r as string[])[0]!);
    };
    const inputs = ends('input_layers');
    const outputs = ends('output_layers');
    if (inputs.length !== 1) this.fail(`${where}: the model has ${inputs.length} inputs (${inputs.join(', ')}); fovea models take one image`);
    if (outputs.length !== 1) this.fail(`${where}: the model has ${outputs.length} outputs (${outputs.join(', ')}); fovea models have one`);

    const deps = new Map<string, string[]>();
    for (const l of layers) deps.set(l.name, l.className === 'InputLayer' ? [] : inboundOf(l, this.fail));
    for (const [name, ds] of deps) {
      for (const d of ds) if (!byName.has(d)) this.fail(`layer '${name}' takes its input from '${d}', which is not a layer of ${where}`);
    }
    const keyOf = new Map<string, string>();
    for (const name of layerOrder(layers.map((l) => l.name), deps, this.fail)) {
      const l = byName.get(name)!;
      const ins = deps.get(name)!.map((d) => keyOf.get(d)!);
      if (l.className === 'InputLayer') {
        if (name !== inputs[0]) this.fail(`InputLayer '${name}' is not the model's input '${inputs[0]}'`);
        keyOf.set(name, this.declareInput(name, l.config, bound));
        if (bound !== null) this.aliases.set(name, bound);
      } else if (ins.length === 0) {
        continue; // a layer no call connects: not part of the graph
      } else if (MODEL_CLASSES.has(l.className)) {
        if (ins.length !== 1) this.fail(`nested model '${name}' is called on ${ins.length} inputs; only one is supported`);
        const out = this.model(l.className, l.config, ins[0]!, depth + 1, `model '${name}'`);
        keyOf.set(name, out);
        this.aliases.set(name, out);
      } else {
        const output = this.key(name);
        this.calls.push({ layer: { name, className: l.className, config: l.config }, inputs: ins, output });
        keyOf.set(name, output);
      }
    }
    const out = keyOf.get(outputs[0]!);
    if (out === undefined) return this.fail(`${where}: output layer '${outputs[0]}' is not computed from the input`);
    return out;
  }
}

/** The producer layer names of a functional layer's one call (Keras 2 lists or Keras 3 `args`). */
function inboundOf(l: KerasLayer & { raw: Record<string, unknown> }, fail: Fail): string[] {
  const nodes = l.raw['inbound_nodes'] ?? [];
  if (!Array.isArray(nodes)) return fail(`layer '${l.name}' (${l.className}): inbound_nodes must be a list, got ${show(nodes)}`);
  if (nodes.length > 1) fail(`layer '${l.name}' (${l.className}) is called ${nodes.length} times; shared layers are not supported`);
  // only InputLayers take no input (they are not asked here): a layer with no call is not connected
  if (nodes.length === 0) return fail(`layer '${l.name}' (${l.className}) has no inbound node: nothing feeds it an input`);
  const refs: unknown[][] = [];
  const node = nodes[0];
  if (Array.isArray(node)) {
    // Keras 2: [["conv1", 0, 0, {}], ...], or one ref written flat: ["conv1", 0, 0, {}]
    if (typeof node[0] === 'string') refs.push(node);
    else for (const r of node) refs.push(Array.isArray(r) ? r : fail(`layer '${l.name}': an inbound reference must be a list, got ${show(r)}`));
  } else if (isRecord(node)) {
    const walk = (v: unknown, depth = 0): void => {
      if (depth > 8) fail(`layer '${l.name}': call arguments nested too deep`);
      if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
      else if (isRecord(v) && v['class_name'] === '__keras_tensor__') {
        const h = isRecord(v['config']) ? v['config']['keras_history'] : undefined;
        refs.push(Array.isArray(h) ? h : fail(`layer '${l.name}': a keras tensor without keras_history`));
      }
    };
    walk(node['args']);
  } else {
    fail(`layer '${l.name}' (${l.className}): an inbound node must be a list or an object, got ${show(node)}`);
  }
  if (refs.length === 0) fail(`layer '${l.name}' (${l.className}): its inbound node ${show(node)} names no input layer`);
  return refs.map((r) => {
    const [name, nodeIndex = 0, tensorIndex = 0] = r;
    if (typeof name !== 'string') return fail(`layer '${l.name}': inbound reference ${show(r)} does not start with a layer name`);
    if (nodeIndex !== 0) fail(`layer '${l.name}' uses call ${show(nodeIndex)} of '${name}'; shared layers are not supported`);
    if (tensorIndex !== 0) fail(`layer '${l.name}' uses output ${show(tensorIndex)} of '${name}'; multi-output layers are not supported`);
    return name;
  });
}

/** Layer names with each after the layers it takes input from; a cycle is an error naming some of its layers. */
function layerOrder(names: string[], deps: Map<string, string[]>, fail: Fail): string[] {
  const { order, stuck } = topoOrder(names, (n) => deps.get(n)!);
  if (stuck.length) fail(`the layer graph has a cycle through ${stuck.slice(0, 5).map((n) => `'${n}'`).join(', ')}`);
  return order;
}

/**
 * Reads model.json's `modelTopology` (or its `model_config`) into layer calls.
 * @example const { calls, input, output } = parseTopology(json.modelTopology, fail);
 */
export function parseTopology(modelTopology: unknown, fail: Fail): Topology {
  if (!isRecord(modelTopology)) return fail(`modelTopology must be an object, got ${show(modelTopology)}`);
  const root = isRecord(modelTopology['model_config']) ? modelTopology['model_config'] : modelTopology;
  const className = root['class_name'];
  if (typeof className !== 'string' || !MODEL_CLASSES.has(className)) return fail(`model class_name must be one of ${[...MODEL_CLASSES].join(', ')}, got ${show(className)}`);
  const config = Array.isArray(root['config']) ? { layers: root['config'] } : root['config'];
  if (!isRecord(config)) return fail(`model config must be an object, got ${show(config)}`);
  const p = new Parser(fail);
  const output = p.model(className, config, null, 0, `model '${typeof config['name'] === 'string' ? config['name'] : className}'`);
  if (!p.input) return fail('the model declares no input (no InputLayer and no batch_input_shape)');
  const version = modelTopology['keras_version'];
  return { input: p.input, calls: p.calls, output, aliases: p.aliases, kerasVersion: typeof version === 'string' ? version : null };
}
