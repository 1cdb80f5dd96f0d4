import { kernels } from '../backend/configure.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, stateBuffer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and L2 weight
 * decay, exactly as torch.optim.SGD.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private bufs: (Float32Array | null)[];
  private started: boolean[];

  constructor(params: Iterable<Tensor>, o: SGDOptions) {
    super(params, o.lr);
    this.momentum = o.momentum ?? 0;
    this.dampening = o.dampening ?? 0;
    this.weightDecay = o.weightDecay ?? 0;
    this.nesterov = o.nesterov ?? false;
    if (this.momentum < 0 || this.weightDecay < 0) throw new ValueError(`SGD: momentum and weightDecay must be >= 0`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ValueError('SGD: Nesterov momentum requires a momentum > 0 and zero dampening');
    }
    this.bufs = this.params.map((p) => (this.momentum !== 0 ? stateBuffer(p) : null));
    this.started = this.params.map(() => false);
  }

  step(): void {
    const k = kernels();
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      k.sgdStep(p.data, p.grad.data, this.bufs[i]!, {
        lr: this.lr, momentum: this.momentum, dampening: this.dampening,
        weightDecay: this.weightDecay, nesterov: this.nesterov, firstStep: !this.started[i],
      });
      this.started[i] = true;
    });
    this.stepCount++;
  }

  stateDict(): { step: number; lr: number; buffers: Record<string, Float32Array | null>[] } {
    return {
      step: this.stepCount,
      lr: this.lr,
      buffers: this.bufs.map((b, i) => ({ momentum: this.started[i] && b ? b.slice() : null })),
    };
  }

  loadStateDict(s: { step: number; lr: number; buffers: Record<string, Float32Array | null>[] }): void {
    this.stepCount = s.step;
    this.lr = s.lr;
    s.buffers.forEach((b, i) => {
      const m = b['momentum'];
      if (m && this.bufs[i]) {
        this.bufs[i]!.set(m);
        this.started[i] = true;
      }
    });
  }
}
