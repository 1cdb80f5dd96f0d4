import { ShapeError, fmt } from '../errors.js';
import { batchNorm2d } from '../tensor/ops/batch-norm.js';
import { ones, zeros } from '../tensor/ops/creation.js';
import { currentPath } from '../tensor/ops/util.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig } from './module.js';

/**
 * Batch normalisation over each channel, PyTorch's nn.BatchNorm2d: learnable
 * weight (1) and bias (0), running mean/var buffers updated with `momentum`
 * in training and used in eval mode.
 *
 * Shape: [N, numFeatures, H, W] → same.
 * @example new BatchNorm2d(32)
 */
export class BatchNorm2d extends Module {
  static override readonly type = 'BatchNorm2d';
  static override readonly traits = { pointwise: true };
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  /**
   * When true the layer normalises with its running statistics and leaves
   * them as they are even in training mode, while its weight and bias still
   * train: fine-tuning a pretrained network on a small data set (Keras's
   * recipe; torchvision's FrozenBatchNorm2d also freezes the affine part).
   * A run-time setting, not saved in model files.
   */
  frozenStats = false;

  constructor(readonly numFeatures: number, readonly options: { eps?: number; momentum?: number } = {}) {
    super();
    this.weight = this.registerParameter('weight', ones([numFeatures]))!;
    this.bias = this.registerParameter('bias', zeros([numFeatures]))!;
    this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
  }

  /** Back to a fresh layer: weight 1, bias 0, running mean 0, running variance 1. */
  resetParameters(): void {
    this.weight.data.fill(1);
    this.bias.data.fill(0);
    this.runningMean.data.fill(0);
    this.runningVar.data.fill(1);
  }

  forward(x: Tensor): Tensor {
    return batchNorm2d(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training && !this.frozenStats,
      ...(this.options.eps !== undefined ? { eps: this.options.eps } : {}),
      ...(this.options.momentum !== undefined ? { momentum: this.options.momentum } : {}),
    });
  }

  outputShape(s: readonly number[]): number[] {
    if (s.length !== 4 || s[1] !== this.numFeatures) {
      throw new ShapeError('batchNorm2d', `expected input [N, ${this.numFeatures}, H, W], got shape ${fmt(s)}`, currentPath());
    }
    return [...s];
  }

  override config() {
    return { numFeatures: this.numFeatures, options: { ...this.options } };
  }

  static override fromConfig(c: ModuleConfig): BatchNorm2d {
    const g = c as ReturnType<BatchNorm2d['config']>;
    return new BatchNorm2d(g.numFeatures, g.options);
  }

  override extraRepr(): string {
    return `${this.numFeatures}`;
  }
}
