import { adaptiveAvgPool2d, avgPool2d, maxPool2d, pool2dAttrs, pool2dOutputShape, sumPool2d } from '../tensor/ops/pool.js';
import { pair } from '../tensor/ops/util.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig, type ModuleTraits } from './module.js';

export interface PoolLayerOptions {
  /** Default: kernelSize. */
  stride?: number | [number, number];
  padding?: number | [number, number];
}

/**
 * Max pooling layer, PyTorch's nn.MaxPool2d (floor mode).
 *
 * Shape: [N, C, H, W] → [N, C, floor((H + 2p - k) / s) + 1, floor((W + 2p - k) / s) + 1].
 * @example new MaxPool2d(2)   // halves H and W
 */
export class MaxPool2d extends Module {
  static override readonly type = 'MaxPool2d';
  static override readonly traits: ModuleTraits = { sign: 'kept' };
  constructor(readonly kernelSize: number | [number, number], readonly options: PoolLayerOptions = {}) {
    super();
    pool2dAttrs('MaxPool2d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
  outputShape(s: readonly number[]): number[] {
    return pool2dOutputShape('maxPool2d', s, pool2dAttrs('maxPool2d', this.kernelSize, this.options));
  }
  override config() {
    return { kernelSize: this.kernelSize, options: { ...this.options } };
  }
  static override fromConfig(c: ModuleConfig): MaxPool2d {
    const g = c as ReturnType<MaxPool2d['config']>;
    return new MaxPool2d(g.kernelSize, g.options);
  }
  override extraRepr(): string {
    return poolRepr(this.kernelSize, this.options);
  }
}

/**
 * Average pooling layer, PyTorch's nn.AvgPool2d. Shape as MaxPool2d.
 * @example new AvgPool2d(2)
 */
export class AvgPool2d extends Module {
  static override readonly type = 'AvgPool2d';
  static override readonly traits: ModuleTraits = { sign: 'kept' };
  constructor(
    readonly kernelSize: number | [number, number],
    readonly options: PoolLayerOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
    pool2dAttrs('AvgPool2d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
  outputShape(s: readonly number[]): number[] {
    return pool2dOutputShape('avgPool2d', s, pool2dAttrs('avgPool2d', this.kernelSize, this.options));
  }
  override config() {
    return { kernelSize: this.kernelSize, options: { ...this.options } };
  }
  static override fromConfig(c: ModuleConfig): AvgPool2d {
    const g = c as ReturnType<AvgPool2d['config']>;
    return new AvgPool2d(g.kernelSize, g.options);
  }
  override extraRepr(): string {
    return poolRepr(this.kernelSize, this.options);
  }
}

/**
 * Sum pooling: each output is the sum of its window (the third pooling of the
 * classic CNN tutorial, beside max and average). Shape as MaxPool2d.
 * @example new SumPool2d(2)
 */
export class SumPool2d extends Module {
  static override readonly type = 'SumPool2d';
  static override readonly traits: ModuleTraits = { sign: 'kept' };
  constructor(readonly kernelSize: number | [number, number], readonly options: PoolLayerOptions = {}) {
    super();
    pool2dAttrs('SumPool2d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return sumPool2d(x, this.kernelSize, this.options);
  }
  outputShape(s: readonly number[]): number[] {
    return pool2dOutputShape('sumPool2d', s, pool2dAttrs('sumPool2d', this.kernelSize, this.options));
  }
  override config() {
    return { kernelSize: this.kernelSize, options: { ...this.options } };
  }
  static override fromConfig(c: ModuleConfig): SumPool2d {
    const g = c as ReturnType<SumPool2d['config']>;
    return new SumPool2d(g.kernelSize, g.options);
  }
  override extraRepr(): string {
    return poolRepr(this.kernelSize, this.options);
  }
}

/**
 * Adaptive average pooling, PyTorch's nn.AdaptiveAvgPool2d.
 * Shape: [N, C, H, W] → [N, C, oh, ow].
 * @example new AdaptiveAvgPool2d(1)   // global average pooling
 */
export class AdaptiveAvgPool2d extends Module {
  static override readonly type = 'AdaptiveAvgPool2d';
  static override readonly traits: ModuleTraits = { sign: 'kept' };
  constructor(readonly outputSize: number | [number, number]) {
    super();
    pair('AdaptiveAvgPool2d', 'outputSize', outputSize);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  outputShape(s: readonly number[]): number[] {
    const [oh, ow] = pair('adaptiveAvgPool2d', 'outputSize', this.outputSize);
    return [s[0]!, s[1]!, oh, ow];
  }
  override config() {
    return { outputSize: this.outputSize };
  }
  static override fromConfig(c: ModuleConfig): AdaptiveAvgPool2d {
    return new AdaptiveAvgPool2d((c as ReturnType<AdaptiveAvgPool2d['config']>).outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

function poolRepr(k: number | [number, number], o: PoolLayerOptions): string {
  return [`kernelSize=${JSON.stringify(k)}`, o.stride !== undefined ? `stride=${JSON.stringify(o.stride)}` : '', o.padding ? `padding=${JSON.stringify(o.padding)}` : '']
    .filter(Boolean).join(', ');
}
