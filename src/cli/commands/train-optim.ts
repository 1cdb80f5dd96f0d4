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
import { UsageError } from '../cli-error.js';
import { num, positive, str } from '../options.js';

/** Default learning rates when --lr is not given. */
export const DEFAULT_LR: Record<string, number> = { sgd: 0.02, adam: 1e-3, adamw: 1e-3 };

/**
 * The optimiser named by --optimizer over `params`; `lr` overrides --lr
 * (fine-tuning uses a lower rate than head training).
 */
export function makeOptimizer(name: string, params: Tensor[], v: Record<string, unknown>, lr?: number): Optimizer {
  const rate = lr ?? num(v, 'lr', DEFAULT_LR[name] ?? 0.02, positive);
  if (name === 'sgd') {
    return new SGD(params, { lr: rate, momentum: num(v, 'momentum', 0.9, (x) => x >= 0 && x < 1), weightDecay: num(v, 'weight-decay', 5e-4, (x) => x >= 0) });
  }
  if (name === 'adam') return new Adam(params, { lr: rate, weightDecay: num(v, 'weight-decay', 0, (x) => x >= 0) });
  if (name === 'adamw') return new AdamW(params, { lr: rate, weightDecay: num(v, 'weight-decay', 0.01, (x) => x >= 0) });
  throw new UsageError(`--optimizer: unknown optimizer '${name}' (sgd, adam, adamw)`);
}

/** What every training step of `fovea train` takes from the options: --label-smoothing and --clip-grad-norm. */
export function stepOptions(v: Record<string, unknown>): { labelSmoothing: number; clipGradNorm?: number } {
  const labelSmoothing = num(v, 'label-smoothing', 0, (x) => x >= 0 && x < 1);
  return v['clip-grad-norm'] === undefined ? { labelSmoothing } : { labelSmoothing, clipGradNorm: num(v, 'clip-grad-norm', 0, (x) => x > 0 && Number.isFinite(x)) };
}

/** The schedule named by --schedule (cosine by default), stepped once per epoch over `epochs`. */
export function makeScheduler(optimizer: Optimizer, epochs: number, v: Record<string, unknown>): LRScheduler | undefined {
  const name = str(v, 'schedule', 'cosine');
  if (name === 'cosine') return new CosineAnnealingLR(optimizer, epochs);
  if (name === 'step') return new StepLR(optimizer, Math.max(1, Math.floor(epochs / 3)), 0.1);
  if (name === 'none') return undefined;
  throw new UsageError(`--schedule: unknown schedule '${name}' (cosine, step, none)`);
}
