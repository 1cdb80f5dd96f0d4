import { kernels } from '../backend/configure.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, stateBuffer } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba), as torch.optim.Adam: L2 weight decay is added to the gradient.
 * @example const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly steps: number[];

  constructor(params: Iterable<Tensor>, o: AdamOptions = {}, decoupled = false) {
    super(params, o.lr ?? 1e-3);
    this.betas = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? (decoupled ? 1e-2 : 0);
    this.decoupled = decoupled;
    const [b1, b2] = this.betas;
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new ValueError(`Adam: betas must be in [0, 1), got [${b1}, ${b2}]`);
    this.m = this.params.map(stateBuffer);
    this.v = this.params.map(stateBuffer);
    this.steps = this.params.map(() => 0);
  }

  step(): void {
    const k = kernels();
    this.params.forEach((p, i) => {
      if (!p.grad) return;
      const step = ++this.steps[i]!;
      k.adamStep(p.data, p.grad.data, this.m[i]!, this.v[i]!, {
        lr: this.lr, beta1: this.betas[0], beta2: this.betas[1], eps: this.eps,
        weightDecay: this.weightDecay, decoupled: this.decoupled, step,
      });
    });
    this.stepCount++;
  }

  stateDict(): { step: number; lr: number; buffers: Record<string, Float32Array | null>[] } {
    return {
      step: this.stepCount,
      lr: this.lr,
      buffers: this.params.map((_, i) => ({ m: this.m[i]!.slice(), v: this.v[i]!.slice(), step: Float32Array.of(this.steps[i]!) })),
    };
  }

  loadStateDict(s: { step: number; lr: number; buffers: Record<string, Float32Array | null>[] }): void {
    this.stepCount = s.step;
    this.lr = s.lr;
    s.buffers.forEach((b, i) => {
      if (b['m']) this.m[i]!.set(b['m']);
      if (b['v']) this.v[i]!.set(b['v']);
      if (b['step']) this.steps[i] = b['step'][0]!;
    });
  }
}

/**
 * AdamW (Loshchilov & Hutter): decoupled weight decay (default 0.01), as torch.optim.AdamW.
 * @example const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Adam {
  constructor(params: Iterable<Tensor>, o: AdamOptions = {}) {
    super(params, o, true);
  }
}
