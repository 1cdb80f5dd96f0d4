/**
 * TensorFlow.js model import (layers models here, graph models in
 * tfjs-graph-model.ts): a parsed model.json (`modelTopology` +
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
import { isRecord, show } from './tfjs-config.js';
import { SUPPORTED_ACTIVATIONS } from './tfjs-conv-layers.js';
import { TfjsError } from './tfjs-error.js';
import { GraphBuilder, imageInputShape, layerContext, plainOf, type Val } from './tfjs-graph.js';
import { convertGraphModel } from './tfjs-graph-model.js';
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
  /** 'layers-model' (tf.layers / Keras) or 'graph-model' (a converted SavedModel / TF Hub module). */
  format: 'layers-model' | 'graph-model';
  /** The input [C, H, W] the model takes (TF's [H, W, C], transposed). */
  inputShape: [number, number, number];
  /** The Keras name of the input layer (a graph model's Placeholder node); also the GraphModule's input value. */
  inputName: string;
  /** The Keras name of the layer (a graph model's node, past any final Identity) that computes the output. */
  outputName: string;
  /** True when a softmax at the output was dropped: `softmax(model.forward(x))` gives TF.js's probabilities. */
  removedSoftmax: boolean;
  /**
   * The graph value of every Keras layer: keys are Keras names (a name
   * repeated in another nested model gets '#1', '#2'), values the GraphModule
   * value names, which equal the Keras names unless they had to be sanitised
   * ('.' and '/' become '_') or made unique. InputLayers, nested models and
   * dropped layers (a final softmax, a Flatten of a vector) map to the value
   * they pass on. For a graph model: every node on the way from the
   * Placeholder to the output except the Consts (whose values become layer
   * weights); Identity nodes and a dropped softmax map to their input's value.
   */
  nodeNames: Record<string, string>;
  /** Manifest weights no layer used (optimizer state, pruned layers, Consts off the output's path). */
  unusedWeights: string[];
  /** The Keras version that saved a layers model; null for graph models and older files. */
  kerasVersion: string | null;
}

/** The Keras layer classes `loadTfjs` converts (plus InputLayer and nested Sequential / Model / Functional). */
export const SUPPORTED_TFJS_LAYERS: readonly string[] = [...LAYER_CONVERTERS.keys()];

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

/**
 * Loads a TF.js model as a fovea GraphModule (in eval mode): a layers model
 * (tf.layers / Keras), or a graph model (format 'graph-model', a SavedModel
 * or TF Hub module converted by tensorflowjs_converter; see
 * tfjs-graph-model.ts for the ops it takes).
 *
 * Shape: input [N, C, H, W] (N free; the model's input [N, H, W, C] transposed)
 * → the model's output, logits when a final softmax was dropped.
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
  if (modelJson['modelTopology'] === undefined) fail('model.json has no modelTopology');
  const raw = modelJson['modelTopology'];
  // converters before 1.x wrote no format; a GraphDef is the one topology with a node list
  const isGraph = modelJson['format'] === 'graph-model' || (isRecord(raw) && Array.isArray(raw['node']));
  const topology = isGraph ? null : parseTopology(raw, fail);
  const manifest = parseWeightsManifest(modelJson['weightsManifest'], fail);
  const bytes = concatBytes(weightData);
  if (bytes.length !== manifest.byteLength) {
    fail(`the weight data holds ${bytes.length} bytes but the manifest's ${manifest.specs.length} weights take ${manifest.byteLength}${bytes.length < manifest.byteLength ? ' (a truncated or missing shard?)' : ''}`);
  }
  const weights = new WeightStore(manifest.specs, bytes, fail);
  if (!topology) return convertGraphModel(raw, weights, options, fail);
  const chw = imageInputShape(topology.input.name, topology.input.batchShape, options.inputShape, fail);
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
    model: g.build(out.ref), format: 'layers-model', inputShape: chw, inputName: topology.input.name, outputName: outCall?.layer.name ?? topology.input.name,
    removedSoftmax, nodeNames, unusedWeights: weights.unused(), kerasVersion: topology.kerasVersion,
  };
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
  const c = layerContext(g, {
    name, className, config: call.layer.config, inputs: call.inputs.map((k) => values.get(k)!), isOutput: call.output === t.output && !options.keepSoftmax,
    weight: (w, shape) => weights.take(name, w, shape), droppedSoftmax: dropped, fail,
  });
  try {
    return convert(c);
  } catch (e) {
    if (e instanceof TfjsError || !(e instanceof FoveaError)) throw e;
    return fail(e.message);
  }
}
