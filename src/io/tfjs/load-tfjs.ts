/**
 * TensorFlow.js layers-model import: a parsed model.json (`modelTopology` +
 * `weightsManifest`) and its weight bytes → an ordinary fovea model (a
 * GraphModule of fovea layers, NCHW) that predicts, explains, fine-tunes and
 * saves like any other. Platform-free; see tfjs-file-node.ts for files and
 * nsfwjs-node.ts for the models inside the nsfwjs package.
 *
 * Each Keras layer becomes the graph value of the same name (helper nodes
 * such as a padding in front of a 'same' convolution are `<layer>_pad`), so a
 * backbone can be cut at a Keras layer name. Everything is checked before it
 * is built: the JSON's types, each weight's size against its shape and the
 * total against the shards, the graph for cycles and dangling inputs.
 */
import type { GraphModule } from '../../nn/graph-module.js';
import { FoveaError } from '../../errors.js';
import { isRecord, LayerConfig, show } from './tfjs-config.js';
import { SUPPORTED_ACTIVATIONS } from './tfjs-conv-layers.js';
import { TfjsError } from './tfjs-error.js';
import { GraphBuilder, type LayerContext, type Val } from './tfjs-graph.js';
import { LAYER_CONVERTERS } from './tfjs-layers.js';
import { parseTopology, type LayerCall, type Topology } from './tfjs-topology.js';
import { parseWeightsManifest, WeightStore } from './tfjs-weights.js';

export interface LoadTfjsOptions {
  /** A label for error messages (the file or URL); default 'model.json'. */
  source?: string;
  /** The input [C, H, W], needed when the model's input size is not fixed; otherwise checked against it. */
  inputShape?: readonly [number, number, number];
  /** Keep a final softmax instead of dropping it (default false: fovea models output logits). */
  keepSoftmax?: boolean;
}

export interface LoadedTfjs {
  model: GraphModule;
  /** The input [C, H, W] the model takes (Keras's [H, W, C], transposed). */
  inputShape: [number, number, number];
  /** The Keras name of the input layer; also the GraphModule's input value. */
  inputName: string;
  /** The Keras name of the layer that computes the output. */
  outputName: string;
  /** True when a softmax at the output was dropped: `softmax(model.forward(x))` gives TF.js's probabilities. */
  removedSoftmax: boolean;
  /**
   * The graph value of every Keras layer: keys are Keras names (a name
   * repeated in another nested model gets '#1', '#2'), values the GraphModule
   * value names, which equal the Keras names unless they had to be sanitised
   * ('.' and '/' become '_') or made unique. InputLayers, nested models and
   * dropped layers (a final softmax, a Flatten of a vector) map to the value
   * they pass on.
   */
  nodeNames: Record<string, string>;
  /** Manifest weights no layer used (optimizer state, pruned layers). */
  unusedWeights: string[];
  kerasVersion: string | null;
}

/** The Keras layer classes `loadTfjs` converts (plus InputLayer and nested Sequential / Model / Functional). */
export const SUPPORTED_TFJS_LAYERS: readonly string[] = [...LAYER_CONVERTERS.keys()];

/** Largest input side and size accepted. */
const MAX_SIDE = 65536;
const MAX_INPUT = 2 ** 28;

function concatBytes(data: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data.length === 1) return data[0]!;
  const out = new Uint8Array(data.reduce((n, d) => n + d.length, 0));
  let o = 0;
  for (const d of data) {
    out.set(d, o);
    o += d.length;
  }
  return out;
}

function inputShapeOf(t: Topology, options: LoadTfjsOptions, fail: (p: string) => never): [number, number, number] {
  const b = t.input.batchShape;
  if (b && b.length !== 4) fail(`input '${t.input.name}' has shape ${show(b)}; fovea models take an image batch [N, H, W, C]`);
  const declared = b ? [b[3], b[1], b[2]] : [null, null, null];
  const given = options.inputShape;
  if (given) {
    if (!given.every((d) => Number.isInteger(d) && d > 0 && d <= MAX_SIDE)) fail(`invalid inputShape [${given.join(', ')}]`);
    declared.forEach((d, i) => {
      if (d !== null && d !== undefined && d !== given[i]) fail(`inputShape [${given.join(', ')}] (C, H, W) does not match the model's input ${show(b)} (N, H, W, C)`);
    });
    return [given[0], given[1], given[2]];
  }
  if (declared.some((d) => d === null || d === undefined)) fail(`input '${t.input.name}' has shape ${show(b)} with free dims; give inputShape [C, H, W] (fovea import --input-shape C,H,W)`);
  const chw = declared as [number, number, number];
  if (chw.some((d) => d < 1 || d > MAX_SIDE) || chw[0] * chw[1] * chw[2] > MAX_INPUT) fail(`input '${t.input.name}' has absurd dims ${show(b)}`);
  return chw;
}

/**
 * Loads a TF.js layers model as a fovea GraphModule (in eval mode).
 *
 * Shape: input [N, C, H, W] (N free; the Keras input [N, H, W, C] transposed)
 * → the Keras output, logits when a final softmax was dropped.
 * @example
 * const json = JSON.parse(readFileSync('model.json', 'utf8'));
 * const { model, inputShape, removedSoftmax } = loadTfjs(json, readFileSync('group1-shard1of1.bin'));
 * const probs = noGrad(() => softmax(model.forward(x), 1));
 */
export function loadTfjs(modelJson: unknown, weightData: Uint8Array | readonly Uint8Array[], options: LoadTfjsOptions = {}): LoadedTfjs {
  const source = options.source ?? 'model.json';
  const fail = (problem: string): never => {
    throw new TfjsError(source, problem);
  };
  if (!isRecord(modelJson)) return fail(`expected a model.json object, got ${show(modelJson)}`);
  if (modelJson['format'] === 'graph-model') fail("this is a TF.js graph model (format 'graph-model'); only layers models (tf.layers / Keras) are supported");
  if (modelJson['modelTopology'] === undefined) fail('model.json has no modelTopology');
  const topology = parseTopology(modelJson['modelTopology'], fail);
  const manifest = parseWeightsManifest(modelJson['weightsManifest'], fail);
  const bytes = concatBytes(weightData);
  if (bytes.length !== manifest.byteLength) {
    fail(`the weight data holds ${bytes.length} bytes but the manifest's ${manifest.specs.length} weights take ${manifest.byteLength}${bytes.length < manifest.byteLength ? ' (a truncated or missing shard?)' : ''}`);
  }
  const weights = new WeightStore(manifest.specs, bytes, fail);
  const chw = inputShapeOf(topology, options, fail);
  const g = new GraphBuilder(topology.input.name);
  const values = new Map<string, Val>([[topology.input.key, { ref: g.inputRef, shape: [1, ...chw] }]]);
  let removedSoftmax = false;

  for (const call of topology.calls) {
    const out = convertCall(call, topology, values, g, weights, source, options, () => {
      removedSoftmax = true;
    });
    values.set(call.output, out);
  }
  let out = values.get(topology.output)!;
  const outCall = topology.calls.find((c) => c.output === topology.output);
  if (out.hwc) out = plainOf(out, g, 'output', fail);
  const nodeNames: Record<string, string> = {};
  for (const call of topology.calls) nodeNames[call.output] = values.get(call.output)!.ref;
  for (const [name, key] of topology.aliases) nodeNames[name] ??= values.get(key)!.ref;
  return {
    model: g.build(out.ref), inputShape: chw, inputName: topology.input.name, outputName: outCall?.layer.name ?? topology.input.name,
    removedSoftmax, nodeNames, unusedWeights: weights.unused(), kerasVersion: topology.kerasVersion,
  };
}

/** A flattened map back in Keras's H, W, C feature order. */
function plainOf(x: Val, g: GraphBuilder, name: string, fail: (p: string) => never): Val {
  if (!x.hwc) return x;
  const [c, h, w] = x.hwc;
  const img = g.fn('reshape', [x], { shape: [0, c, h, w] }, `${name}_chw`, fail);
  const nhwc = g.fn('permute', [img], { dims: [0, 2, 3, 1] }, `${name}_nhwc`, fail);
  return g.fn('reshape', [nhwc], { shape: [0, c * h * w] }, `${name}_hwc`, fail);
}

function convertCall(call: LayerCall, t: Topology, values: Map<string, Val>, g: GraphBuilder, weights: WeightStore, source: string, options: LoadTfjsOptions, dropped: () => void): Val {
  const { name, className } = call.layer;
  const fail = (problem: string): never => {
    throw new TfjsError(source, `layer '${name}' (${className}): ${problem}`);
  };
  const convert = LAYER_CONVERTERS.get(className);
  if (!convert) {
    return fail(`unsupported layer class '${className}'; supported: ${SUPPORTED_TFJS_LAYERS.join(', ')} (and InputLayer, nested Sequential/Model); activations: ${SUPPORTED_ACTIVATIONS.join(', ')}`);
  }
  const inputs = call.inputs.map((k) => values.get(k)!);
  const isOutput = call.output === t.output && !options.keepSoftmax;
  const partName = (part?: string): string => (part ? `${name}_${part}` : name);
  const c: LayerContext = {
    name, className, inputs, isOutput, cfg: new LayerConfig(call.layer.config, fail),
    single: () => (inputs.length === 1 ? inputs[0]! : fail(`takes one input, got ${inputs.length}`)),
    input4d: () => {
      const x = c.single();
      return x.shape.length === 4 ? x : fail(`expects an image input [N, H, W, C], got a rank-${x.shape.length} value (fovea shape [${x.shape.join(', ')}])`);
    },
    weight: (w, shape) => weights.take(name, w, shape),
    module: (m, x, part) => g.module(m, x, partName(part), fail),
    fn: (op, ins, attrs, part) => g.fn(op, ins, attrs, partName(part), fail),
    constant: (tensor, part) => g.constant(tensor, partName(part)),
    plain: (x) => plainOf(x, g, name, fail),
    droppedSoftmax: dropped,
    fail,
  };
  try {
    return convert(c);
  } catch (e) {
    if (e instanceof TfjsError || !(e instanceof FoveaError)) throw e;
    return fail(e.message);
  }
}
