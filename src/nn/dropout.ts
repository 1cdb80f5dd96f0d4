import { dropout } from '../tensor/ops/dropout.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig, type ModuleTraits } from './module.js';

/**
 * Dropout, PyTorch's nn.Dropout: in training, zeroes each element with
 * probability p and scales the rest by 1 / (1 - p); identity in eval mode.
 * Shape: unchanged.
 * @example new Dropout(0.5)
 */
export class Dropout extends Module {
  static override readonly type = 'Dropout';
  static override readonly traits: ModuleTraits = { pointwise: true, head: true, sign: 'kept' };
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError(`Dropout: p must be in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  outputShape(s: readonly number[]): number[] {
    return [...s];
  }
  override config() {
    return { p: this.p };
  }
  static override fromConfig(c: ModuleConfig): Dropout {
    return new Dropout((c as ReturnType<Dropout['config']>).p);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
