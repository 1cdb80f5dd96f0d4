/**
 * Training in a Web Worker, so the page never freezes: mini-batch steps on
 * the shipped MNIST subset with fovea's own loop pieces (DataLoader,
 * trainStep, evaluate), reporting loss and accuracy every few steps and the
 * first conv layer's filters as they change. Between steps it yields to its
 * message queue, so pause, resume and stop take effect at once.
 */
import { Adam, Conv2d, DataLoader, ImageDataset, SGD, TrainingSnapshots, buildModel, datasetExample, decodeModel, encodeModel, evaluate, getBackend, manualSeed, trainStep, type ModelMeta, type Module } from 'fovea';
import { setUpBackend } from './backend-setup.js';
import type { FromWorker, ToWorker, TrainConfig } from './train-protocol.js';

const REPORT_EVERY = 5;
const FILTERS_EVERY = 10;
/** Time-machine snapshots (first-layer filters, their maps of one test digit, the prediction) every this many steps. */
const SNAPSHOT_EVERY = 25;
/** Longest stretch of steps between two looks at the message queue, in ms. */
const YIELD_MS = 25;
const MNIST_META: ModelMeta = { inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };

setUpBackend({});
const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(m: FromWorker, transfer?: Transferable[]): void };
type State = 'idle' | 'running' | 'paused' | 'stopping';
let state: State = 'idle';
let wake: (() => void) | null = null;
/** The state now: messages change it while the training loop awaits, which TypeScript's narrowing cannot see. */
const current = (): State => state;

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'start' && state === 'idle') {
    state = 'running';
    train(m.config).catch((err: unknown) => scope.postMessage({ type: 'error', message: (err as Error).message ?? String(err) })).finally(() => (state = 'idle'));
  } else if (m.type === 'pause' && state === 'running') {
    state = 'paused';
  } else if (m.type === 'resume' && state === 'paused') {
    state = 'running';
    wake?.();
  } else if (m.type === 'stop' && state !== 'idle') {
    state = 'stopping';
    wake?.();
  }
};

function build(cfg: TrainConfig): { model: Module; meta: ModelMeta } {
  if (cfg.model !== 'current') return { model: buildModel(cfg.model), meta: MNIST_META };
  const { model, meta } = decodeModel(cfg.modelBytes!, 'the current model');
  const [c, h, w] = meta.inputShape;
  const out = model.outputShape([1, c, h, w]);
  if (c !== 1 || h !== 28 || w !== 28 || out[1] !== 10) {
    throw new Error(`the current model takes [${meta.inputShape.join(', ')}] and gives ${out[1]} classes; training in the page uses MNIST digits (1 x 28 x 28, 10 classes): pick a built-in model`);
  }
  return { model, meta };
}

async function train(cfg: TrainConfig): Promise<void> {
  manualSeed(cfg.seed);
  const { model, meta } = build(cfg);
  const names = MNIST_META.classNames;
  const trainSet = new ImageDataset(cfg.train.images, cfg.train.labels, [1, 28, 28], names);
  const testSet = new ImageDataset(cfg.test.images, cfg.test.labels, [1, 28, 28], names);
  const loader = new DataLoader(trainSet, { batchSize: cfg.batchSize, shuffle: true, seed: cfg.seed, normalize: meta.normalize, dropLast: true });
  const testLoader = new DataLoader(testSet, { batchSize: 250, normalize: meta.normalize });
  const optimizer = cfg.optimizer === 'adam' ? new Adam(model.parameters(), { lr: cfg.lr }) : new SGD(model.parameters(), { lr: cfg.lr, momentum: 0.9 });
  const conv = [...model.namedModules()].map(([, m]) => m).find((m): m is Conv2d => m instanceof Conv2d) ?? null;
  scope.postMessage({ type: 'started', backend: getBackend().name, threads: (getBackend() as { features?: { threads: number } }).features?.threads ?? 1, parameters: model.numParameters(), stepsPerEpoch: Math.floor(trainSet.length / cfg.batchSize), architecture: model.spec() });
  const sendFilters = (step: number): void => {
    if (conv) scope.postMessage({ type: 'filters', step, weights: conv.weight.data.slice(), shape: [...conv.weight.shape] });
  };
  sendFilters(0);
  // The time machine, as `fovea train --snapshots` keeps it: one fixed test digit, the first conv layer's state every few steps.
  const snapshots = new TrainingSnapshots(model, { ...datasetExample(testSet, 0, meta.normalize), label: testSet.labels[0]! }, { every: SNAPSHOT_EVERY, classNames: names });
  let step = 0;
  let lastYield = performance.now();
  let span = { loss: 0, correct: 0, seen: 0, steps: 0, t0: performance.now() };
  model.train();
  training: for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    for (const { x, y } of loader) {
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((r) => setTimeout(r, 0));
        lastYield = performance.now();
      }
      if (state === 'paused') {
        scope.postMessage({ type: 'paused' });
        await new Promise<void>((r) => (wake = r));
        wake = null;
        if (current() === 'running') scope.postMessage({ type: 'resumed' });
        span.t0 = performance.now();
      }
      if (current() === 'stopping') break training;
      const [loss, correct] = trainStep(model, optimizer, x, y);
      step++;
      snapshots.onStep(step, { epoch, loss, accuracy: correct / y.length });
      span.loss += loss;
      span.correct += correct;
      span.seen += y.length;
      span.steps++;
      if (step % REPORT_EVERY === 0 || step === 1) {
        const seconds = (performance.now() - span.t0) / 1000;
        scope.postMessage({ type: 'progress', step, epoch, loss: span.loss / span.steps, accuracy: span.correct / span.seen, imagesPerSecond: span.seen / Math.max(seconds, 1e-3) });
        span = { loss: 0, correct: 0, seen: 0, steps: 0, t0: performance.now() };
      }
      if (step % FILTERS_EVERY === 0) sendFilters(step);
    }
    const r = evaluate(model, testLoader, 10);
    scope.postMessage({ type: 'eval', step, epoch, testAccuracy: r.accuracy, testLoss: r.loss });
  }
  sendFilters(step);
  model.eval();
  snapshots.finish();
  const bytes = encodeModel(model, { ...meta, training: { ...(meta.training ?? {}), trainedIn: 'the fovea explainer page', data: `MNIST, first ${trainSet.length} training images`, steps: step, optimizer: cfg.optimizer, lr: cfg.lr, batchSize: cfg.batchSize, seed: cfg.seed } });
  scope.postMessage({ type: 'done', reason: current() === 'stopping' ? 'stopped' : 'finished', step, model: bytes, snapshots: snapshots.toJSON() });
}
