import { ShapeError, fmt } from '../errors.js';
import { linear } from '../tensor/ops/matmul.js';
import { zeros } from '../tensor/ops/creation.js';
import { currentPath } from '../tensor/ops/util.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform_, uniform_ } from './init.js';
import { Module, type ModuleConfig } from './module.js';
import { weightZeros } from './weight-limit.js';

/**
 * Fully connected layer, PyTorch's nn.Linear: y = x @ weight^T + bias.
 *
 * Shape: input [N, inFeatures] → [N, outFeatures]; weight [outFeatures, inFeatures].
 *
 * @example
 * const fc = new Linear(400, 120);
 * fc.forward(x);   // [N, 400] → [N, 120]
 */
export class Linear extends Module {
  static override readonly type = 'Linear';
  static override readonly traits = { head: true };
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    this.weight = this.registerParameter('weight', weightZeros(`Linear(${inFeatures}, ${outFeatures})`, [outFeatures, inFeatures]))!;
    this.bias = this.registerParameter('bias', options.bias === false ? null : zeros([outFeatures]));
    this.resetParameters();
  }

  /** Re-draws the weights as PyTorch initialises them (Kaiming-uniform with a = sqrt(5), bias U(-1/sqrt(in), 1/sqrt(in))). */
  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) uniform_(this.bias, -1 / Math.sqrt(this.inFeatures), 1 / Math.sqrt(this.inFeatures));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 2 || inputShape[1] !== this.inFeatures) {
      throw new ShapeError('linear', `input has ${inputShape.length === 2 ? `${inputShape[1]} features` : `shape ${fmt(inputShape)}`} but weight ${fmt(this.weight.shape)} expects [N, ${this.inFeatures}]${inputShape.length > 2 ? ' (add a Flatten before this layer)' : ''}; input shape ${fmt(inputShape)}`, currentPath());
    }
    return [inputShape[0]!, this.outFeatures];
  }

  override config() {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  static override fromConfig(c: ModuleConfig): Linear {
    const g = c as ReturnType<Linear['config']>;
    return new Linear(g.inFeatures, g.outFeatures, { bias: g.bias ?? true });
  }

  override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'}`;
  }
}
