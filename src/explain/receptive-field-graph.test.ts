// Receptive fields through GraphModules (hand-built, ONNX imports, TF.js
// imports) against brute force, unit by unit, as the Sequential ones are.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadOnnx } from '../io/onnx/load-onnx.js';
import { loadTfjs } from '../io/tfjs/load-tfjs.js';
import { ReLU } from '../nn/activation.js';
import { Conv2d } from '../nn/conv2d.js';
import { GraphModule } from '../nn/graph-module.js';
import { Linear } from '../nn/linear.js';
import { declaredType } from '../nn/module.js';
import { ConstantPad2d } from '../nn/pad2d.js';
import { AvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { tensor } from '../tensor/ops/creation.js';
import { assertMatchesBruteForce } from '../testing/receptive-field-brute-force.js';
import { receptiveField } from './receptive-field.js';

await tf.setBackend('cpu');

/**
 * Conv stride 2 on the input, a broadcast sub, a dilated conv beside a padded
 * max pool joined by a channel concat, an element-wise product of two
 * branches, a concat along W with a strided branch, a conv between two
 * H↔W permutes, the result stacked on itself along H, a broadcast add,
 * ReLU, average pooling, then a flattening reshape and Linear.
 */
function handBuilt(): GraphModule {
  return new GraphModule({
    input: 'x', output: 'fc',
    nodes: [
      { name: 'stem', op: 'module', inputs: ['x'] },                       // [3, 7, 6]
      { name: 'centred', op: 'sub', inputs: ['stem', 'shift'] },
      { name: 'a', op: 'module', inputs: ['centred'] },                    // [2, 7, 6]
      { name: 'padded', op: 'module', inputs: ['centred'] },               // [3, 8, 7]
      { name: 'pool', op: 'module', inputs: ['padded'] },                  // [3, 7, 6]
      { name: 'cat', op: 'concat', inputs: ['a', 'pool'], attrs: { dim: 1 } },
      { name: 'gate', op: 'module', inputs: ['centred'] },                 // [5, 7, 6]
      { name: 'prod', op: 'mul', inputs: ['cat', 'gate'] },
      { name: 'side', op: 'module', inputs: ['stem'] },                    // [5, 7, 2]
      { name: 'wide', op: 'concat', inputs: ['prod', 'side'], attrs: { dim: 3 } }, // [5, 7, 8]
      { name: 't', op: 'permute', inputs: ['wide'], attrs: { dims: [0, 1, 3, 2] } },
      { name: 'tconv', op: 'module', inputs: ['t'] },                      // [4, 8, 7]
      { name: 'back', op: 'permute', inputs: ['tconv'], attrs: { dims: [0, 1, 3, 2] } },
      { name: 'tall', op: 'concat', inputs: ['back', 'back'], attrs: { dim: -2 } }, // [4, 14, 8]
      { name: 'biased', op: 'add', inputs: ['tall', 'scale'] },
      { name: 'act', op: 'module', inputs: ['biased'] },
      { name: 'head', op: 'module', inputs: ['act'] },                     // [4, 7, 4]
      { name: 'flat', op: 'reshape', inputs: ['head'], attrs: { shape: [0, -1] } },
      { name: 'fc', op: 'module', inputs: ['flat'] },
    ],
  }, {
    stem: new Conv2d(2, 3, 3, { stride: 2, padding: 1 }),
    a: new Conv2d(3, 2, 3, { dilation: 2, padding: 2 }),
    padded: new ConstantPad2d([0, 1, 1, 0]),
    pool: new MaxPool2d(2, { stride: 1 }),
    gate: new Conv2d(3, 5, 1),
    side: new Conv2d(3, 5, [1, 3], { stride: [1, 3] }),
    tconv: new Conv2d(5, 4, [3, 1], { padding: [1, 0] }),
    act: new ReLU(),
    head: new AvgPool2d(2),
    fc: new Linear(4 * 7 * 4, 3),
  }, { shift: tensor([0.1, 0.2, 0.3], [1, 3, 1, 1]), scale: tensor([1, 2, 3, 4], [1, 4, 1, 1]) });
}

/** Saturating activations swapped for ReLU: they map pixels the same way (pointwise), but an infinite input would not change a saturated unit. */
function unsaturated(g: GraphModule): GraphModule {
  for (const node of g.graph.nodes) {
    if (node.op === 'module' && ['Tanh', 'Sigmoid', 'Hardtanh'].includes(declaredType(g.module(node.name)) ?? '')) g.registerModule(node.name, new ReLU());
  }
  return g;
}

test('receptive fields through a GraphModule match brute force: concat on channels, H and W, broadcast ops, mul of branches, permutes', () => {
  assert.equal(assertMatchesBruteForce(handBuilt(), [2, 13, 11]), 9);
  const g = handBuilt();
  // a unit of the padding sees no pixel
  assert.deepEqual(receptiveField(g, [2, 13, 11], 'padded', [7, 3]), { y0: 13, y1: -1, x0: 11, x1: -1 });
  // tconv (0, 0) reads wide row 0, columns 0..1 (across the permutes), all from prod: a's rows {0, 2} x columns 0..3
  // and pool's rows 0..1 x columns 0..1 of centred, which the stride-2 stem takes to rows 0..5, columns 0..7
  assert.deepEqual(receptiveField(g, [2, 13, 11], 'tconv', [0, 0]), { y0: 0, y1: 5, x0: 0, x1: 7 });
  assert.deepEqual(receptiveField(g, [2, 13, 11], 'fc', [0, 0]), { y0: 0, y1: 12, x0: 0, x1: 10 });
  assert.deepEqual(receptiveField(g, [2, 13, 11], '', [0, 0]), { y0: 0, y1: 12, x0: 0, x1: 10 });
});

test('receptive fields through ONNX imports match brute force: normalising sub/div, concat, mul, pad and pools (ops.onnx), residual adds (resnet-small.onnx)', () => {
  const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/onnx/${name}`, import.meta.url));
  const ops = unsaturated(loadOnnx(fixture('ops.onnx'), 'ops.onnx').model);
  assert.ok(assertMatchesBruteForce(ops, [3, 16, 16]) >= 8);
  const resnet = loadOnnx(fixture('resnet-small.onnx'), 'resnet-small.onnx').model;
  assert.ok(assertMatchesBruteForce(resnet, [3, 16, 16]) >= 20);
});

/** A functional TF.js model: strided 'same' conv beside a 1x1 conv and a 'same' max pool, add, zero padding, cropping, multiply, concatenate, a dilated conv. */
function tfjsBranches(): tf.LayersModel {
  const L = tf.layers;
  const x = tf.input({ shape: [9, 10, 2], name: 'image' });
  const a = L.conv2d({ name: 'a', filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  const b = L.conv2d({ name: 'b', filters: 3, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const bp = L.maxPooling2d({ name: 'bp', poolSize: 3, strides: 2, padding: 'same' }).apply(b) as tf.SymbolicTensor;
  const sum = L.add({ name: 'sum' }).apply([a, bp]) as tf.SymbolicTensor;
  const padded = L.zeroPadding2d({ name: 'padded', padding: [[1, 0], [0, 2]] }).apply(sum) as tf.SymbolicTensor;
  const cropped = L.cropping2D({ name: 'cropped', cropping: [[0, 1], [1, 1]] }).apply(padded) as tf.SymbolicTensor;
  const prod = L.multiply({ name: 'prod' }).apply([cropped, a]) as tf.SymbolicTensor;
  const cat = L.concatenate({ name: 'cat' }).apply([prod, sum]) as tf.SymbolicTensor;
  const c = L.conv2d({ name: 'c', filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' }).apply(cat) as tf.SymbolicTensor;
  const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(c) as tf.SymbolicTensor;
  const out = L.dense({ name: 'fc', units: 2 }).apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: out });
}

test('receptive fields through a TF.js import match brute force: same padding, add, zero padding, cropping, multiply, concatenate', async () => {
  let saved: tf.io.ModelArtifacts | undefined;
  await tfjsBranches().save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const data = saved!.weightData!;
  const bytes = Array.isArray(data) ? new Uint8Array(Buffer.concat(data.map((d) => new Uint8Array(d)))) : new Uint8Array(data as ArrayBuffer);
  const { model } = loadTfjs({ modelTopology: saved!.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: saved!.weightSpecs }] }, bytes);
  assert.ok(assertMatchesBruteForce(model, [2, 9, 10]) >= 6);
});

test('a GraphModule nested in a Sequential is traced as one layer', () => {
  const g = new GraphModule({ input: 'x', output: 'y', nodes: [
    { name: 'c', op: 'module', inputs: ['x'] },
    { name: 'y', op: 'add', inputs: ['c', 'x'] },
  ] }, { c: new Conv2d(1, 1, 3, { padding: 1 }) });
  const model = new Sequential(new Conv2d(1, 1, 3, { stride: 2 }), g, new Conv2d(1, 1, 2));
  assert.ok(assertMatchesBruteForce(model, [1, 15, 15]) >= 3);
  assert.deepEqual(receptiveField(model, [1, 15, 15], '1.c', [0, 0]), { y0: 0, y1: 4, x0: 0, x1: 4 });
});

test('a join of two branches that each see only padding sees nothing (the branches are kept apart, not merged into one box)', () => {
  // v is x padded 2 rows on top and 3 columns on the right; a keeps v's top-left 3x3 (rows 0, 1 are padding),
  // b the 3x3 at rows 3..5, columns 6..8 (all padding). Unit (0, 0) reads v (0, 0) and v (3, 6), both padding:
  // merged into one box, rows {0, 3} x columns {0, 6}, it would see pixel (1, 0).
  const g = new GraphModule({ input: 'x', output: 'out', nodes: [
    { name: 'v', op: 'module', inputs: ['x'] },
    { name: 'a', op: 'module', inputs: ['v'] },
    { name: 'b', op: 'module', inputs: ['v'] },
    { name: 'sum', op: 'add', inputs: ['a', 'b'] },
    { name: 'out', op: 'module', inputs: ['sum'] },
  ] }, {
    v: new ConstantPad2d([2, 0, 0, 3]),
    a: new ConstantPad2d([0, 0, -5, -6]),
    b: new ConstantPad2d([-3, -6, -2, 0]),
    out: new ReLU(),
  });
  assert.deepEqual(receptiveField(g, [1, 6, 6], 'out', [0, 0]), { y0: 6, y1: -1, x0: 6, x1: -1 });
  assert.deepEqual(receptiveField(g, [1, 6, 6], 'out', [2, 1]), { y0: 0, y1: 0, x0: 1, x1: 1 });
  assert.equal(assertMatchesBruteForce(g, [1, 6, 6]), 4);
});
