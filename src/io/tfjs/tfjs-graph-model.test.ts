// TF.js graph models (GraphDef JSON + Const weights) imported into fovea give
// TensorFlow.js's outputs (cpu backend, tf.loadGraphModel on the same JSON):
// nsfwjs's converted TF Hub MobileNetV2 on real photos, and small hand-written
// graphs covering every supported op family, float32 and uint8-quantised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cutBackbone } from '../../nn/backbone.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { softmax } from '../../tensor/ops/softmax.js';
import { sharedDataDir } from '../../testing/shared-data.js';
import { loadImageFile } from '../../vision/image-file.js';
import { imageToTensorData } from '../../vision/image.js';
import { exportedLiteral } from './js-literal.js';
import { loadTfjs, type LoadedTfjs, type LoadTfjsOptions } from './load-tfjs.js';
import { loadNsfwjsModel } from './nsfwjs-node.js';
import { TfjsError } from './tfjs-error.js';
import { shortName, SUPPORTED_TFJS_GRAPH_OPS } from './tfjs-graph-model.js';

await tf.setBackend('cpu');

type Json = Record<string, unknown>;
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const str = (s: string): Json => ({ s: b64(s) });
const ints = (xs: number[]): Json => ({ list: { i: xs.map(String) } });
const hw = (v: number): Json => ints([1, v, v, 1]);

/** Deterministic values in [-1, 1). */
function noise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** A graph model written node by node, as tensorflowjs_converter writes it; Const values go to the manifest. */
class Graph {
  readonly nodes: Json[] = [];
  private readonly weights: { name: string; shape: number[]; values: Float32Array; int: boolean }[] = [];
  private seed = 100;

  input(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } }, dtype: { type: 'DT_FLOAT' } } });
    return name;
  }

  /** A float Const: `values`, or noise scaled by `scale` and shifted by `shift`. */
  const(name: string, shape: number[], values?: number[], scale = 0.5, shift = 0): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = values ? Float32Array.from(values) : noise(n, this.seed++).map((x) => x * scale + shift);
    return this.push(name, shape, v, false);
  }

  ints(name: string, shape: number[], values: number[]): string {
    return this.push(name, shape, Float32Array.from(values), true);
  }

  private push(name: string, shape: number[], values: Float32Array, int: boolean): string {
    this.weights.push({ name, shape, values, int });
    const tensorShape = { dim: shape.map((d) => ({ size: String(d) })) };
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: int ? 'DT_INT32' : 'DT_FLOAT', tensorShape } }, dtype: { type: int ? 'DT_INT32' : 'DT_FLOAT' } } });
    return name;
  }

  op(name: string, op: string, input: string[], attr: Json = {}): string {
    this.nodes.push({ name, op, input, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
    return name;
  }

  /** model.json and the shard; `uint8` quantises the float weights as the converter's --quantize_uint8 does. */
  build(uint8 = false): { json: Json; bytes: Uint8Array; specs: tf.io.WeightsManifestEntry[] } {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const parts: Uint8Array[] = [];
    for (const w of this.weights) {
      if (w.int) {
        specs.push({ name: w.name, shape: w.shape, dtype: 'int32' });
        parts.push(new Uint8Array(Int32Array.from(w.values).buffer));
      } else if (uint8) {
        const min = Math.min(...w.values);
        const scale = (Math.max(...w.values) - min) / 255 || 1;
        specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
        parts.push(Uint8Array.from(w.values, (v) => Math.round((v - min) / scale)));
      } else {
        specs.push({ name: w.name, shape: w.shape, dtype: 'float32' });
        parts.push(new Uint8Array(w.values.buffer.slice(0)));
      }
    }
    const bytes = new Uint8Array(Buffer.concat(parts));
    const json = { format: 'graph-model', modelTopology: { node: this.nodes, versions: { producer: 175 } }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }] };
    return { json, bytes, specs };
  }
}

function convAttrs(o: { strides?: number; padding?: string; dilations?: number; explicit?: number[] } = {}): Json {
  return { strides: hw(o.strides ?? 1), padding: str(o.padding ?? 'SAME'), data_format: str('NHWC'), dilations: hw(o.dilations ?? 1), explicit_paddings: ints(o.explicit ?? []) };
}
const fused = (ops: string[], extra: Json = {}): Json => ({ fused_ops: { list: { s: ops.map(b64) } }, num_args: { i: ops[0] === 'FusedBatchNorm' ? '4' : '1' }, epsilon: { f: 0 }, ...extra });

/** NHWC → NCHW. */
function toNchw(x: Float32Array | number[], [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n!; b++) for (let y = 0; y < h!; y++) for (let i = 0; i < w!; i++) for (let k = 0; k < c!; k++) {
    out[((b * c! + k) * h! + y) * w! + i] = x[((b * h! + y) * w! + i) * c! + k]!;
  }
  return out;
}

/** fovea's output (probabilities where it dropped a softmax) and TF.js's `output` on one batch of 2; the largest absolute difference. */
async function compare(g: Graph, output: string, o: { uint8?: boolean; reference?: Graph; options?: LoadTfjsOptions } = {}): Promise<{ diff: number; loaded: LoadedTfjs; spread: number }> {
  const mine = g.build(o.uint8);
  const theirs = (o.reference ?? g).build(o.uint8);
  const loaded = loadTfjs(mine.json, mine.bytes, o.options);
  const [c, h, w] = loaded.inputShape;
  const x = noise(2 * h * w * c, 7);
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: (theirs.json as { modelTopology: Json }).modelTopology, weightSpecs: theirs.specs, weightData: theirs.bytes.slice().buffer }));
  const want = model.execute(tf.tensor(x, [2, h, w, c]), output) as tf.Tensor;
  const wantData = Array.from(await want.data());
  const y = noGrad(() => {
    const out = loaded.model.forward(tensor(toNchw(x, [2, h, w, c]), [2, c, h, w]));
    return loaded.removedSoftmax ? softmax(out, 1) : out;
  });
  const s = want.shape;
  assert.deepEqual(y.shape, s.length === 4 ? [s[0], s[3], s[1], s[2]] : s);
  const ref = s.length === 4 ? toNchw(wantData, s) : wantData;
  model.dispose();
  // a meaningful comparison needs outputs that vary (not a saturated or all-zero map)
  const spread = Math.max(...ref) - Math.min(...ref);
  assert.ok(spread > 0.05, `TF.js's output barely varies (range ${spread})`);
  return { diff: y.toArray().reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0), loaded, spread };
}

/** Convolutions: SAME with stride 2 on odd sizes, dilation, depthwise multiplier 2, EXPLICIT padding, every fused activation. */
function convGraph(): Graph {
  const g = new Graph();
  g.input('x', [-1, 9, 11, 3]);
  g.op('c1', '_FusedConv2D', ['x', g.const('w1', [3, 3, 3, 6]), g.const('b1', [6])], { ...convAttrs({ strides: 2 }), ...fused(['BiasAdd', 'Relu6']) });
  g.op('c2', 'Conv2D', ['c1', g.const('w2', [3, 3, 6, 5])], convAttrs({ dilations: 2 }));
  g.op('c3', 'BiasAdd', ['c2', g.const('b3', [5])], { data_format: str('NHWC') });
  g.op('c4', 'FusedDepthwiseConv2dNative', ['c3', g.const('dw4', [3, 3, 5, 2]), g.const('b4', [10])], { ...convAttrs({ strides: 2 }), ...fused(['BiasAdd', 'Relu']) });
  g.op('c5', 'DepthwiseConv2dNative', ['c4', g.const('dw5', [2, 2, 10, 1])], convAttrs({ padding: 'VALID' }));
  g.op('c6', '_FusedConv2D', ['c5', g.const('w6', [1, 1, 10, 4]), g.const('b6', [4])], { ...convAttrs({ padding: 'EXPLICIT', explicit: [0, 0, 1, 0, 0, 2, 0, 0] }), ...fused(['BiasAdd', 'Elu']) });
  g.op('c7', '_FusedConv2D', ['c6', g.const('w7', [2, 2, 4, 4]), g.const('b7', [4])], { ...convAttrs({ padding: 'VALID' }), ...fused(['BiasAdd', 'LeakyRelu'], { leakyrelu_alpha: { f: 0.1 } }) });
  g.op('c8', '_FusedConv2D', ['c7', g.const('w8', [1, 1, 4, 3], undefined, 4), g.const('b8', [3])], { ...convAttrs(), ...fused(['BiasAdd', 'Sigmoid']) });
  g.op('c9', 'Tanh', [g.op('c9m', 'Mul', [g.op('c9s', 'Sub', [g.const('half', [], [0.5]), 'c8']), g.const('four', [], [4])])]);
  g.op('c10', 'Elu', [g.op('c10m', 'Mul', ['c9', g.const('three', [], [3])])]);
  g.op('c11', 'LeakyRelu', ['c10'], { alpha: { f: 0.3 } });
  g.op('Identity', 'Identity', ['c11']);
  return g;
}

test('convolutions (SAME stride 2 on odd sizes, dilation, depthwise x2, EXPLICIT, fused activations) match TF.js, float32 and uint8', async (t) => {
  for (const uint8 of [false, true]) {
    const { diff, loaded, spread } = await compare(convGraph(), 'Identity', { uint8 });
    t.diagnostic(`${uint8 ? 'uint8' : 'float32'}: max abs difference ${diff.toExponential(2)} (outputs span ${spread.toFixed(2)})`);
    assert.ok(diff < 1e-4, `max abs difference ${diff}`);
    assert.deepEqual(loaded.inputShape, [3, 9, 11]);
    assert.equal(loaded.outputName, 'c11');
    assert.deepEqual(loaded.model.valueShapes([1, 3, 9, 11]).get(loaded.nodeNames['c4']!), [1, 10, 3, 3]);
  }
});

/** Elementwise math with constants, pooling (SAME with uneven padding), ConcatV2, Pad, PadV2, FusedBatchNormV3. */
function mathGraph(): Graph {
  const g = new Graph();
  g.input('x', [-1, 8, 9, 4]);
  g.op('m', 'Mul', [g.const('two', [], [2]), 'x']);
  g.op('s', 'Sub', ['m', g.const('per_channel', [4])]);
  g.op('d', 'RealDiv', ['s', g.const('map', [8, 9, 4], undefined, 0.4, 1)]);
  g.op('a', 'AddV2', ['d', g.const('bias11c', [1, 1, 4])]);
  g.op('r', 'Sub', [g.const('one', [1], [1]), 'a']);
  const pool = (k: number, s: number, p: string): Json => ({ ksize: hw(k), strides: hw(s), padding: str(p), data_format: str('NHWC') });
  g.op('mp', 'MaxPool', ['r'], pool(3, 2, 'SAME'));
  g.op('ap', 'AvgPool', ['r'], pool(3, 2, 'SAME'));
  g.op('sum', 'Add', ['mp', 'ap']);
  g.op('cat', 'ConcatV2', ['sum', 'mp', g.ints('axis3', [], [3])], { N: { i: '2' } });
  g.op('cat2', 'ConcatV2', ['cat', 'ap', g.ints('axis_last', [], [-1])], { N: { i: '2' } });
  g.op('p', 'Pad', ['cat2', g.ints('pads', [4, 2], [0, 0, 1, 0, 2, 1, 0, 0])]);
  g.op('p2', 'PadV2', ['p', g.ints('pads2', [4, 2], [0, 0, 0, 1, 1, 0, 0, 0]), g.const('pad_value', [], [0.5])]);
  const stat = (name: string, shift = 0): string => g.const(name, [12], undefined, 0.5, shift);
  g.op('bn', 'FusedBatchNormV3', ['p2', stat('gamma', 1), stat('beta'), stat('mean'), stat('var', 1)], { epsilon: { f: 0.001 }, data_format: str('NHWC'), is_training: { b: false } });
  g.op('relu', 'Relu', ['bn']);
  // a softmax inside the graph runs over TF's last axis, the channels
  g.op('out', 'AvgPool', [g.op('mix', 'AddV2', ['relu', g.op('sm', 'Softmax', ['relu'])])], pool(2, 1, 'VALID'));
  g.op('mp2', 'Mul', ['relu', g.const('per_channel2', [12])]);
  return g;
}

test('elementwise math with scalar, per-channel and full Consts, SAME pooling with uneven padding, ConcatV2, Pad, PadV2, FusedBatchNormV3 match TF.js', async (t) => {
  for (const uint8 of [false, true]) {
    // mp2 hangs off the graph as a second output: pick the main one by leaving it out of this graph
    const g = mathGraph();
    g.nodes.splice(g.nodes.findIndex((n) => n['name'] === 'mp2'), 1);
    const { diff, loaded } = await compare(g, 'out', { uint8 });
    t.diagnostic(`${uint8 ? 'uint8' : 'float32'}: max abs difference ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-4, `max abs difference ${diff}`);
    assert.deepEqual(loaded.model.outputShape([1, 4, 8, 9]), [1, 12, 5, 8]);
    assert.deepEqual(loaded.unusedWeights, ['per_channel2']);
  }
  // with the second output in the graph, the import refuses and names both ends
  const { json, bytes } = mathGraph().build();
  assert.throws(() => loadTfjs(json, bytes), /2 outputs \('mp2', 'out'\); fovea models have one/);
});

/** Heads: a squeeze-excite block, Mean, Squeeze, Reshape flatten of a 3x3 map → MatMul, transpose_b, fused matmuls, a final Softmax. */
function headGraph(free = false): Graph {
  const g = new Graph();
  g.input('x', free ? [-1, -1, -1, 3] : [-1, 7, 7, 3]);
  g.op('c', '_FusedConv2D', ['x', g.const('wc', [3, 3, 3, 8]), g.const('bc', [8])], { ...convAttrs({ padding: 'VALID' }), ...fused(['BiasAdd', 'Relu']) });
  const axes = g.ints('axes', [2], [1, 2]);
  g.op('se_mean', 'Mean', ['c', axes], { keep_dims: { b: true } });
  g.op('se_gate', '_FusedConv2D', ['se_mean', g.const('wse', [1, 1, 8, 8]), g.const('bse', [8])], { ...convAttrs(), ...fused(['BiasAdd', 'Sigmoid']) });
  g.op('se1', 'Mul', ['c', 'se_gate']);
  // the same gate again, as a vector reshaped to [N, 1, 1, C]
  const gate2 = g.op('gate2', 'Sigmoid', [g.op('gate2_mean', 'Mean', ['c', axes], { keep_dims: { b: false } })]);
  g.op('se', 'Mul', [g.op('gate2_4d', 'Reshape', [gate2, g.ints('gate_shape', [4], [-1, 1, 1, 8])]), 'se1']);
  g.op('mp', 'MaxPool', ['se'], { ksize: hw(3), strides: hw(1), padding: str('VALID'), data_format: str('NHWC') });
  g.op('flat', 'Reshape', ['mp', g.ints('flat_shape', [2], [-1, 72])]);
  g.op('fc1', 'MatMul', ['flat', g.const('w_fc1', [72, 10], undefined, 0.2)], { transpose_a: { b: false }, transpose_b: { b: false } });
  g.op('fc1_b', 'BiasAdd', ['fc1', g.const('b_fc1', [10])]);
  g.op('fc1_r', 'Relu', ['fc1_b']);
  g.op('gap', 'Mean', ['se', axes], { keep_dims: { b: false } });
  g.op('gap4', 'Mean', ['se', axes], { keep_dims: { b: true } });
  g.op('sq', 'Squeeze', ['gap4'], { squeeze_dims: ints([1, 2]) });
  g.op('gmax', 'Max', ['se', axes], { keep_dims: { b: false } });
  g.op('both', 'AddV2', [g.op('avgs', 'AddV2', ['gap', 'sq']), 'gmax']);
  g.op('fc2', '_FusedMatMul', ['both', g.const('w_fc2t', [6, 8]), g.const('b_fc2', [6])], { transpose_b: { b: true }, ...fused(['BiasAdd', 'Relu6']) });
  g.op('cat', 'ConcatV2', ['fc1_r', 'fc2', g.ints('axis1', [], [-1])], { N: { i: '2' } });
  g.op('logits', '_FusedMatMul', ['cat', g.const('w_out', [16, 5]), g.const('b_out', [5])], fused(['BiasAdd']));
  g.op('probs', 'Softmax', ['logits']);
  g.op('Identity', 'Identity', ['probs']);
  return g;
}

test('a head of squeeze-excite gates, Mean, Max, Squeeze, Reshape to [N, 1, 1, C] and of a 3x3 map, MatMul (transpose_b, fused) and a final Softmax matches TF.js; the softmax is dropped', async (t) => {
  for (const uint8 of [false, true]) {
    const { diff, loaded } = await compare(headGraph(), 'Identity', { uint8 });
    t.diagnostic(`${uint8 ? 'uint8' : 'float32'}: max abs difference ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-4, `max abs difference ${diff}`);
    assert.equal(loaded.removedSoftmax, true);
    assert.equal(loaded.outputName, 'probs');
    assert.equal(loaded.nodeNames['probs'], loaded.nodeNames['logits']);
    assert.equal(loaded.nodeNames['Identity'], 'logits');
    assert.equal(loaded.inputName, 'x');
    assert.deepEqual(loaded.model.valueShapes([1, 3, 7, 7]).get('flat'), [1, 72]);
  }
  const kept = await compare(headGraph(), 'Identity', { options: { keepSoftmax: true } });
  assert.ok(kept.diff < 1e-4 && !kept.loaded.removedSoftmax, `keepSoftmax: ${kept.diff}`);
  const free = await compare(headGraph(true), 'Identity', { options: { inputShape: [3, 7, 7] } });
  assert.ok(free.diff < 1e-4, `free input dims: ${free.diff}`);
  const { json, bytes } = headGraph(true).build();
  assert.throws(() => loadTfjs(json, bytes), /input 'x' has shape \[null,null,null,3\] with free dims; give inputShape/);
});

test('a batch norm fused into _FusedConv2D / FusedDepthwiseConv2dNative (which TF.js cannot run) equals TF.js on the unfused graph', async (t) => {
  const build = (fuse: boolean): Graph => {
    const g = new Graph();
    g.input('x', [-1, 6, 5, 4]);
    const stats = (p: string, n: number): string[] => [g.const(`${p}_scale`, [n], undefined, 0.5, 1), g.const(`${p}_offset`, [n]), g.const(`${p}_mean`, [n]), g.const(`${p}_var`, [n], undefined, 0.4, 1)];
    const bnAttrs = { epsilon: { f: 0.001 }, data_format: str('NHWC') };
    const w = g.const('w', [3, 3, 4, 6]);
    const s1 = stats('bn1', 6);
    const dw = g.const('dw', [3, 3, 6, 2]);
    const s2 = stats('bn2', 12);
    if (fuse) {
      g.op('conv', '_FusedConv2D', ['x', w, ...s1], { ...convAttrs({ strides: 2 }), ...fused(['FusedBatchNorm', 'Relu']), epsilon: { f: 0.001 } });
      g.op('out', 'FusedDepthwiseConv2dNative', ['conv', dw, ...s2], { ...convAttrs(), ...fused(['FusedBatchNorm']), epsilon: { f: 0.001 } });
    } else {
      g.op('conv_raw', 'Conv2D', ['x', w], convAttrs({ strides: 2 }));
      g.op('conv', 'Relu', [g.op('conv_bn', 'FusedBatchNormV3', ['conv_raw', ...s1], bnAttrs)]);
      g.op('out', 'FusedBatchNormV3', [g.op('dw_raw', 'DepthwiseConv2dNative', ['conv', dw], convAttrs()), ...s2], bnAttrs);
    }
    return g;
  };
  const { diff } = await compare(build(true), 'out', { reference: build(false) });
  t.diagnostic(`max abs difference ${diff.toExponential(2)}`);
  assert.ok(diff < 1e-4, `max abs difference ${diff}`);
});

test('control inputs and ":0" output suffixes are accepted; every node maps to a graph value', () => {
  const g = new Graph();
  g.input('in/put', [-1, 4, 4, 2]);
  g.op('a', 'Relu', ['in/put:0', '^other']);
  g.op('other', 'Relu6', ['in/put']);
  g.nodes.pop();
  g.op('Identity', 'Identity', ['a:0']);
  const { json, bytes } = g.build();
  const loaded = loadTfjs(json, bytes);
  assert.equal(loaded.inputName, 'in/put');
  assert.deepEqual(loaded.nodeNames, { 'in/put': 'in_put', a: 'a', Identity: 'a' });
  assert.ok(SUPPORTED_TFJS_GRAPH_OPS.includes('FusedDepthwiseConv2dNative'));
});

function rejects(g: Graph | { json: Json; bytes: Uint8Array }, re: RegExp): void {
  const { json, bytes } = g instanceof Graph ? g.build() : g;
  assert.throws(() => loadTfjs(json, bytes, { source: 'bad/model.json' }), (e: unknown) => e instanceof TfjsError && e.message.startsWith('bad/model.json: ') && re.test(e.message), `expected ${re}`);
}

/** x → conv (1x1, 2 → 3) → out, with `edit` applied to the nodes. */
function tiny(edit: (g: Graph) => void = () => {}): Graph {
  const g = new Graph();
  g.input('x', [-1, 4, 4, 2]);
  g.op('conv', 'Conv2D', ['x', g.const('w', [1, 1, 2, 3])], convAttrs());
  g.op('out', 'Relu', ['conv']);
  edit(g);
  return g;
}
const node = (g: Graph, name: string): Json => g.nodes.find((n) => n['name'] === name)!;

test('bad graphs fail with a TfjsError naming the node and the rule', () => {
  rejects(tiny((g) => g.op('out2', 'Cumsum', ['out'])), /node 'out2' \(Cumsum\): unsupported op 'Cumsum'; supported: Placeholder, Const, Identity, Conv2D, .*FusedBatchNormV3/);
  rejects(tiny((g) => (node(g, 'conv')['input'] = ['out', 'w'])), /the graph has a cycle: '(conv|out)' → '(conv|out)' → '(conv|out)'/);
  rejects(tiny((g) => (node(g, 'out')['input'] = ['convv'])), /node 'out' \(Relu\): input 'convv' is not a node of the graph/);
  rejects(tiny((g) => (node(g, 'out')['input'] = ['conv:1'])), /node 'out' \(Relu\): input 'conv:1' is output 1 of node 'conv'; only a node's first output is supported/);
  rejects(tiny((g) => ((node(g, 'conv')['attr'] as Json)['data_format'] = str('NCHW'))), /node 'conv' \(Conv2D\): data_format 'NCHW' is not supported \(only NHWC/);
  rejects(tiny((g) => g.op('out2', 'Relu', ['conv'])), /graph model has 2 outputs \('out', 'out2'\)/);
  rejects(tiny((g) => g.input('y', [-1, 4, 4, 2])), /2 Placeholder \(input\) nodes \(x, y\)/);
  rejects(tiny((g) => ((node(g, 'conv')['attr'] as Json)['padding'] = str('FULL'))), /padding 'FULL' is not supported/);
  rejects(tiny((g) => (node(g, 'conv')['input'] = ['x', 'x'])), /node 'conv' \(Conv2D\): input 1 \('x'\) must be a Const/);
  // a filter whose input channels do not match the image
  rejects(tiny((g) => g.const('w3', [1, 1, 3, 3]) && (node(g, 'conv')['input'] = ['x', 'w3'])), /filter 'w3' \[1,1,3,3\] takes 3 input channels, which does not divide the input's 2/);
  rejects(tiny((g) => ((node(g, 'x')['attr'] as { shape: { shape: { dim: Json[] } } }).shape.shape.dim[1] = { size: '1000000' })), /node 'x' \(Placeholder\): input 'x' has absurd dims \[null,1000000,4,2\]/);
  rejects({ json: { format: 'graph-model', modelTopology: { node: [] } }, bytes: new Uint8Array() }, /graph model has 0 Placeholder/);
});

test('bad weights: a Const missing from the manifest, a size or shape that does not match', () => {
  const missing = tiny().build();
  (missing.json as { weightsManifest: { weights: unknown[] }[] }).weightsManifest[0]!.weights = [];
  rejects({ json: missing.json, bytes: new Uint8Array() }, /node 'w' \(Const\): the weights manifest has no entry 'w' for this Const/);
  const short = tiny().build();
  rejects({ json: short.json, bytes: short.bytes.subarray(4) }, /the weight data holds 20 bytes but the manifest's 1 weights take 24 \(a truncated or missing shard\?\)/);
  const reshaped = tiny().build();
  (reshaped.json as { weightsManifest: { weights: { shape: number[] }[] }[] }).weightsManifest[0]!.weights[0]!.shape = [1, 1, 3, 2];
  rejects({ json: reshaped.json, bytes: reshaped.bytes }, /node 'w' \(Const\): the Const declares shape \[1,1,2,3\] but its manifest entry has \[1,1,3,2\]/);
});

// The graph model in the nsfwjs package: a TF Hub MobileNetV2 (width 1.4) feature vector + Dense + Softmax, uint8-quantised.
const MID = 'mobilenet_v2_mid';
const SQUEEZE = 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';
const flowers = join(sharedDataDir(), 'flowers');
const photos = ['daisy', 'roses'].map((k) => join(flowers, k)).filter((d) => existsSync(d))
  .map((d) => join(d, readdirSync(d).filter((f) => /\.jpe?g$/i.test(f)).sort()[0] ?? ''));

test(`nsfwjs ${MID} (a graph model) gives TF.js's probabilities and 1792 features on real photos`, { skip: photos.length === 2 ? false : `no photos: ${flowers} is absent` }, async (t) => {
  const loaded = loadNsfwjsModel(MID);
  assert.deepEqual(loaded.inputShape, [3, 224, 224]);
  assert.equal(loaded.removedSoftmax, true);
  assert.deepEqual(loaded.unusedWeights, []);
  assert.equal(loaded.format, 'graph-model');
  // TF's function-call scopes are left out of the value names: short enough to type after --cut-at
  assert.equal(loaded.nodeNames[SQUEEZE], 'sequential_keras_layer_predict_feature_vector_SpatialSqueeze');
  assert.equal(shortName('PartitionedCall_2/a/StatefulPartitionedCall/b'), 'a/b');
  assert.equal(shortName('StatefulPartitionedCall'), 'StatefulPartitionedCall');
  const [C, H, W] = loaded.inputShape;
  const chw = new Float32Array(2 * C * H * W);
  for (const [i, p] of photos.entries()) chw.set(imageToTensorData(await loadImageFile(p, { channels: 3, size: [H, W] }), loaded.normalize.mean, loaded.normalize.std), i * C * H * W);
  const x = tensor(chw, [2, C, H, W]);
  const probs = noGrad(() => softmax(loaded.model.forward(x), 1)).toArray();
  const features = noGrad(() => cutBackbone(loaded.model, [C, H, W], { at: loaded.nodeNames[SQUEEZE]! }).model.forward(x));
  assert.deepEqual(features.shape, [2, 1792]);

  // TF.js's own model from the same bundles (read, not run), as nsfwjs loads it
  const dir = join(loaded.packageDir, 'dist', 'models', MID);
  const read = (f: string): unknown => exportedLiteral(readFileSync(join(dir, f), 'utf8'), (p) => assert.fail(p));
  const json = read('model.min.js') as { modelTopology: Json; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const bytes = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => Buffer.from(read(`${p}.min.js`) as string, 'base64')));
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData: new Uint8Array(bytes).buffer }));
  const hwc = new Float32Array(chw.length);
  for (let b = 0; b < 2; b++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) hwc[(b * H * W + i) * C + c] = chw[(b * C + c) * H * W + i]!;
  const [wantFeatures, wantProbs] = model.execute(tf.tensor(hwc, [2, H, W, C]), [SQUEEZE, 'Identity']) as tf.Tensor[];
  const maxDiff = (a: number[], b: ArrayLike<number>): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  const dProbs = maxDiff(probs, await wantProbs!.data());
  const dFeatures = maxDiff(features.toArray(), await wantFeatures!.data());
  model.dispose();
  t.diagnostic(`probabilities [${probs.map((v) => v.toFixed(4)).join(', ')}]: max abs difference ${dProbs.toExponential(2)}; features: ${dFeatures.toExponential(2)}`);
  assert.ok(dProbs < 1e-4, `probabilities differ by ${dProbs}`);
  assert.ok(dFeatures < 1e-4, `features differ by ${dFeatures}`);
});
