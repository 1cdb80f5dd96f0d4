/**
 * Training a classifier head on cached backbone features: the step that
 * `fovea train --freeze-backbone` and `--cross-validate` share. The head
 * learns on standardised features (zero mean, unit variance per feature, from
 * the training set); the standardisation is then folded into its last linear
 * layer, so the head takes raw features as the backbone gives them.
 */
import { Dropout } from '../nn/dropout.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import type { EvalResult } from './evaluate.js';
import { evaluate } from './evaluate.js';
import { FeatureLoader, featureStats, foldStandardization, standardize, type FeatureSet } from './feature-cache.js';
import { fit, type BatchLog, type EpochLog, type FitResult } from './fit.js';
import { makeOptimizer, makeScheduler, stepOptions, type TrainingSettings } from './optimizer-choice.js';

/** How {@link trainHead} trains. */
export interface TrainHeadOptions extends TrainingSettings {
  numClasses: number;
  /** A head to train (its last child must be the `Linear` given as `fc`); default `Dropout(dropout) → Linear(dim, numClasses)`. */
  head?: { head: Sequential; fc: Linear };
  /** Dropout before the linear layer of the default head (default 0.2). */
  dropout?: number;
  /** Evaluated after every epoch; the best epoch's weights are kept. */
  val?: FeatureSet | null;
  /** Evaluated once at the end. */
  test?: FeatureSet | null;
  onBatchEnd?: (b: BatchLog) => void;
  onEpochEnd?: (e: EpochLog) => void;
}

/** What {@link trainHead} gives. */
export interface TrainedHead {
  /** Takes the backbone's raw features (the standardisation is folded in). */
  head: Sequential;
  fc: Linear;
  fit: FitResult;
  /** On `test`, when given. */
  test: EvalResult | null;
}

/**
 * Trains a head on `train` (features of a frozen backbone). `train`, `val`
 * and `test` are standardised in place with `train`'s statistics.
 *
 * Shape: features `[N, D]` → head logits `[N, numClasses]`.
 * @example
 * const { head, test } = await trainHead(trainF, { optimizer: 'adam', momentum: 0.9, epochs: 30, batchSize: 32,
 *   schedule: 'cosine', labelSmoothing: 0, seed: 1, numClasses: 5, test: testF });
 */
export async function trainHead(train: FeatureSet, o: TrainHeadOptions): Promise<TrainedHead> {
  const stats = featureStats(train);
  for (const f of [train, o.val, o.test]) if (f) standardize(f, stats);
  const made = o.head ?? (() => {
    const fc = new Linear(train.dim, o.numClasses);
    return { fc, head: new Sequential({ dropout: new Dropout(o.dropout ?? 0.2), fc }) };
  })();
  const optimizer = makeOptimizer(o, made.head.parameters());
  const scheduler = makeScheduler(optimizer, o.epochs, o);
  const r = await fit(made.head, {
    epochs: o.epochs, optimizer, numClasses: o.numClasses, train: new FeatureLoader(train, { batchSize: o.batchSize, shuffle: true, seed: o.seed }),
    ...(o.val ? { val: new FeatureLoader(o.val, { batchSize: 256 }) } : {}), ...(scheduler ? { scheduler } : {}),
    ...stepOptions(o),
    ...(o.onBatchEnd ? { onBatchEnd: o.onBatchEnd } : {}), ...(o.onEpochEnd ? { onEpochEnd: o.onEpochEnd } : {}),
  });
  const test = o.test ? evaluate(made.head, new FeatureLoader(o.test, { batchSize: 256 }), o.numClasses) : null;
  foldStandardization(made.fc.weight, made.fc.bias, stats);
  return { head: made.head, fc: made.fc, fit: r, test };
}
