import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lenet } from '../nn/models.js';
import { summarize } from '../nn/summary.js';
import { Generator } from '../util/random.js';
import { noGrad } from '../tensor/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import { recordActivations } from './activations.js';

const input = (): Tensor => {
  const g = new Generator(1);
  return new Tensor(Float32Array.from({ length: 28 * 28 }, () => g.random()), [1, 1, 28, 28]);
};

test('activations: every layer in execution order with path, type and shape, via hooks', () => {
  const model = lenet();
  const x = input();
  const { layers, output } = recordActivations(model, x);
  const rows = summarize(model, [1, 1, 28, 28]);
  assert.deepEqual(layers.map((a) => [a.path, a.type, a.shape]), rows.map((r) => [r.name, r.type, r.outputShape]));
  assert.deepEqual(layers.slice(0, 3).map((a) => a.path), ['features.0', 'features.1', 'features.2']);
  assert.deepEqual(layers[0]!.shape, [1, 6, 28, 28]);
  // The values are the real outputs: the last layer's are the model's output, and ReLU's are conv's clamped at 0.
  assert.deepEqual(Array.from(layers[layers.length - 1]!.data), Array.from(output.data));
  assert.deepEqual(Array.from(layers[1]!.data), Array.from(layers[0]!.data, (v) => Math.max(0, v)));
  assert.deepEqual(Array.from(output.data), Array.from(noGrad(() => model.eval().forward(x)).data));
});

test('activations removes its hooks, restores training mode, and can pick layers', () => {
  const model = lenet();
  model.train();
  const x = input();
  const first = recordActivations(model, x).layers.length;
  assert.equal(recordActivations(model, x).layers.length, first, 'no hooks left behind from the first call');
  assert.equal(model.training, true);
  const convs = recordActivations(model, x, { include: (_p, m) => m.constructor.name === 'Conv2d' }).layers;
  assert.deepEqual(convs.map((a) => a.path), ['features.0', 'features.3']);
  assert.throws(() => recordActivations(model, new Tensor(new Float32Array(3 * 28 * 28), [1, 3, 28, 28])), /conv2d \(features\.0\)/);
  assert.equal(recordActivations(model, x).layers.length, first, 'hooks removed after an error too');
});
