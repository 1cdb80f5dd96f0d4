/**
 * The training loop: epochs of mini-batch SGD with validation after each
 * epoch, callbacks, early stopping and best-weights keeping. Each step runs
 * in a scope(), so memory stays flat however long the run. A run can be
 * stopped between two steps and continued bit for bit: `onCheckpoint` hands
 * out a {@link FitState}, and `resume` takes it back.
 */
import type { BatchSource } from '../data/batch-source.js';
import type { Module } from '../nn/module.js';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import { clipGradNorm_ } from '../optim/clip-grad.js';
import type { Optimizer } from '../optim/optimizer.js';
import { ValueError } from '../errors.js';
import { crossEntropy } from '../tensor/ops/loss.js';
import { defaultGenerator } from '../util/random.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { evaluateAsync, type EvalResult } from './evaluate.js';
import { TrainingInterrupted } from './training-interrupted.js';

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
  /**
   * The training batches: a `DataLoader` (with or without worker threads),
   * or any {@link BatchSource}. Its generator's state is what checkpoints save.
   */
  train: BatchSource;
  /** Evaluated after every epoch. */
  val?: BatchSource;
  numClasses: number;
  /** Stepped once per epoch. */
  scheduler?: LRScheduler;
  labelSmoothing?: number;
  /**
   * Rescales the gradients before each step so that their joint L2 norm is at
   * most this (`torch.nn.utils.clip_grad_norm_`). Fine-tuning a pretrained
   * network whose batch norms are fixed (or folded into its convolutions)
   * with SGD can blow up within a few steps without it.
   */
  clipGradNorm?: number;
  /** Stop when validation accuracy has not improved for this many epochs. */
  earlyStoppingPatience?: number;
  /** Restore the weights of the best validation epoch at the end (default true when val is given). */
  keepBest?: boolean;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog, val: EvalResult | undefined) => void | Promise<void>;
  /**
   * Continues a run from a state that `onCheckpoint` handed out. The
   * optimiser's and scheduler's state are the caller's to restore
   * (`optimizer.loadStateDict`, `scheduler.lastEpoch`).
   */
  resume?: FitState;
  /**
   * Receives the state to save: at each epoch end (`'epoch'`), after every
   * `checkpointEvery` optimiser steps (`'batch'`) and when `signal` stops the
   * run (`'interrupt'`). Awaited before training goes on.
   */
  onCheckpoint?: (state: FitState, reason: 'batch' | 'epoch' | 'interrupt') => void | Promise<void>;
  /** Optimiser steps between two `'batch'` checkpoints (default: none). */
  checkpointEvery?: number;
  /**
   * Stops the run after the current step once aborted (e.g. from a SIGINT
   * handler): `onCheckpoint(state, 'interrupt')`, then {@link TrainingInterrupted}
   * is thrown. With a signal, fit yields to the event loop after every step
   * so that the handler gets to run.
   */
  signal?: AbortSignal;
}

/**
 * Where a run stands between two steps: with the optimiser and scheduler
 * state, everything needed to continue it exactly. Plain data (arrays,
 * numbers), so a checkpoint file can hold it.
 */
export interface FitState {
  /** The epoch in progress (1-based); `epochs + 1` when the run is over. */
  epoch: number;
  /** Batches of `epoch` already done (0 at an epoch boundary). */
  batch: number;
  /** The training loader's generator at the start of `epoch`, before the epoch's permutation was drawn. */
  loaderState: number[];
  /** The default generator (dropout, initialisation) now. */
  rngState: number[];
  /** Sums over the batches of `epoch` done so far, so its log comes out as in an uninterrupted run. */
  running: { lossSum: number; correct: number; seen: number };
  history: EpochLog[];
  /** The best validation epoch so far and the epochs since it (early stopping). */
  best: { epoch: number; valAccuracy: number; sinceBest: number } | null;
  /** That epoch's weights and buffers by name (only when keepBest). */
  bestWeights: Map<string, Float32Array> | null;
}

export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValAccuracy: number | undefined;
}

/** One optimisation step on a batch; returns [loss, correct]. */
export function trainStep(model: Module, optimizer: Optimizer, x: Tensor, y: Int32Array, labelSmoothing = 0, clipGradNorm?: number): [number, number] {
  return scope(() => {
    optimizer.zeroGrad(false);
    const logits = model.forward(x);
    const loss = crossEntropy(logits, y, { labelSmoothing });
    const value = loss.item();
    if (!Number.isFinite(value)) {
      throw new ValueError(`training diverged: loss is ${value}; lower the learning rate (now ${optimizer.lr})`);
    }
    loss.backward();
    if (clipGradNorm !== undefined) clipGradNorm_(optimizer.params, clipGradNorm);
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
 * @example
 * // Continue a run saved by onCheckpoint (after optimizer.loadStateDict(...)):
 * await fit(model, { epochs: 10, optimizer, train, numClasses: 10, resume: state });
 */
export async function fit(model: Module, o: FitOptions): Promise<FitResult> {
  if (o.clipGradNorm !== undefined && !(o.clipGradNorm > 0 && Number.isFinite(o.clipGradNorm))) throw new ValueError(`fit: clipGradNorm must be a positive number, got ${o.clipGradNorm}`);
  const r = o.resume;
  if (r) checkResume(r, o.train.length);
  const history: EpochLog[] = r ? [...r.history] : [];
  let best: { epoch: number; acc: number; state: Map<string, Float32Array> } | null =
    r?.best ? { epoch: r.best.epoch, acc: r.best.valAccuracy, state: r.bestWeights ?? new Map() } : null;
  let sinceBest = r?.best?.sinceBest ?? 0;
  const keepBest = o.keepBest ?? o.val !== undefined;
  if (r) {
    o.train.generator.setState(r.loaderState);
    defaultGenerator.setState(r.rngState);
  }
  for (let epoch = r?.epoch ?? 1; epoch <= o.epochs; epoch++) {
    model.train();
    const t0 = performance.now();
    const startBatch = r && epoch === r.epoch ? r.batch : 0;
    const loaderState = o.train.generator.getState();
    let { lossSum, correct, seen } = startBatch > 0 ? r!.running : { lossSum: 0, correct: 0, seen: 0 };
    let b = startBatch, seenHere = 0;
    const state = (): FitState => ({
      epoch, batch: b, loaderState, rngState: defaultGenerator.getState(), running: { lossSum, correct, seen },
      history: [...history], best: best ? { epoch: best.epoch, valAccuracy: best.acc, sinceBest } : null,
      bestWeights: best && keepBest ? best.state : null,
    });
    // for await: a DataLoader with worker threads hands out batches as they are ready
    for await (const { x, y } of o.train.batches(startBatch)) {
      const [l, c] = trainStep(model, o.optimizer, x, y, o.labelSmoothing ?? 0, o.clipGradNorm);
      lossSum += l * y.length;
      correct += c;
      seen += y.length;
      seenHere += y.length;
      b++;
      o.onBatchEnd?.({
        epoch, batch: b, batches: o.train.length, loss: lossSum / seen, accuracy: correct / seen,
        imagesPerSecond: seenHere / ((performance.now() - t0) / 1000),
      });
      if (o.signal) await yieldToEventLoop();
      if (o.signal?.aborted) {
        const s = state();
        await o.onCheckpoint?.(s, 'interrupt');
        throw new TrainingInterrupted(s);
      }
      const every = o.checkpointEvery;
      if (every && b < o.train.length && o.optimizer.stepCount % every === 0) await o.onCheckpoint?.(state(), 'batch');
    }
    const seconds = (performance.now() - t0) / 1000;
    const lr = o.optimizer.lr;
    o.scheduler?.step();
    const val = o.val ? await evaluateAsync(model, o.val, o.numClasses) : undefined;
    const log: EpochLog = {
      epoch, trainLoss: lossSum / Math.max(1, seen), trainAccuracy: correct / Math.max(1, seen), lr, seconds,
      imagesPerSecond: seenHere / seconds,
      ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
    };
    history.push(log);
    await o.onEpochEnd?.(log, val);
    let stop = false;
    if (val) {
      if (!best || val.accuracy > best.acc) {
        best = { epoch, acc: val.accuracy, state: keepBest ? snapshot(model) : new Map() };
        sinceBest = 0;
      } else if (o.earlyStoppingPatience !== undefined && ++sinceBest >= o.earlyStoppingPatience) {
        stop = true;
      }
    }
    if (o.onCheckpoint) {
      // The next epoch starts here: its loader state is the generator's now.
      const next = { ...state(), epoch: stop ? o.epochs + 1 : epoch + 1, batch: 0, loaderState: o.train.generator.getState(), running: { lossSum: 0, correct: 0, seen: 0 } };
      await o.onCheckpoint(next, 'epoch');
    }
    if (stop) break;
  }
  if (best && keepBest && best.epoch !== history.length) restore(model, best.state);
  return { history, bestEpoch: best?.epoch ?? history.length, bestValAccuracy: best?.acc };
}

function checkResume(r: FitState, batches: number): void {
  const ok = Number.isInteger(r.epoch) && r.epoch >= 1 && Number.isInteger(r.batch) && r.batch >= 0 && r.batch <= batches &&
    r.history.length <= r.epoch - 1;
  if (!ok) {
    throw new ValueError(`fit: cannot resume at epoch ${r.epoch}, batch ${r.batch} with ${r.history.length} epochs of history and ${batches} batches per epoch; was the checkpoint made with another data set or batch size?`);
  }
}

/** Lets pending events (a SIGINT handler) run between two synchronous steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
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
