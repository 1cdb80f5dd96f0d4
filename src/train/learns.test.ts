// A small CNN must learn real digits: trained on 3,000 real MNIST images it
// has to classify held-out test digits far above chance (10%).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader } from '../data/data-loader.js';
import { loadMnist, NORMALIZATION } from '../data/mnist-dataset.js';
import { lenet } from '../nn/models.js';
import { Adam } from '../optim/adam.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed } from '../util/random.js';
import { evaluate } from './evaluate.js';
import { fit } from './fit.js';

test('lenet learns MNIST from 3,000 real digits (held-out accuracy > 90%)', async () => {
  manualSeed(3);
  const train = loadMnist({ train: true }).subset(Int32Array.from({ length: 3000 }, (_, i) => i));
  const test = loadMnist({ train: false }).subset(Int32Array.from({ length: 1000 }, (_, i) => i));
  const normalize = NORMALIZATION.mnist;
  const model = lenet();
  const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
  const { history } = await fit(model, {
    epochs: 4, optimizer, numClasses: 10,
    train: new DataLoader(train, { batchSize: 32, shuffle: true, seed: 3, normalize }),
  });
  assert.ok(history[3]!.trainLoss < history[0]!.trainLoss, 'training loss must fall');
  const r = evaluate(model, new DataLoader(test, { batchSize: 250, normalize }), 10);
  assert.equal(r.count, 1000);
  assert.ok(r.accuracy > 0.9, `held-out accuracy ${r.accuracy} should be > 0.9`);
});

test('training is deterministic under a seed', async () => {
  const run = async (): Promise<number[]> => {
    manualSeed(11);
    const data = loadMnist({ train: true }).subset(Int32Array.from({ length: 256 }, (_, i) => i));
    const model = lenet();
    const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    await fit(model, { epochs: 1, optimizer, numClasses: 10, train: new DataLoader(data, { batchSize: 32, shuffle: true, seed: 5 }) });
    return Array.from(model.parameters()[0]!.data);
  };
  assert.deepEqual(await run(), await run());
});
