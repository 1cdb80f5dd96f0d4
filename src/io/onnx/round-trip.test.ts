// fovea → ONNX → fovea gives the same outputs, and an imported model is an
// ordinary fovea model: hooks see its layers, it trains, it saves as .fovea.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import { lenet } from '../../nn/models.js';
import type { Module } from '../../nn/module.js';
import { AdaptiveAvgPool2d, AvgPool2d } from '../../nn/pooling.js';
import { ELU, ReLU, Hardtanh } from '../../nn/activation.js';
import { basicBlock } from '../../nn/residual.js';
import { Sequential } from '../../nn/sequential.js';
import { SGD } from '../../optim/sgd.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { rand, randn } from '../../tensor/ops/creation.js';
import { crossEntropy } from '../../tensor/ops/loss.js';
import { manualSeed } from '../../util/random.js';
import { tensor } from '../../tensor/ops/creation.js';
import { decodeModel, encodeModel } from '../model-file.js';
import { exportOnnx } from './export-onnx.js';
import { loadOnnx } from './load-onnx.js';

function maxDiff(a: Module, b: Module, x = randn([2, 3, 20, 20])): number {
  const ya = noGrad(() => a.eval().forward(x)).toArray();
  const yb = noGrad(() => b.eval().forward(x)).toArray();
  assert.equal(ya.length, yb.length);
  return ya.reduce((m, v, i) => Math.max(m, Math.abs(v - yb[i]!)), 0);
}

function mixed(): Sequential {
  const m = new Sequential(
    new Conv2d(3, 8, 3, { padding: 'same' }), new BatchNorm2d(8), new ReLU(),
    basicBlock(8, 16, 2), new Conv2d(16, 16, 3, { groups: 4, dilation: 2, padding: 2 }), new Hardtanh(0, 6),
    new AvgPool2d(2), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(16, 4),
  );
  for (const l of m.modulesIter()) {
    if (l instanceof BatchNorm2d) {
      l.runningMean.data.set(randn([l.numFeatures]).data);
      l.runningVar.data.set(rand([l.numFeatures], { low: 0.5, high: 2 }).data);
    }
  }
  return m;
}

test('fovea → exportOnnx → loadOnnx gives the same outputs (lenet, and batch norm + residual + groups + dilation)', () => {
  manualSeed(5);
  const a = lenet();
  const back = loadOnnx(exportOnnx(a, { inputShape: [1, 28, 28] }), 'lenet.onnx');
  assert.deepEqual(back.inputShape, [1, 28, 28]);
  assert.ok(maxDiff(a, back.model, randn([3, 1, 28, 28])) < 1e-5);
  const m = mixed();
  const again = loadOnnx(exportOnnx(m, { inputShape: [3, 20, 20] }), 'mixed.onnx').model;
  assert.ok(maxDiff(m, again) < 1e-4);
  // and the imported graph exports again
  const twice = loadOnnx(exportOnnx(again, { inputShape: [3, 20, 20] }), 'twice.onnx').model;
  assert.ok(maxDiff(m, twice) < 1e-4);
});

test('ELU exports as Elu (alpha kept) and imports back as ELU, also far below zero', () => {
  manualSeed(7);
  const m = new Sequential(new Conv2d(3, 4, 3), new ELU(), new Conv2d(4, 4, 1), new ELU(0.3), new Flatten(), new Linear(4 * 18 * 18, 3), new ELU(2.5));
  const bytes = exportOnnx(m, { inputShape: [3, 20, 20] });
  const back = loadOnnx(bytes, 'elu.onnx').model;
  const elus = [...back.modulesIter()].filter((l): l is ELU => l instanceof ELU);
  assert.deepEqual(elus.map((l) => l.alpha), [1, Math.fround(0.3), 2.5]);
  assert.ok(maxDiff(m, back) < 1e-5);
  assert.ok(maxDiff(m, back, randn([2, 3, 20, 20]).mul(tensor(50))) < 1e-3, 'large inputs saturate the same way');
});

test('an imported model runs hooks, trains, and saves to .fovea and back', () => {
  manualSeed(6);
  const dir = fileURLToPath(new URL('../../../test/fixtures/onnx/', import.meta.url));
  const { model, inputShape } = loadOnnx(readFileSync(`${dir}resnet-small.onnx`), 'resnet-small.onnx');
  const seen: string[] = [];
  const handles = [...model.namedModules()].filter(([, m]) => m instanceof Conv2d).map(([n, m]) => m.registerForwardHook(() => void seen.push(n)));
  const x = randn([4, ...inputShape]);
  noGrad(() => model.forward(x));
  handles.forEach((h) => h.remove());
  assert.ok(seen.length >= 10, seen.join(','));

  const labels = tensor([0, 1, 2, 3], [4]);
  model.train();
  const opt = new SGD(model.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), labels);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(losses[4]! < losses[0]!, losses.join(', '));

  model.eval();
  const meta = { inputShape, normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, classNames: [...'0123456789'] };
  const { model: reloaded } = decodeModel(encodeModel(model, meta), 'resnet.fovea');
  assert.equal(maxDiff(model, reloaded, x), 0);
});
