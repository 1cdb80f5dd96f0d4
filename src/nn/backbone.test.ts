// Cutting classifiers before their head: built-in Sequentials and imported graphs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadOnnxFile } from '../io/onnx/onnx-file-node.js';
import { noGrad } from '../tensor/grad-mode.js';
import { randn } from '../tensor/ops/creation.js';
import { manualSeed } from '../util/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { cutBackbone, reinitialize, splitAt } from './backbone.js';
import type { GraphModule } from './graph-module.js';
import { Conv2d } from './conv2d.js';
import { FoveaError } from '../errors.js';
import { Linear } from './linear.js';
import { lenet } from './models.js';
import { ReLU } from './activation.js';
import { Sequential } from './sequential.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/onnx/', import.meta.url));
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): boolean => a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]!) <= tol);

test('a Sequential is cut before its chain of Linear layers; the backbone shares the weights', () => {
  manualSeed(3);
  const net = lenet().eval();
  const cut = cutBackbone(net, [1, 28, 28]);
  assert.equal(cut.features, 400);
  assert.deepEqual(cut.removed, ['classifier.1', 'classifier.2', 'classifier.3', 'classifier.4', 'classifier.5']);
  assert.equal(cut.cutAt, 'classifier.0');
  assert.equal(cut.pooled, false);
  const x = randn([2, 1, 28, 28]);
  let seen: Tensor | null = null;
  const flatten = [...net.namedModules()].find(([n]) => n === 'classifier.0')![1];
  const h = flatten.registerForwardHook((_m, _x, y) => void (seen = y));
  noGrad(() => net.forward(x));
  h.remove();
  const f = noGrad(() => cut.model.forward(x));
  assert.deepEqual(f.shape, [2, 400]);
  assert.ok(close(f.toArray(), seen!.toArray()));
  assert.equal(cut.model.parameters()[0], net.parameters()[0], 'shared, not copied');
});

test('a cut that leaves a feature map gets global average pooling and a flatten', () => {
  const net = new Sequential(new Conv2d(3, 8, 3), new ReLU(), new Linear(8, 2));
  const cut = cutBackbone(net, [3, 10, 10]);
  assert.equal(cut.pooled, true);
  assert.equal(cut.features, 8);
  assert.deepEqual(cut.model.outputShape([4, 3, 10, 10]), [4, 8]);
});

test('a model without a classifier head is refused with a clear error', () => {
  assert.throws(() => cutBackbone(new Sequential(new Conv2d(1, 2, 3), new ReLU()), [1, 8, 8]), (e: unknown) => e instanceof FoveaError && /classifier head/.test(e.message));
  assert.throws(() => cutBackbone(new Sequential(new Linear(4, 2)), [4]), (e: unknown) => e instanceof FoveaError && /leaves no layers/.test(e.message));
});

for (const name of ['mobilenetv2-small', 'resnet-small', 'lenet']) {
  test(`an imported ONNX graph (${name}) is cut at the input of its classifier`, () => {
    const { model, inputShape } = loadOnnxFile(`${fixtures}${name}.onnx`);
    const cut = cutBackbone(model, inputShape);
    assert.ok(cut.removed.length >= 1);
    assert.ok(cut.features > 0);
    const x = randn([2, ...inputShape]);
    const f = noGrad(() => cut.model.forward(x));
    assert.deepEqual(f.shape, [2, cut.features]);
    // The original model = backbone followed by the removed head layers.
    const g = model as unknown as { module(n: string): { forward(t: Tensor): Tensor } };
    let y = f;
    for (const n of cut.removed) y = noGrad(() => g.module(n).forward(y));
    assert.ok(close(y.toArray(), noGrad(() => model.eval().forward(x)).toArray(), 1e-5));
  });
}

test('reinitialize re-draws conv and linear weights and resets batch norm', () => {
  manualSeed(1);
  const net = lenet();
  const before = net.parameters().map((p) => Float32Array.from(p.data));
  assert.equal(reinitialize(net), 5);
  const after = net.parameters().map((p) => p.data);
  assert.ok(before.every((b, i) => b.length === after[i]!.length && !close(b, after[i]!, 0)));
});

test('cutting at a named graph value keeps everything it depends on (residual branches included)', () => {
  const { model, inputShape } = loadOnnxFile(`${fixtures}resnet-small.onnx`);
  const g = model as GraphModule;
  const adds = g.graph.nodes.filter((n) => n.op === 'add').map((n) => n.name);
  const at = adds[0]!;
  const cut = cutBackbone(model, inputShape, { at });
  assert.equal(cut.cutAt, at);
  assert.equal(cut.pooled, true);
  const shapes = g.valueShapes([1, ...inputShape]);
  assert.equal(cut.features, shapes.get(at)![1]);
  assert.throws(() => cutBackbone(model, inputShape, { at: 'no-such-layer' }), /has no value 'no-such-layer'/);
  // The end of a name is enough when it names one value (imported TF graphs prefix every name with their scopes).
  assert.equal(cutBackbone(model, inputShape, { at: 'layer3_Add' }).cutAt, 'layer3_Add');
  assert.equal(cutBackbone(model, inputShape, { at: 'layer2_downsample_downsample_1_BatchNormalization,GlobalAveragePool' }).features, cutBackbone(model, inputShape, { at: 'layer2_downsample_downsample_1_BatchNormalization,avgpool_GlobalAveragePool' }).features);
  assert.equal(splitAt(model, 'layer2_relu_1_Relu').suffix.constructor.name, 'GraphModule');
  assert.throws(() => cutBackbone(model, inputShape, { at: 'Add' }), /'Add' ends 4 value names \(layer1_Add, layer2_Add, layer3_Add, layer4_Add\); give more of the name/);
  assert.throws(() => cutBackbone(model, inputShape, { at: 'downsample_1_BatchNormalization' }), /ends 3 value names/);
});

test('cutting a Sequential at a child path', () => {
  const net = lenet();
  const cut = cutBackbone(net, [1, 28, 28], { at: 'features.2' });
  assert.equal(cut.features, 6);
  assert.ok(cut.removed.includes('features.3') && cut.removed.includes('classifier'));
  assert.throws(() => cutBackbone(net, [1, 28, 28], { at: 'features.9' }), /no layer 'features.9'/);
});

test('splitAt: suffix(prefix(x)) is the whole model, and a cut crossed by a skip connection is refused', () => {
  const { model, inputShape } = loadOnnxFile(`${fixtures}resnet-small.onnx`);
  const g = model.eval() as GraphModule;
  const adds = g.graph.nodes.filter((n) => n.op === 'add').map((n) => n.name);
  const { prefix, suffix } = splitAt(g, adds[0]!);
  const x = randn([2, ...inputShape]);
  assert.ok(close(noGrad(() => suffix.forward(prefix.forward(x))).toArray(), noGrad(() => g.forward(x)).toArray(), 1e-5));
  // Inside a residual block the input of the block skips over the cut.
  const inside = g.graph.nodes[g.graph.nodes.findIndex((n) => n.name === adds[0]) - 1]!.name;
  assert.throws(() => splitAt(g, inside), /skips over the cut/);
  // A pooled backbone (Sequential around a graph) splits inside the graph.
  const bb = cutBackbone(g, inputShape, { at: adds[1]! });
  for (const at of [adds[0]!, adds[1]!]) {
    const s2 = splitAt(bb.model, at);
    assert.ok(close(noGrad(() => s2.suffix.forward(s2.prefix.forward(x))).toArray(), noGrad(() => bb.model.forward(x)).toArray(), 1e-6));
  }
});

test('splitAt a path inside a nested Sequential keeps the parameter names of both halves', () => {
  const net = lenet().eval();
  const { prefix, suffix } = splitAt(net, 'features.2');
  const x = randn([2, 1, 28, 28]);
  assert.ok(close(noGrad(() => suffix.forward(prefix.forward(x))).toArray(), noGrad(() => net.forward(x)).toArray(), 1e-6));
  assert.deepEqual([...prefix.namedParameters()].map(([n]) => n), ['features.0.weight', 'features.0.bias']);
  assert.equal([...suffix.namedParameters()][0]![0], 'features.3.weight');
  assert.throws(() => splitAt(net, 'classifier.5'), /last layer/);
});

test('several cut points give their pooled maps side by side', () => {
  const { model, inputShape } = loadOnnxFile(`${fixtures}resnet-small.onnx`);
  const g = model.eval() as GraphModule;
  const adds = g.graph.nodes.filter((n) => n.op === 'add').map((n) => n.name);
  const shapes = g.valueShapes([1, ...inputShape]);
  const cut = cutBackbone(g, inputShape, { at: `${adds[0]},${adds[1]}` });
  assert.equal(cut.features, shapes.get(adds[0]!)![1]! + shapes.get(adds[1]!)![1]!);
  const x = randn([2, ...inputShape]);
  const f = noGrad(() => cut.model.forward(x)).toArray();
  // The first block of features is the mean of the first value's maps.
  const one = noGrad(() => cutBackbone(g, inputShape, { at: adds[0]! }).model.forward(x)).toArray();
  const c0 = shapes.get(adds[0]!)![1]!;
  assert.ok(close(f.slice(0, c0), one.slice(0, c0), 1e-6));
  assert.throws(() => cutBackbone(g, inputShape, { at: `${adds[0]},nope` }), /no value 'nope'/);
});
