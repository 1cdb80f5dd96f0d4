/**
 * One training run of a built-in model, as `fovea train` runs it: the model,
 * optimiser and schedule built (or restored from a checkpoint), data loaders
 * over the prepared data, `fit` with a checkpoint written atomically at each
 * epoch end, every N steps and when `signal` aborts, the test set evaluated,
 * and the model file saved with its training record. The caller wires
 * Ctrl-C to `signal` and prints progress from the callbacks.
 */
import { unlink } from 'node:fs/promises';
import { DataLoader } from '../data/data-loader.js';
import type { Transform } from '../data/transforms/transform.js';
import { ModelFileError } from '../io/io-error.js';
import { saveModel } from '../io/model-file-node.js';
import { inferenceBatchSize } from '../nn/inference-batch-size.js';
import { buildModel } from '../nn/models.js';
import type { Module } from '../nn/module.js';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { FOVEA_VERSION } from '../version.js';
import type { Checkpoint } from './checkpoint.js';
import { saveCheckpoint } from './checkpoint-node.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { TrainingInterrupted } from './training-interrupted.js';
import { fit, type BatchLog, type EpochLog, type FitState } from './fit.js';
import { makeOptimizer, makeScheduler, stepOptions, type TrainingSettings } from './optimizer-choice.js';
import type { TrainData } from './train-data.js';

export interface TrainRunOptions extends TrainingSettings {
  data: TrainData;
  /** A built-in model (`MODELS`); a resumed run trains the checkpoint's. */
  model: string;
  /** Worker threads that augment batches ahead of the training step (0: in the main thread). */
  workers: number;
  /** The augmentation, and its spec for the model file's record. */
  transform?: Transform | undefined;
  augment?: string | undefined;
  /** The model file to write. */
  out: string;
  /** Where the checkpoint is kept; removed once the model is saved unless `keepCheckpoint`. */
  checkpoint: string;
  checkpointEvery?: number | undefined;
  keepCheckpoint: boolean;
  /** Stored in the checkpoint: what a resume needs besides the state (for `fovea train`, its command line). */
  checkpointOptions: Record<string, unknown>;
  /** Continue this checkpoint's run (read from `file`) exactly where it stopped. */
  resume?: { checkpoint: Checkpoint; file: string } | undefined;
  /** The backend in use, for the model file's record. */
  compute: { backend: string; threads: number };
  /** Aborting it finishes the current step, writes the checkpoint and throws TrainingInterrupted. */
  signal?: AbortSignal;
  /** Keep the N most confident test images of every confusion-matrix cell (`test.examples`), for the report. */
  examplesPerCell?: number | undefined;
}

export interface TrainRunCallbacks {
  /** Before the first step: the model's size and the batches per epoch. */
  onStart?: (info: { model: Module; trainBatches: number }) => void;
  onBatchEnd?: (b: BatchLog) => void;
  onEpochEnd?: (e: EpochLog) => void;
  /**
   * After training, before the test evaluation and before the save. Awaited:
   * the CLI's test hook waits there for a Ctrl-C.
   */
  onPhase?: (phase: 'test' | 'save') => void | Promise<void>;
}

export interface TrainRunResult {
  model: Module;
  history: EpochLog[];
  bestEpoch: number;
  bestValAccuracy: number | undefined;
  /** On the data's test part; null without one. */
  test: EvalResult | null;
  /** Seconds of training (without the test evaluation). */
  seconds: number;
}

/**
 * Trains, evaluates and saves as described above.
 * @throws {TrainingInterrupted} when `signal` aborted the run (its checkpoint is written), also
 *   during the final test evaluation (no model file) or the save (the file is complete).
 * @throws {ModelFileError} when a resumed checkpoint does not fit the data or the options.
 */
export async function trainRun(o: TrainRunOptions, cb: TrainRunCallbacks = {}): Promise<TrainRunResult> {
  const { data, epochs, resume } = o;
  const { train, val, test, normalize, inputShape } = data;
  const numClasses = data.classNames.length;
  const model = resume ? resume.checkpoint.model : buildModel(o.model, { inputShape, numClasses });
  const optimizer = makeOptimizer(o, model.parameters());
  const scheduler = makeScheduler(optimizer, epochs, o);
  const meta = { inputShape, normalize, classNames: [...data.classNames], ...(data.fit ? { fit: data.fit } : {}) };
  if (resume) restore(resume.checkpoint, resume.file, optimizer, scheduler, meta);
  let saved: FitState | undefined; // the last checkpoint written
  const writeCheckpoint = async (state: FitState): Promise<void> => {
    await saveCheckpoint(o.checkpoint, {
      model, meta, options: o.checkpointOptions, optimizer: optimizer.stateDict(),
      scheduler: scheduler ? { lastEpoch: scheduler.lastEpoch } : null, fit: state,
    });
    saved = state;
  };
  const trainLoader = new DataLoader(train, {
    batchSize: o.batchSize, shuffle: true, seed: o.seed, normalize, ...(o.transform ? { transform: o.transform } : {}), numWorkers: o.workers, persistentWorkers: o.workers > 0,
  });
  const evalBatch = inferenceBatchSize(model, inputShape);
  const valLoader = val ? new DataLoader(val, { batchSize: evalBatch, normalize }) : undefined;
  const testLoader = test ? new DataLoader(test, { batchSize: evalBatch, normalize }) : undefined;
  cb.onStart?.({ model, trainBatches: trainLoader.length });

  const t0 = performance.now();
  let result: Awaited<ReturnType<typeof fit>>;
  try {
    result = await fit(model, {
      epochs, optimizer, train: trainLoader, ...(valLoader ? { val: valLoader } : {}), numClasses,
      ...(scheduler ? { scheduler } : {}), ...stepOptions(o),
      ...(resume ? { resume: resume.checkpoint.fit } : {}), ...(o.checkpointEvery ? { checkpointEvery: o.checkpointEvery } : {}),
      ...(o.signal ? { signal: o.signal } : {}), onCheckpoint: writeCheckpoint,
      ...(cb.onBatchEnd ? { onBatchEnd: cb.onBatchEnd } : {}), ...(cb.onEpochEnd ? { onEpochEnd: cb.onEpochEnd } : {}),
    });
  } finally {
    await trainLoader.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  // Ctrl-C from here on: the last epoch's checkpoint (written by fit) stays, and resuming it
  // redoes only the evaluation and the save. During the test evaluation: no model file is written.
  // During the save: the file is completed (atomically), and the checkpoint is kept.
  const interrupted = async (phase: 'test' | 'save'): Promise<TrainingInterrupted> => {
    // A resumed run that was already past its last epoch wrote no checkpoint in fit: write it here.
    if (!saved) await writeCheckpoint(resume!.checkpoint.fit);
    return new TrainingInterrupted(saved!, phase);
  };
  await cb.onPhase?.('test');
  const testResult = testLoader ? evaluate(model, testLoader, numClasses, o.examplesPerCell ? { examplesPerCell: o.examplesPerCell } : {}) : null;
  if (o.signal?.aborted) throw await interrupted('test');
  await cb.onPhase?.('save');
  await saveModel(o.out, model, {
    ...meta,
    training: {
      dataset: data.source, model: o.model, epochs: result.history.length, batchSize: o.batchSize, optimizer: o.optimizer, seed: o.seed,
      bestEpoch: result.bestEpoch, valAccuracy: result.bestValAccuracy ?? null, testAccuracy: testResult?.accuracy ?? null,
      ...(o.augment ? { augment: o.augment } : {}), ...data.extra,
      seconds, backend: o.compute.backend, threads: o.compute.threads, date: new Date().toISOString(), fovea: FOVEA_VERSION,
    },
  });
  if (o.signal?.aborted) throw await interrupted('save');
  if (!o.keepCheckpoint) await unlink(o.checkpoint).catch(() => undefined);
  return { model, history: result.history, bestEpoch: result.bestEpoch, bestValAccuracy: result.bestValAccuracy, test: testResult, seconds };
}

/** Puts the checkpoint's optimiser and scheduler state into the freshly built ones, after checking it fits the data. */
function restore(ckpt: Checkpoint, file: string, optimizer: Optimizer, scheduler: LRScheduler | undefined, meta: { inputShape: number[]; classNames: string[] }): void {
  try {
    optimizer.loadStateDict(ckpt.optimizer);
  } catch (e) {
    throw new ModelFileError(file, `the optimizer state does not fit the model: ${(e as Error).message}`);
  }
  if ((ckpt.scheduler === null) !== (scheduler === undefined)) throw new ModelFileError(file, 'the scheduler state does not match --schedule');
  if (scheduler && ckpt.scheduler) scheduler.lastEpoch = ckpt.scheduler.lastEpoch;
  if (JSON.stringify([ckpt.meta.inputShape, ckpt.meta.classNames]) !== JSON.stringify([meta.inputShape, meta.classNames])) {
    throw new ModelFileError(file, `the checkpoint's run had classes [${ckpt.meta.classNames.join(', ')}] of ${ckpt.meta.inputShape.join('x')} images, but the data now gives [${meta.classNames.join(', ')}] of ${meta.inputShape.join('x')}; has the data changed?`);
  }
}
