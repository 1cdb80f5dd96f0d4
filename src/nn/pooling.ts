import { adaptiveAvgPool2d, avgPool2d, maxPool2d, noDilation, pool2dAttrs, pool2dOutputShape, sumPool2d } from '../tensor/ops/pool.js';
import { pair } from '../tensor/ops/util.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig, type ModuleTraits } from './module.js';

export interface PoolLayerOptions {
  /** Default: kernelSize. */
  stride?: number | [number, number];
  padding?: number | [number, number];
  /** Round the output size up (PyTorch's ceil_mode): a last, partial window where floor mode drops rows. */
  ceilMode?: boolean;
}

export interface MaxPoolLayerOptions extends PoolLayerOptions {
  /** Spacing between a window's taps (PyTorch's dilation; default 1). */
  dilation?: number | [number, number];
}

/**
 * Max pooling layer, PyTorch's nn.MaxPool2d (stride, padding, dilation, ceilMode).
 *
 * Shape: [N, C, H, W] → [N, C, Ho, Wo], Ho = floor((H + 2p - d(k - 1) - 1) / s) + 1; with ceilMode
 * rounded up, less one if the last window would start past H + p (PyTorch's rule). Wo likewise.
 * @example
 * new MaxPool2d(2)                                  // halves H and W
 * new MaxPool2d(3, { stride: 2, ceilMode: true })   // GoogLeNet's pools: 56 → 28 (floor mode: 27)
 */
export class MaxPool2d extends Module {
  static override readonly type = 'MaxPool2d';
  static override readonly traits: ModuleTraits = { sign: 'kept' };
  constructor(readonly kernelSize: number | [number, number], readonly options: MaxPoolLayerOptions = {}) {
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
 * Average pooling layer, PyTorch's nn.AvgPool2d (stride, padding, ceilMode, countIncludePad; no dilation,
 * as in PyTorch).
 *
 * Shape: as MaxPool2d with d = 1.
 * @example
 * new AvgPool2d(2)
 * new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })
 */
export class AvgPool2d extends Module {
  static override readonly type = 'AvgPool2d';
  static override readonly traits: ModuleTraits = { sign: 'kept' };
  constructor(
    readonly kernelSize: number | [number, number],
    readonly options: PoolLayerOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
    noDilation('AvgPool2d', options);
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
    noDilation('SumPool2d', options);
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

function poolRepr(k: number | [number, number], o: MaxPoolLayerOptions & { countIncludePad?: boolean }): string {
  const d = o.dilation;
  return [`kernelSize=${JSON.stringify(k)}`, o.stride !== undefined ? `stride=${JSON.stringify(o.stride)}` : '', o.padding ? `padding=${JSON.stringify(o.padding)}` : '',
    d !== undefined && d !== 1 && JSON.stringify(d) !== '[1,1]' ? `dilation=${JSON.stringify(d)}` : '', o.ceilMode ? 'ceilMode=true' : '',
    o.countIncludePad === false ? 'countIncludePad=false' : '']
    .filter(Boolean).join(', ');
}
