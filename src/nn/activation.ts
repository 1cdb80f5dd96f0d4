/**
 * Activation layers: element-wise non-linearities (shape unchanged) and Softmax.
 */
import { elu, hardtanh, leakyRelu, relu, sigmoid, tanh } from '../tensor/ops/elementwise.js';
import { logSoftmax, softmax } from '../tensor/ops/softmax.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleSpec } from './module.js';

abstract class Elementwise extends Module {
  outputShape(s: readonly number[]): number[] {
    return [...s];
  }
  spec(): ModuleSpec {
    return { type: this.constructor.name };
  }
}

/** max(x, 0). Shape: unchanged. @example new ReLU().forward(x) */
export class ReLU extends Elementwise {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x if x > 0 else negativeSlope * x. Shape: unchanged. @example new LeakyReLU(0.1) */
export class LeakyReLU extends Elementwise {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override spec(): ModuleSpec {
    return { type: 'LeakyReLU', args: { negativeSlope: this.negativeSlope } };
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** Hyperbolic tangent. Shape: unchanged. */
export class Tanh extends Elementwise {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** 1 / (1 + exp(-x)). Shape: unchanged. */
export class Sigmoid extends Elementwise {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** Softmax along `dim` (default 1, the class dim). Shape: unchanged. @example new Softmax(1) */
export class Softmax extends Elementwise {
  constructor(readonly dim = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override spec(): ModuleSpec {
    return { type: 'Softmax', args: { dim: this.dim } };
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(softmax(x)) along `dim` (default 1). Shape: unchanged. @example new LogSoftmax(1) */
export class LogSoftmax extends Elementwise {
  constructor(readonly dim = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override spec(): ModuleSpec {
    return { type: 'LogSoftmax', args: { dim: this.dim } };
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
  constructor(readonly minVal: number | null = -1, readonly maxVal: number | null = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    // One pass (ReLU6 was four: relu, affine, relu, affine).
    return hardtanh(x, this.minVal ?? -Infinity, this.maxVal ?? Infinity);
  }
  override spec(): ModuleSpec {
    return { type: 'Hardtanh', args: { minVal: this.minVal, maxVal: this.maxVal } };
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
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override spec(): ModuleSpec {
    return { type: 'ELU', args: { alpha: this.alpha } };
  }
  override extraRepr(): string {
    return this.alpha === 1 ? '' : `alpha=${this.alpha}`;
  }
}
