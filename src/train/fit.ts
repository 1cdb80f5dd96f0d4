/**
 * The training loop: epochs of mini-batch SGD with validation after each
 * epoch, callbacks, early stopping and best-weights keeping. Each step runs
 * in a scope(), so memory stays flat however long the run.
 */
import type { DataLoader } from '../data/data-loader.js';
import type { Module } from '../nn/module.js';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { ValueError } from '../tensor/errors.js';
import { crossEntropy } from '../tensor/ops/loss.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { evaluate, type EvalResult } from './evaluate.js';

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
}

export interface BatchLog {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface FitOptions {
  epochs: number;
  optimizer: Optimizer;
  train: DataLoader;
  val?: DataLoader;
  numClasses: number;
  /** Stepped once per epoch. */
  scheduler?: LRScheduler;
  labelSmoothing?: number;
  /** Stop when validation accuracy has not improved for this many epochs. */
  earlyStoppingPatience?: number;
  /** Restore the weights of the best validation epoch at the end (default true when val is given). */
  keepBest?: boolean;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog, val: EvalResult | undefined) => void | Promise<void>;
}

export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValAccuracy: number | undefined;
}

/** One optimisation step on a batch; returns [loss, correct]. */
export function trainStep(model: Module, optimizer: Optimizer, x: Tensor, y: Int32Array, labelSmoothing = 0): [number, number] {
  return scope(() => {
    optimizer.zeroGrad(false);
    const logits = model.forward(x);
    const loss = crossEntropy(logits, y, { labelSmoothing });
    const value = loss.item();
    if (!Number.isFinite(value)) {
      throw new ValueError(`training diverged: loss is ${value}; lower the learning rate (now ${optimizer.lr})`);
    }
    loss.backward();
    optimizer.step();
    const c = logits.shape[1]!;
    const d = logits.data;
    let correct = 0;
    for (let i = 0; i < y.length; i++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (d[i * c + k]! > d[i * c + best]!) best = k;
      if (best === y[i]) correct++;
    }
    return [value, correct];
  });
}

/**
 * Trains `model`.
 * @example
 * const { history } = await fit(model, { epochs: 10, optimizer, train, val, numClasses: 10 });
 */
export async function fit(model: Module, o: FitOptions): Promise<FitResult> {
  const history: EpochLog[] = [];
  let best: { epoch: number; acc: number; state: Map<string, Float32Array> } | null = null;
  let sinceBest = 0;
  const keepBest = o.keepBest ?? o.val !== undefined;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    model.train();
    const t0 = performance.now();
    let lossSum = 0, correct = 0, seen = 0, b = 0;
    for (const { x, y } of o.train) {
      const [l, c] = trainStep(model, o.optimizer, x, y, o.labelSmoothing ?? 0);
      lossSum += l * y.length;
      correct += c;
      seen += y.length;
      b++;
      o.onBatchEnd?.({
        epoch, batch: b, batches: o.train.length, loss: lossSum / seen, accuracy: correct / seen,
        imagesPerSecond: seen / ((performance.now() - t0) / 1000),
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    const lr = o.optimizer.lr;
    o.scheduler?.step();
    const val = o.val ? evaluate(model, o.val, o.numClasses) : undefined;
    const log: EpochLog = {
      epoch, trainLoss: lossSum / Math.max(1, seen), trainAccuracy: correct / Math.max(1, seen), lr, seconds,
      imagesPerSecond: seen / seconds,
      ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
    };
    history.push(log);
    await o.onEpochEnd?.(log, val);
    if (val) {
      if (!best || val.accuracy > best.acc) {
        best = { epoch, acc: val.accuracy, state: keepBest ? snapshot(model) : new Map() };
        sinceBest = 0;
      } else if (o.earlyStoppingPatience !== undefined && ++sinceBest >= o.earlyStoppingPatience) {
        break;
      }
    }
  }
  if (best && keepBest && best.epoch !== history.length) restore(model, best.state);
  return { history, bestEpoch: best?.epoch ?? history.length, bestValAccuracy: best?.acc };
}

function snapshot(model: Module): Map<string, Float32Array> {
  return new Map([...model.stateDict()].map(([k, t]) => [k, t.data.slice()]));
}

function restore(model: Module, state: Map<string, Float32Array>): void {
  for (const [k, t] of model.stateDict()) {
    const s = state.get(k);
    if (s) t.data.set(s);
  }
}
