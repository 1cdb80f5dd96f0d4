/**
 * Activation layers: element-wise non-linearities (shape unchanged) and Softmax.
 */
import { elu, hardtanh, leakyRelu, relu, sigmoid, tanh } from '../tensor/ops/elementwise.js';
import { logSoftmax, softmax } from '../tensor/ops/softmax.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig, type ModuleTraits } from './module.js';

/**
 * What every activation shares: the shape is unchanged, and (unless a
 * subclass says otherwise) it is pointwise, so receptive fields pass
 * through, and it may sit in a classifier head that cutBackbone strips.
 */
abstract class Elementwise extends Module {
  static override readonly traits: ModuleTraits = { pointwise: true, head: true };
  outputShape(s: readonly number[]): number[] {
    return [...s];
  }
}

/** max(x, 0). Shape: unchanged. @example new ReLU().forward(x) */
export class ReLU extends Elementwise {
  static override readonly type = 'ReLU';
  static override readonly traits: ModuleTraits = { ...Elementwise.traits, sign: 'non-negative' };
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x if x > 0 else negativeSlope * x. Shape: unchanged. @example new LeakyReLU(0.1) */
export class LeakyReLU extends Elementwise {
  static override readonly type = 'LeakyReLU';
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override config() {
    return { negativeSlope: this.negativeSlope };
  }
  static override fromConfig(c: ModuleConfig): LeakyReLU {
    return new LeakyReLU((c as ReturnType<LeakyReLU['config']>).negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** Hyperbolic tangent. Shape: unchanged. */
export class Tanh extends Elementwise {
  static override readonly type = 'Tanh';
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** 1 / (1 + exp(-x)). Shape: unchanged. */
export class Sigmoid extends Elementwise {
  static override readonly type = 'Sigmoid';
  static override readonly traits: ModuleTraits = { ...Elementwise.traits, sign: 'non-negative' };
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** Softmax along `dim` (default 1, the class dim). Shape: unchanged. @example new Softmax(1) */
export class Softmax extends Elementwise {
  static override readonly type = 'Softmax';
  // mixes values along `dim`: not pointwise
  static override readonly traits: ModuleTraits = { head: true, sign: 'non-negative' };
  constructor(readonly dim = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override config() {
    return { dim: this.dim };
  }
  static override fromConfig(c: ModuleConfig): Softmax {
    return new Softmax((c as ReturnType<Softmax['config']>).dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim` (default 1). Shape: unchanged. @example new LogSoftmax(1) */
export class LogSoftmax extends Elementwise {
  static override readonly type = 'LogSoftmax';
  // mixes values along `dim`: not pointwise
  static override readonly traits: ModuleTraits = { head: true };
  constructor(readonly dim = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override config() {
    return { dim: this.dim };
  }
  static override fromConfig(c: ModuleConfig): LogSoftmax {
    return new LogSoftmax((c as ReturnType<LogSoftmax['config']>).dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * Clamps to [minVal, maxVal], PyTorch's nn.Hardtanh (ReLU6 is Hardtanh(0, 6);
 * ONNX's Clip). A null bound is no bound. One `hardtanh` kernel pass; no
 * gradient exactly at a bound, as in PyTorch.
 * Shape: unchanged.
 * @example new Hardtanh(0, 6)   // ReLU6, as in MobileNetV2
 */
export class Hardtanh extends Elementwise {
  static override readonly type = 'Hardtanh';
  constructor(readonly minVal: number | null = -1, readonly maxVal: number | null = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    // One pass (ReLU6 was four: relu, affine, relu, affine).
    return hardtanh(x, this.minVal ?? -Infinity, this.maxVal ?? Infinity);
  }
  override config() {
    return { minVal: this.minVal, maxVal: this.maxVal };
  }
  static override fromConfig(c: ModuleConfig): Hardtanh {
    // a missing bound is no bound (null), not the constructor's default ±1
    const g = c as Partial<ReturnType<Hardtanh['config']>>;
    return new Hardtanh(g.minVal ?? null, g.maxVal ?? null);
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/**
 * Exponential linear unit, PyTorch's nn.ELU: x if x > 0 else
 * alpha * (exp(x) - 1). Smooth at 0 when alpha is 1, and saturates at -alpha
 * for large negative x, which pushes mean activations toward zero
 * (Clevert et al. 2015). One `elu` kernel pass.
 *
 * Shape: unchanged (any → the same).
 * @example new ELU()        // alpha 1
 * @example new ELU(0.5).forward(x)
 */
export class ELU extends Elementwise {
  static override readonly type = 'ELU';
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override config() {
    return { alpha: this.alpha };
  }
  static override fromConfig(c: ModuleConfig): ELU {
    return new ELU((c as ReturnType<ELU['config']>).alpha);
  }
  override extraRepr(): string {
    return this.alpha === 1 ? '' : `alpha=${this.alpha}`;
  }
}
