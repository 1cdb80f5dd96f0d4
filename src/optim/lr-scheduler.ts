/**
 * Learning-rate schedules, stepped once per epoch (or per batch for
 * OneCycleLR), as torch.optim.lr_scheduler.
 */
import type { Optimizer } from './optimizer.js';
import { ValueError } from '../errors.js';

export abstract class LRScheduler {
  /** Number of `step()` calls so far. */
  lastEpoch = 0;
  constructor(readonly optimizer: Optimizer) {}
  /** The learning rate for step count t. */
  abstract lrAt(t: number): number;
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }
  getLastLr(): number {
    return this.optimizer.lr;
  }
}

/** lr = initial * gamma ^ floor(epoch / stepSize). @example new StepLR(opt, 5, 0.1) */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    if (!(stepSize >= 1)) throw new ValueError(`StepLR: stepSize must be >= 1, got ${stepSize}`);
  }
  lrAt(t: number): number {
    return this.optimizer.initialLr * Math.pow(this.gamma, Math.floor(t / this.stepSize));
  }
}

/** Cosine annealing from the initial lr to etaMin over tMax steps. @example new CosineAnnealingLR(opt, epochs) */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax >= 1)) throw new ValueError(`CosineAnnealingLR: tMax must be >= 1, got ${tMax}`);
  }
  lrAt(t: number): number {
    const base = this.optimizer.initialLr;
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * Math.min(t, this.tMax)) / this.tMax))) / 2;
  }
}

/**
 * One-cycle policy (Smith): warm up from maxLr / divFactor to maxLr over
 * pctStart of totalSteps, then cosine-anneal to maxLr / (divFactor * finalDivFactor).
 * Step it once per batch.
 */
export class OneCycleLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly maxLr: number, readonly totalSteps: number,
    readonly pctStart = 0.3, readonly divFactor = 25, readonly finalDivFactor = 1e4) {
    super(optimizer);
    optimizer.lr = maxLr / divFactor;
  }
  lrAt(t: number): number {
    const start = this.maxLr / this.divFactor;
    const end = start / this.finalDivFactor;
    const up = Math.max(1, Math.floor(this.pctStart * this.totalSteps) - 1);
    const cos = (a: number, b: number, f: number): number => b + ((a - b) * (1 + Math.cos(Math.PI * Math.min(1, f)))) / 2;
    if (t <= up) return cos(start, this.maxLr, t / up);
    return cos(this.maxLr, end, (t - up) / Math.max(1, this.totalSteps - 1 - up));
  }
}
