// A run stopped part-way and resumed from its checkpoint must end with exactly
// the weights (bit for bit) of the same run left alone: optimiser buffers,
// scheduler, both generators (shuffling + augmentation, dropout) and the
// position inside the epoch all have to come back. Real MNIST digits, a small
// net with BatchNorm (buffers) and Dropout (default generator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader } from '../data/data-loader.js';
import { loadMnist, NORMALIZATION } from '../data/mnist-dataset.js';
import { randomHorizontalFlip } from '../data/transforms/random-horizontal-flip.js';
import { ModelFileError } from '../io/io-error.js';
import { decodeModel, encodeModel } from '../io/model-file.js';
import { BatchNorm2d } from '../nn/batch-norm2d.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { MaxPool2d } from '../nn/pooling.js';
import { ReLU } from '../nn/activation.js';
import { Sequential } from '../nn/sequential.js';
import { Adam } from '../optim/adam.js';
import { CosineAnnealingLR } from '../optim/lr-scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed } from '../util/random.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { fit, type FitOptions, type FitState } from './fit.js';
import { TrainingInterrupted } from './training-interrupted.js';

const EPOCHS = 2;
const all = loadMnist({ train: true });
const trainSet = all.subset(Int32Array.from({ length: 512 }, (_, i) => i)); // 16 batches of 32 per epoch
const valSet = all.subset(Int32Array.from({ length: 128 }, (_, i) => 1000 + i));
const normalize = NORMALIZATION.mnist;
const meta = { inputShape: [1, 28, 28] as [number, number, number], normalize, classNames: [...'0123456789'] };
type OptName = 'sgd' | 'adam';

function net(): Module {
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Dropout(0.25), new Linear(4 * 14 * 14, 10),
  );
}

function optimizerFor(name: OptName, model: Module): Optimizer {
  return name === 'sgd'
    ? new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 })
    : new Adam(model.parameters(), { lr: 2e-3 });
}

/** Everything but the model, fresh, as a new process would build it. */
function runOptions(model: Module, name: OptName): FitOptions & { scheduler: CosineAnnealingLR } {
  const optimizer = optimizerFor(name, model);
  return {
    epochs: EPOCHS, optimizer, numClasses: 10, scheduler: new CosineAnnealingLR(optimizer, EPOCHS),
    train: new DataLoader(trainSet, { batchSize: 32, shuffle: true, seed: 5, normalize, transform: randomHorizontalFlip() }),
    val: new DataLoader(valSet, { batchSize: 64, normalize }),
  };
}

function weights(model: Module): Map<string, number[]> {
  return new Map([...model.stateDict()].map(([k, t]) => [k, Array.from(t.data)]));
}

const plain = (h: { epoch: number; trainLoss: number; trainAccuracy: number; valAccuracy?: number; lr: number }[]): unknown[] =>
  h.map((e) => [e.epoch, e.trainLoss, e.trainAccuracy, e.valAccuracy, e.lr]);

const baselines = new Map<OptName, Promise<{ weights: Map<string, number[]>; history: unknown[] }>>();
function uninterrupted(name: OptName): Promise<{ weights: Map<string, number[]>; history: unknown[] }> {
  if (!baselines.has(name)) {
    baselines.set(name, (async () => {
      manualSeed(7);
      const model = net();
      const { history } = await fit(model, runOptions(model, name));
      return { weights: weights(model), history: plain(history) };
    })());
  }
  return baselines.get(name)!;
}

/**
 * Trains until `stop` says so (it gets fit's options, to add its hooks), keeps
 * the checkpoint bytes fit handed out, then resumes from them in a fresh
 * model, optimiser, scheduler and loaders.
 */
async function interruptedThenResumed(name: OptName, stop: (o: FitOptions, save: (s: FitState) => void) => void): Promise<{ weights: Map<string, number[]>; history: unknown[]; at: FitState }> {
  manualSeed(7);
  const model = net();
  const o = runOptions(model, name);
  let bytes: Uint8Array | undefined;
  const save = (s: FitState): void => {
    bytes = encodeCheckpoint({
      model, meta, options: { optimizer: name }, optimizer: o.optimizer.stateDict(),
      scheduler: { lastEpoch: o.scheduler.lastEpoch }, fit: s,
    });
  };
  stop(o, save);
  await assert.rejects(fit(model, o), (e: Error) => e instanceof TrainingInterrupted || e.message === 'killed');
  assert.ok(bytes, 'a checkpoint was written before the stop');

  manualSeed(12345); // whatever the new process's generators hold, the checkpoint's win
  const ckpt = decodeCheckpoint(bytes, 'test.ckpt');
  const r = runOptions(ckpt.model, name);
  r.optimizer.loadStateDict(ckpt.optimizer);
  r.scheduler.lastEpoch = ckpt.scheduler!.lastEpoch;
  const { history } = await fit(ckpt.model, { ...r, resume: ckpt.fit });
  return { weights: weights(ckpt.model), history: plain(history), at: ckpt.fit };
}

/** Stops like SIGINT does: abort after global step k; fit checkpoints and throws. */
const interruptAfterStep = (k: number) => (o: FitOptions, save: (s: FitState) => void): void => {
  const ac = new AbortController();
  Object.assign(o, {
    signal: ac.signal,
    onBatchEnd: () => { if (o.optimizer.stepCount === k) ac.abort(); },
    onCheckpoint: (s: FitState, reason: string) => { if (reason === 'interrupt') save(s); },
  });
};

/** Stops like a kill does: the last checkpoint written is where the run resumes. */
const killAfter = (reason: 'epoch' | 'batch', count: number) => (o: FitOptions, save: (s: FitState) => void): void => {
  let n = 0;
  Object.assign(o, {
    checkpointEvery: 5,
    onCheckpoint: (s: FitState, why: string) => {
      if (why !== reason) return;
      save(s);
      if (++n === count) throw new Error('killed');
    },
  });
};

for (const name of ['sgd', 'adam'] as const) {
  test(`${name}: interrupted mid-epoch (SIGINT-style) and resumed = uninterrupted, bit for bit`, async () => {
    const want = await uninterrupted(name);
    const got = await interruptedThenResumed(name, interruptAfterStep(name === 'sgd' ? 7 : 16 + 9));
    assert.deepEqual([got.at.epoch, got.at.batch], name === 'sgd' ? [1, 7] : [2, 9]);
    assert.deepEqual(got.weights, want.weights);
    assert.deepEqual(got.history, want.history);
  });

  test(`${name}: killed after the epoch-1 checkpoint and resumed at the epoch boundary = uninterrupted`, async () => {
    const want = await uninterrupted(name);
    const got = await interruptedThenResumed(name, killAfter('epoch', 1));
    assert.deepEqual([got.at.epoch, got.at.batch], [2, 0]);
    assert.deepEqual(got.weights, want.weights);
    assert.deepEqual(got.history, want.history);
  });
}

test('sgd: killed after a periodic (every 5 steps) checkpoint and resumed = uninterrupted', async () => {
  const want = await uninterrupted('sgd');
  const got = await interruptedThenResumed('sgd', killAfter('batch', 4)); // steps 5, 10, 15, 20 (= epoch 2, batch 4)
  assert.deepEqual([got.at.epoch, got.at.batch], [2, 4]);
  assert.deepEqual(got.weights, want.weights);
});

test('a checkpoint round-trips its model, optimiser state and fit state', () => {
  manualSeed(1);
  const model = net();
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const state: FitState = {
    epoch: 3, batch: 2, loaderState: [1, 2, 3, 4, NaN], rngState: [5, 6, 7, 8, 0.25],
    running: { lossSum: 1.5, correct: 40, seen: 64 }, history: [], best: { epoch: 2, valAccuracy: 0.5, sinceBest: 0 },
    bestWeights: new Map([...model.stateDict()].map(([k, t]) => [k, t.data.map((v) => v + 1)])),
  };
  const c = decodeCheckpoint(encodeCheckpoint({ model, meta, options: { epochs: '5' }, optimizer: opt.stateDict(), scheduler: null, fit: state }), 'x.ckpt');
  assert.deepEqual(weights(c.model), weights(model));
  assert.deepEqual(c.meta, meta);
  assert.deepEqual(c.options, { epochs: '5' });
  assert.equal(c.scheduler, null);
  assert.deepEqual({ ...c.fit, bestWeights: null }, { ...state, bestWeights: null });
  assert.deepEqual(c.fit.bestWeights, state.bestWeights);
  assert.equal(c.optimizer.buffers.length, model.parameters().length);
  assert.deepEqual(c.optimizer.buffers[0], opt.stateDict().buffers[0]);
});

test('a model file or a truncated checkpoint is refused, naming the file; a checkpoint is not taken for a model', () => {
  manualSeed(1);
  const model = net();
  const modelBytes = encodeModel(model, meta);
  assert.throws(() => decodeCheckpoint(modelBytes, 'lenet.fovea'), (e: Error) =>
    e instanceof ModelFileError && /^lenet\.fovea: is a fovea model file, not a training checkpoint/.test(e.message));
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const state: FitState = {
    epoch: 1, batch: 0, loaderState: [1, 2, 3, 4, NaN], rngState: [1, 2, 3, 4, NaN], running: { lossSum: 0, correct: 0, seen: 0 },
    history: [], best: null, bestWeights: null,
  };
  const bytes = encodeCheckpoint({ model, meta, options: {}, optimizer: opt.stateDict(), scheduler: null, fit: state });
  assert.throws(() => decodeModel(bytes, 'run.ckpt'), /^ModelFileError: run\.ckpt: is a training checkpoint, not a model file; finish the run with 'fovea train --resume run\.ckpt'/);
  for (const cut of [4, 100, bytes.length - 10]) {
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, cut), 'run.ckpt'), (e: Error) =>
      e instanceof ModelFileError && e.message.startsWith('run.ckpt: ') && /truncated|shorter than/.test(e.message), `cut at ${cut}`);
  }
});
