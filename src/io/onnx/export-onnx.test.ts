// ONNX export checked by ONNX Runtime itself: the same logits within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { ELU, Hardtanh, LeakyReLU, LogSoftmax, Sigmoid, Softmax, Tanh, ReLU } from '../../nn/activation.js';
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Dropout } from '../../nn/dropout.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import { classic, convnet, lenet } from '../../nn/models.js';
import type { Module } from '../../nn/module.js';
import { ConstantPad2d } from '../../nn/pad2d.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../../nn/pooling.js';
import { Residual, basicBlock } from '../../nn/residual.js';
import { Sequential } from '../../nn/sequential.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { rand, randn, tensor } from '../../tensor/ops/creation.js';
import { manualSeed } from '../../util/random.js';
import { exportOnnx } from './export-onnx.js';
import { OnnxError } from './onnx-error.js';
import { decodeOnnxModel } from './onnx-proto.js';

/** Runs the exported model in ONNX Runtime and in fovea; returns the largest absolute difference. */
export async function ortMaxDiff(model: Module, inputShape: [number, number, number], batch = 2): Promise<number> {
  model.eval();
  const x = randn([batch, ...inputShape]);
  const expected = noGrad(() => model.forward(x)).toArray();
  const session = await ort.InferenceSession.create(exportOnnx(model, { inputShape }));
  const out = await session.run({ input: new ort.Tensor('float32', new Float32Array(x.data), x.shape) });
  const logits = out['logits']!;
  assert.deepEqual([...logits.dims], model.outputShape(x.shape));
  const got = logits.data as Float32Array;
  return expected.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
}

function randomizeBatchNorm(model: Module): void {
  for (const m of model.modulesIter()) {
    if (m instanceof BatchNorm2d) {
      m.runningMean.data.set(randn([m.numFeatures]).data);
      m.runningVar.data.set(rand([m.numFeatures], { low: 0.5, high: 2 }).data);
      m.weight.data.set(rand([m.numFeatures], { low: 0.5, high: 1.5 }).data);
      m.bias.data.set(randn([m.numFeatures]).data);
    }
  }
}

for (const [name, build] of [['lenet', lenet], ['convnet', convnet], ['classic', classic]] as const) {
  test(`ONNX Runtime runs the exported ${name} with fovea's logits (dynamic batch)`, async () => {
    manualSeed(3);
    assert.ok((await ortMaxDiff(build(), [1, 28, 28], 3)) < 1e-4);
  });
}

test('batch norm, residual blocks, groups, dilation, same padding and every pooling export exactly', async () => {
  manualSeed(4);
  const model = new Sequential({
    stem: new Sequential(new Conv2d(3, 8, 3, { padding: 'same', bias: false }), new BatchNorm2d(8), new ReLU()),
    block: basicBlock(8, 16, 2),
    grouped: new Conv2d(16, 16, 3, { groups: 4, dilation: 2, padding: 2 }),
    depthwise: new Conv2d(16, 16, [3, 5], { groups: 16, stride: [1, 2], padding: [1, 2] }),
    even: new Conv2d(16, 8, 4, { padding: 'same' }),
    acts: new Sequential(new LeakyReLU(0.2), new Hardtanh(0, 6), new Tanh(), new Sigmoid()),
    pools: new Sequential(new ConstantPad2d([0, 1, 1, 0]), new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }), new SumPool2d(2), new MaxPool2d(2, { stride: 1 })),
    identity: new Residual(new Sequential(new Conv2d(8, 8, 1), new Dropout(0.3))),
    head: new Sequential(new AdaptiveAvgPool2d(1), new Flatten(), new Linear(8, 5), new Softmax(1), new LogSoftmax(-1)),
  });
  randomizeBatchNorm(model);
  assert.ok((await ortMaxDiff(model, [3, 17, 19])) < 1e-4);
});

test('ceil-mode and dilated pooling export as MaxPool/AveragePool ceil_mode and dilations, and ONNX Runtime agrees', async () => {
  manualSeed(5);
  const model = new Sequential(
    new Conv2d(2, 4, 3), new MaxPool2d(3, { stride: 2, ceilMode: true }),
    new MaxPool2d(2, { stride: 1, padding: 1, dilation: 2 }),
    new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
    new AvgPool2d(2, { stride: 2, ceilMode: true }),
    new Flatten(), new Linear(4 * 3 * 3, 3));
  assert.deepEqual(model.outputShape([2, 2, 20, 19]), [2, 3]);
  assert.ok((await ortMaxDiff(model, [2, 20, 19])) < 1e-5);
  const nodes = decodeOnnxModel(exportOnnx(model, { inputShape: [2, 20, 19] }), 'pools.onnx').graph.nodes;
  const attr = (i: number, name: string) => nodes.filter((n) => n.opType.endsWith('Pool'))[i]!.attributes.find((a) => a.name === name);
  assert.equal(attr(0, 'ceil_mode')?.i, 1);
  assert.deepEqual(attr(1, 'dilations')?.ints, [2, 2]);
  assert.equal(attr(1, 'ceil_mode'), undefined);
});

test('ELU runs in ONNX Runtime as Elu with its alpha, saturating at -alpha like fovea', async (t) => {
  manualSeed(8);
  const model = new Sequential(new Conv2d(2, 6, 3, { padding: 1 }), new ELU(), new Conv2d(6, 6, 1), new ELU(0.3),
    new Flatten(), new Linear(6 * 5 * 5, 4), new ELU(2.5));
  const net = await ortMaxDiff(model, [2, 5, 5], 3);
  assert.ok(net < 1e-4, `network: largest difference from ONNX Runtime ${net}`);
  const nodes = decodeOnnxModel(exportOnnx(model, { inputShape: [2, 5, 5] }), 'elu.onnx').graph.nodes.filter((n) => n.opType === 'Elu');
  assert.deepEqual(nodes.map((n) => n.attributes.find((a) => a.name === 'alpha')?.f), [1, Math.fround(0.3), 2.5]);
  // the activation alone on values from -1e4 to 20, including zeros and tiny negatives
  const act = new Sequential(new ELU(0.3));
  const xs = Float32Array.from([-1e4, -104, -88, -20, -5, -1, -1e-3, -1e-7, 0, 1e-7, 0.5, 3, 20, ...randn([37]).mul(tensor(4)).data]);
  const session = await ort.InferenceSession.create(exportOnnx(act, { inputShape: [1, 1, xs.length] }));
  const got = (await session.run({ input: new ort.Tensor('float32', xs, [1, 1, 1, xs.length]) }))['logits']!.data as Float32Array;
  const want = noGrad(() => act.forward(tensor(Array.from(xs), [1, 1, 1, xs.length]))).data;
  const worst = want.reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
  t.diagnostic(`largest difference from ONNX Runtime: network ${net.toExponential(2)}, ELU alone ${worst.toExponential(2)}`);
  assert.ok(worst < 1e-6, `largest difference from ONNX Runtime ${worst}`);
});

test('the exported graph names its input and output and keeps PyTorch parameter names', () => {
  const m = decodeOnnxModel(exportOnnx(lenet(), { inputShape: [1, 28, 28] }), 'lenet.onnx');
  assert.deepEqual(m.graph.inputs[0], { name: 'input', elemType: 1, dims: ['N', 1, 28, 28] });
  assert.deepEqual(m.graph.outputs[0], { name: 'logits', elemType: 1, dims: ['N', 10] });
  assert.deepEqual(m.opsetImport, [{ domain: '', version: 13 }]);
  assert.ok(m.graph.initializers.some((t) => t.name === 'features.0.weight'));
  assert.deepEqual(m.graph.nodes.map((n) => n.opType).slice(0, 3), ['Conv', 'Relu', 'MaxPool']);
});

test('export errors name the module and what is wrong', () => {
  class Custom extends Sequential {}
  const bad = new Sequential({ features: new Sequential(new AdaptiveAvgPool2d(3)) });
  assert.throws(() => exportOnnx(bad, { inputShape: [1, 28, 28] }), (e: unknown) => e instanceof OnnxError && /features\.0.*AdaptiveAvgPool2d.*does not divide/.test(e.message));
  assert.throws(() => exportOnnx(lenet(), { inputShape: [1, 28, 28], opset: 9 }), /opset 9/);
  assert.ok(exportOnnx(new Custom(new ReLU()), { inputShape: [1, 2, 2] }).length > 0, 'subclasses of known layers export as their base');
});
