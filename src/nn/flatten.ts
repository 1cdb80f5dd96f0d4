import { flatten } from '../tensor/ops/shape.js';
import { normDim } from '../tensor/ops/util.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig, type ModuleTraits } from './module.js';

/**
 * Flattens dims startDim..endDim (default: all but the batch dim), PyTorch's nn.Flatten.
 *
 * Shape: [N, C, H, W] → [N, C * H * W].
 * @example new Flatten().outputShape([8, 16, 5, 5])   // [8, 400]
 */
export class Flatten extends Module {
  static override readonly type = 'Flatten';
  static override readonly traits: ModuleTraits = { sign: 'kept' };
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  outputShape(s: readonly number[]): number[] {
    const a = normDim('flatten', this.startDim, s.length, s);
    const b = normDim('flatten', this.endDim, s.length, s);
    return [...s.slice(0, a), s.slice(a, b + 1).reduce((p, d) => p * d, 1), ...s.slice(b + 1)];
  }
  override config() {
    return { startDim: this.startDim, endDim: this.endDim };
  }
  static override fromConfig(c: ModuleConfig): Flatten {
    const g = c as ReturnType<Flatten['config']>;
    return new Flatten(g.startDim, g.endDim);
  }
}
