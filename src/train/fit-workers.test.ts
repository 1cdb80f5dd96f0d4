// fit() with a DataLoader whose worker threads augment ahead of the step:
// the same run, bit for bit, as with everything in one thread, and a run
// stopped mid-epoch resumes from its checkpoint to the same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader } from '../data/data-loader.js';
import { loadMnist, NORMALIZATION } from '../data/mnist-dataset.js';
import { parseTransforms } from '../data/transforms/parse-transforms.js';
import { ReLU } from '../nn/activation.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed } from '../util/random.js';
import { evaluate, evaluateAsync } from './evaluate.js';
import { fit, type FitOptions, type FitState } from './fit.js';

const all = loadMnist({ train: true });
const trainSet = all.subset(Int32Array.from({ length: 192 }, (_, i) => i)); // 6 batches of 32
const valSet = all.subset(Int32Array.from({ length: 100 }, (_, i) => 2000 + i));
const normalize = NORMALIZATION.mnist;
const transform = parseTransforms('rotate:10,crop:2', { height: 28, width: 28 }).transform;

function run(numWorkers: number): { model: Module; options: FitOptions } {
  manualSeed(3);
  const model = new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(4), new Flatten(), new Linear(4 * 7 * 7, 10));
  return {
    model,
    options: {
      epochs: 2, numClasses: 10, optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
      train: new DataLoader(trainSet, { batchSize: 32, shuffle: true, seed: 9, normalize, transform, numWorkers }),
      val: new DataLoader(valSet, { batchSize: 40, normalize, numWorkers }),
    },
  };
}

const weights = (m: Module): number[][] => [...m.stateDict().values()].map((t) => Array.from(t.data));
const history = (h: { trainLoss: number; trainAccuracy: number; valLoss?: number; valAccuracy?: number }[]): number[][] =>
  h.map((e) => [e.trainLoss, e.trainAccuracy, e.valLoss!, e.valAccuracy!]);

test('fit with numWorkers 2 trains exactly as with numWorkers 0, and resumes mid-epoch from a checkpoint', async () => {
  const a = run(0);
  const ra = await fit(a.model, a.options);
  const b = run(2);
  const rb = await fit(b.model, b.options);
  assert.deepEqual(history(rb.history), history(ra.history));
  assert.deepEqual(weights(b.model), weights(a.model));

  // stop after batch 3 of epoch 2 (a checkpoint every 3 steps), then resume with fresh loaders and workers
  const c = run(2);
  let saved: { state: FitState; weights: Float32Array[]; optimizer: ReturnType<SGD['stateDict']> } | undefined;
  await assert.rejects(fit(c.model, {
    ...c.options, checkpointEvery: 3,
    onCheckpoint: (state, why) => {
      if (why === 'batch') saved = structuredClone({ state, weights: [...c.model.stateDict().values()].map((t) => t.data.slice()), optimizer: c.options.optimizer.stateDict() });
    },
    onBatchEnd: (log) => { if (log.epoch === 2 && log.batch === 4) throw new Error('killed'); },
  }), /killed/);
  assert.deepEqual([saved?.state.epoch, saved?.state.batch], [2, 3]);
  const d = run(2);
  [...d.model.stateDict().values()].forEach((t, i) => t.data.set(saved!.weights[i]!));
  d.options.optimizer.loadStateDict(saved!.optimizer);
  const rd = await fit(d.model, { ...d.options, resume: saved!.state });
  assert.deepEqual(history(rd.history), history(ra.history));
  assert.deepEqual(weights(d.model), weights(a.model));
});

test('evaluateAsync over worker batches equals evaluate in this thread; evaluate refuses worker batches with what to use', async () => {
  const { model } = run(0);
  const sync = evaluate(model, new DataLoader(valSet, { batchSize: 30, normalize }), 10);
  const viaWorkers = await evaluateAsync(model, new DataLoader(valSet, { batchSize: 30, normalize, numWorkers: 2 }), 10);
  assert.deepEqual([viaWorkers.loss, viaWorkers.accuracy, viaWorkers.count, viaWorkers.confusion.counts], [sync.loss, sync.accuracy, 100, sync.confusion.counts]);
  assert.throws(() => evaluate(model, new DataLoader(valSet, { numWorkers: 1 }), 10), /for await/);
});
