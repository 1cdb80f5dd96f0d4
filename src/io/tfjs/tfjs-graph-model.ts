/**
 * TensorFlow.js graph-model import (format 'graph-model': a SavedModel, a
 * frozen graph or a TF Hub module converted by tensorflowjs_converter):
 * the GraphDef's nodes become a fovea GraphModule, NCHW, each node the graph
 * value of its (sanitised) name, so a backbone can be cut at a TF node. The
 * weights are the Const nodes' values, found in the weightsManifest by node
 * name. `loadTfjs` dispatches here; the ops are in tfjs-graph-ops.ts.
 */
import { FoveaError } from '../../errors.js';
import type { LoadedTfjs, LoadTfjsOptions } from './load-tfjs.js';
import { show } from './tfjs-config.js';
import { TfjsError } from './tfjs-error.js';
import { GraphBuilder, imageInputShape, layerContext, MAX_INPUT, plainOf, type Val } from './tfjs-graph.js';
import { nodeFail, parseGraphDef, tensorShape, type GraphDefInfo, type TfNode } from './tfjs-graph-def.js';
import { GRAPH_OP_CONVERTERS, type Konst, type OpContext } from './tfjs-graph-ops.js';
import { LAYER_CONVERTERS } from './tfjs-layers.js';
import type { WeightStore } from './tfjs-weights.js';

type Fail = (problem: string) => never;

/**
 * The TF ops a graph model may use (`loadTfjs` refuses any other, naming it and its node).
 * @example if (!SUPPORTED_TFJS_GRAPH_OPS.includes('Cumsum')) console.log('not convertible');
 */
export const SUPPORTED_TFJS_GRAPH_OPS: readonly string[] = ['Placeholder', 'Const', 'Identity', ...GRAPH_OP_CONVERTERS.keys()];

/** A Const node's value from the manifest, checked against the shape the node declares. */
function constOf(n: TfNode, weights: WeightStore, f: Fail): Konst {
  const w = weights.named(n.name);
  if (!w) return f(`the weights manifest has no entry '${n.name}' for this Const`);
  const value = n.attrs.raw['value'];
  const declared = value && typeof value === 'object' && 'tensor' in value && value.tensor && typeof value.tensor === 'object' && 'tensorShape' in value.tensor
    ? tensorShape(value.tensor.tensorShape ?? {}, f, 'value.tensor.tensorShape') : null;
  if (declared && (declared.length !== w.shape.length || declared.some((d, i) => d !== w.shape[i]))) {
    f(`the Const declares shape ${show(declared)} but its manifest entry has ${show(w.shape)}`);
  }
  return { name: n.name, values: w.values, shape: w.shape };
}

interface Converting {
  def: GraphDefInfo;
  g: GraphBuilder;
  values: Map<string, Val>;
  consts: Map<string, Konst>;
  keepSoftmax: boolean;
  dropped: () => void;
}

/** The weights a Keras converter asks for, each checked against the shape the layer expects. */
function weightOf(weights: Record<string, Konst | null>, key: string, shape: readonly number[], f: Fail): Float32Array {
  const k = weights[key];
  if (!k) return f(`no ${key} weight`);
  if (k.shape.length !== shape.length || k.shape.some((d, i) => d !== shape[i])) f(`weight '${k.name}' has shape ${show(k.shape)}; as the ${key} here it must be ${show(shape)}`);
  return k.values;
}

/**
 * A TF node name without the scopes TF adds for function calls
 * ('StatefulPartitionedCall', 'PartitionedCall_3'), which carry no meaning and
 * make a Hub model's names 150 characters long: the graph value of
 * 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/.../MobilenetV2/Conv_1/Relu6'
 * is 'sequential_keras_layer_predict_MobilenetV2_Conv_1_Relu6' ('nodeNames' maps one to the other).
 */
export function shortName(tfName: string): string {
  const kept = tfName.split('/').filter((seg) => !/^(Stateful)?PartitionedCall(_\d+)?$/.test(seg));
  return kept.length ? kept.join('/') : tfName;
}

function convertNode(n: TfNode, s: Converting, f: Fail): Val {
  const { g } = s;
  const input = (i: number): string => n.inputs[i] ?? f(`needs input ${i}, but has ${n.inputs.length} input${n.inputs.length === 1 ? '' : 's'}`);
  const base = shortName(n.name);
  const name = (part?: string): string => (part ? `${base}_${part}` : base);
  const c: OpContext = {
    node: n,
    isOutput: n === s.def.computedBy && !s.keepSoftmax,
    value: (i) => s.values.get(input(i)) ?? f(`input ${i} ('${input(i)}') is a Const; a computed value is needed here (fovea does not fold constants)`),
    konst: (i) => s.consts.get(input(i)) ?? f(`input ${i} ('${input(i)}') must be a Const (a weight, shape or axis), not a computed value`),
    isKonst: (i) => s.consts.has(input(i)),
    keras: (className, config, inputs, weights = {}, part) => {
      const lc = layerContext(g, {
        name: name(part), className, config, inputs, isOutput: false,
        weight: (key, shape) => weightOf(weights, key, shape, f), droppedSoftmax: s.dropped, fail: f,
      });
      return LAYER_CONVERTERS.get(className)!(lc);
    },
    module: (m, x, part) => g.module(m, x, name(part), f),
    fn: (op, ins, attrs, part) => g.fn(op, ins, attrs, name(part), f),
    constant: (t, part) => g.constant(t, name(part)),
    plain: (x) => plainOf(x, g, base, f),
    droppedSoftmax: s.dropped,
    fail: f,
  };
  let out: Val;
  try {
    out = GRAPH_OP_CONVERTERS.get(n.op)!(c);
  } catch (e) {
    if (e instanceof TfjsError || !(e instanceof FoveaError)) throw e;
    return f(e.message);
  }
  if (out.shape.reduce((p, d) => p * d, 1) > MAX_INPUT) f(`its output (fovea shape ${show(out.shape)}) is absurdly large`);
  return out;
}

/**
 * Converts a graph model's `modelTopology` (its weights already checked
 * against the shards) into a fovea GraphModule in eval mode. `loadTfjs` calls
 * it for a model.json of format 'graph-model'.
 *
 * The graph is checked before anything is built: every input names a node
 * (':0' suffixes and '^' control inputs allowed), no cycles, one Placeholder
 * (the image), one output (the node nothing consumes, past final Identity
 * nodes), only ops of SUPPORTED_TFJS_GRAPH_OPS.
 *
 * Shape: input [N, C, H, W] (the Placeholder's [N, H, W, C] transposed; free
 * dims come from `options.inputShape`) → the output node's value, logits
 * when a final Softmax was dropped; a 4-D output is NCHW.
 * @example
 * const { model, outputName, nodeNames } = loadTfjs(graphModelJson, shardBytes);
 * const features = cutBackbone(model, [3, 224, 224], { at: nodeNames['module/feature_vector/SpatialSqueeze'] });
 */
export function convertGraphModel(topology: unknown, weights: WeightStore, options: LoadTfjsOptions, fail: Fail): LoadedTfjs {
  const def = parseGraphDef(topology, fail);
  for (const n of def.order) {
    if (!SUPPORTED_TFJS_GRAPH_OPS.includes(n.op)) nodeFail(fail, n)(`unsupported op '${n.op}'; supported: ${SUPPORTED_TFJS_GRAPH_OPS.join(', ')}`);
  }
  const input = def.input;
  const dtype = input.attrs.type('dtype');
  if (dtype !== undefined && dtype !== 'DT_FLOAT') nodeFail(fail, input)(`dtype ${dtype} is not supported (fovea models take a float image)`);
  const chw = imageInputShape(input.name, input.attrs.shape('shape'), options.inputShape, nodeFail(fail, input));
  const g = new GraphBuilder(input.name);
  let removedSoftmax = false;
  const s: Converting = {
    def, g, values: new Map([[input.name, { ref: g.inputRef, shape: [1, ...chw] }]]), consts: new Map(), keepSoftmax: options.keepSoftmax ?? false,
    dropped: () => {
      removedSoftmax = true;
    },
  };
  for (const n of def.order) {
    const f = nodeFail(fail, n);
    if (n.op === 'Placeholder') continue;
    if (n.op === 'Const') s.consts.set(n.name, constOf(n, weights, f));
    else if (n.op === 'Identity') {
      if (n.inputs.length !== 1) f(`takes 1 input, got ${n.inputs.length}`);
      const from = n.inputs[0]!;
      if (s.values.has(from)) s.values.set(n.name, s.values.get(from)!);
      else s.consts.set(n.name, s.consts.get(from)!);
    } else s.values.set(n.name, convertNode(n, s, f));
  }
  let out = s.values.get(def.output.name)!;
  if (out.hwc) out = plainOf(out, g, 'output', fail);
  const nodeNames: Record<string, string> = {};
  for (const n of def.order) {
    const v = s.values.get(n.name);
    if (v) nodeNames[n.name] = v.ref;
  }
  return {
    model: g.build(out.ref), format: 'graph-model', inputShape: chw, inputName: input.name, outputName: def.computedBy.name,
    removedSoftmax, nodeNames, unusedWeights: weights.unused(), kerasVersion: null,
  };
}
