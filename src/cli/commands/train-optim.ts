/**
 * The optimiser and learning-rate schedule of `fovea train`, from its
 * options (--optimizer, --lr, --momentum, --weight-decay, --schedule), and
 * what each step takes (--label-smoothing, --clip-grad-norm).
 */
import { Adam, AdamW } from '../../optim/adam.js';
import { CosineAnnealingLR, StepLR, type LRScheduler } from '../../optim/lr-scheduler.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { SGD } from '../../optim/sgd.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { TrainValues } from './train-flags.js';

/** Default learning rates when --lr is not given. */
export const DEFAULT_LR: Record<TrainValues['optimizer'], number> = { sgd: 0.02, adam: 1e-3, adamw: 1e-3 };

/** Default weight decay when --weight-decay is not given. */
const DEFAULT_WEIGHT_DECAY: Record<TrainValues['optimizer'], number> = { sgd: 5e-4, adam: 0, adamw: 0.01 };

type OptimValues = Pick<TrainValues, 'optimizer' | 'lr' | 'momentum' | 'weightDecay'>;

/** The learning rate: --lr, else the optimiser's default. */
export const learningRate = (v: Pick<TrainValues, 'optimizer' | 'lr'>): number => v.lr ?? DEFAULT_LR[v.optimizer];

/**
 * The optimiser named by --optimizer over `params`; `lr` overrides --lr
 * (fine-tuning uses a lower rate than head training).
 */
export function makeOptimizer(v: OptimValues, params: Tensor[], lr = learningRate(v)): Optimizer {
  const weightDecay = v.weightDecay ?? DEFAULT_WEIGHT_DECAY[v.optimizer];
  if (v.optimizer === 'sgd') return new SGD(params, { lr, momentum: v.momentum, weightDecay });
  if (v.optimizer === 'adam') return new Adam(params, { lr, weightDecay });
  return new AdamW(params, { lr, weightDecay });
}

/** What every training step of `fovea train` takes from the options: --label-smoothing and --clip-grad-norm. */
export function stepOptions(v: Pick<TrainValues, 'labelSmoothing' | 'clipGradNorm'>): { labelSmoothing: number; clipGradNorm?: number } {
  return v.clipGradNorm === undefined ? { labelSmoothing: v.labelSmoothing } : { labelSmoothing: v.labelSmoothing, clipGradNorm: v.clipGradNorm };
}

/** The schedule named by --schedule (cosine by default), stepped once per epoch over `epochs`. */
export function makeScheduler(optimizer: Optimizer, epochs: number, v: Pick<TrainValues, 'schedule'>): LRScheduler | undefined {
  if (v.schedule === 'cosine') return new CosineAnnealingLR(optimizer, epochs);
  if (v.schedule === 'step') return new StepLR(optimizer, Math.max(1, Math.floor(epochs / 3)), 0.1);
  return undefined;
}
