/**
 * The optimiser and learning-rate schedule of a training run, by name
 * (`fovea train --optimizer --lr --momentum --weight-decay --schedule`),
 * and what each step takes (label smoothing, gradient clipping).
 */
import { Adam, AdamW } from '../optim/adam.js';
import { CosineAnnealingLR, StepLR, type LRScheduler } from '../optim/lr-scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import type { Tensor } from '../tensor/tensor.js';

export type OptimizerName = 'sgd' | 'adam' | 'adamw';
export type ScheduleName = 'cosine' | 'step' | 'none';

/** Which optimiser, and its settings; a missing `lr` / `weightDecay` takes the optimiser's default. */
export interface OptimizerChoice {
  optimizer: OptimizerName;
  lr?: number | undefined;
  /** SGD's momentum. */
  momentum: number;
  weightDecay?: number | undefined;
}

/** How a run trains, whatever it trains: the optimiser, schedule, epochs, batches and what each step does. */
export interface TrainingSettings extends OptimizerChoice {
  epochs: number;
  batchSize: number;
  /** Seeds the shuffling (and, for a new model, nothing else: seed the weights with `manualSeed`). */
  seed: number;
  schedule: ScheduleName;
  labelSmoothing: number;
  clipGradNorm?: number | undefined;
}

/** Default learning rates when none is given. */
export const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.02, adam: 1e-3, adamw: 1e-3 };

/** Default weight decay when none is given. */
const DEFAULT_WEIGHT_DECAY: Record<OptimizerName, number> = { sgd: 5e-4, adam: 0, adamw: 0.01 };

/** The learning rate: the one given, else the optimiser's default. */
export const learningRate = (o: Pick<OptimizerChoice, 'optimizer' | 'lr'>): number => o.lr ?? DEFAULT_LR[o.optimizer];

/**
 * The chosen optimiser over `params`; `lr` overrides the choice's
 * (fine-tuning uses a lower rate than head training).
 * @example makeOptimizer({ optimizer: 'sgd', momentum: 0.9 }, model.parameters())
 */
export function makeOptimizer(o: OptimizerChoice, params: Tensor[], lr = learningRate(o)): Optimizer {
  const weightDecay = o.weightDecay ?? DEFAULT_WEIGHT_DECAY[o.optimizer];
  if (o.optimizer === 'sgd') return new SGD(params, { lr, momentum: o.momentum, weightDecay });
  if (o.optimizer === 'adam') return new Adam(params, { lr, weightDecay });
  return new AdamW(params, { lr, weightDecay });
}

/** What every training step takes: label smoothing, and gradient clipping when given. */
export function stepOptions(o: { labelSmoothing: number; clipGradNorm?: number | undefined }): { labelSmoothing: number; clipGradNorm?: number } {
  return o.clipGradNorm === undefined ? { labelSmoothing: o.labelSmoothing } : { labelSmoothing: o.labelSmoothing, clipGradNorm: o.clipGradNorm };
}

/** The named schedule, stepped once per epoch over `epochs`; 'none' gives none. */
export function makeScheduler(optimizer: Optimizer, epochs: number, o: { schedule: ScheduleName }): LRScheduler | undefined {
  if (o.schedule === 'cosine') return new CosineAnnealingLR(optimizer, epochs);
  if (o.schedule === 'step') return new StepLR(optimizer, Math.max(1, Math.floor(epochs / 3)), 0.1);
  return undefined;
}
