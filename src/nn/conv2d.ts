import { conv2d, conv2dAttrs, conv2dOutputShape, type Conv2dPadding } from '../tensor/ops/conv.js';
import { zeros } from '../tensor/ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkGroups, kernelPair, kernelRepr, resetConvParameters } from './conv-layer.js';
import { Module, type ModuleConfig } from './module.js';
import { weightZeros } from './weight-limit.js';

export interface Conv2dLayerOptions {
  stride?: number | [number, number];
  /** A number, [padH, padW], 'same' or 'valid'. Default 0. */
  padding?: Conv2dPadding;
  dilation?: number | [number, number];
  groups?: number;
  /** Learnable bias (default true). */
  bias?: boolean;
}

/**
 * 2-D convolution layer, PyTorch's nn.Conv2d.
 *
 * Weight `[outChannels, inChannels / groups, kH, kW]`, bias `[outChannels]`,
 * both initialised as PyTorch does (Kaiming-uniform, a = sqrt(5)).
 *
 * Shape: input [N, inChannels, H, W] → [N, outChannels, Ho, Wo],
 * Ho = floor((H + 2 * padding - dilation * (kH - 1) - 1) / stride) + 1.
 *
 * @example
 * const conv = new Conv2d(1, 6, 5, { padding: 2 });   // LeNet's first layer
 * conv.forward(x);                                     // [N, 1, 28, 28] → [N, 6, 28, 28]
 */
export class Conv2d extends Module {
  static override readonly type = 'Conv2d';
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    readonly options: Conv2dLayerOptions = {},
  ) {
    super();
    this.kernelSize = kernelPair(kernelSize);
    const groups = options.groups ?? 1;
    checkGroups('Conv2d', inChannels, outChannels, groups);
    conv2dAttrs('Conv2d', this.kernelSize, options); // validate early
    this.weight = this.registerParameter('weight', weightZeros(`Conv2d(${inChannels}, ${outChannels})`, [outChannels, inChannels / groups, ...this.kernelSize]))!;
    this.bias = this.registerParameter('bias', options.bias ?? true ? zeros([outChannels]) : null);
    this.resetParameters();
  }

  /** Re-draws the weights as PyTorch initialises them (Kaiming-uniform with a = sqrt(5), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn))). */
  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  /**
   * The settings as the kernel gets them: stride and dilation as pairs,
   * padding as [top, left, bottom, right] ('same' resolved as PyTorch does,
   * the odd pixel at the bottom/right), groups.
   *
   * @example new Conv2d(1, 1, 4, { padding: 'same' }).attrs().padding   // [1, 1, 2, 2]
   */
  attrs(): ReturnType<typeof conv2dAttrs> {
    return conv2dAttrs('Conv2d', this.kernelSize, this.options);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return conv2dOutputShape('conv2d', inputShape, this.weight.shape, conv2dAttrs('conv2d', this.kernelSize, this.options));
  }

  override config() {
    return { inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: this.kernelSize, options: { ...this.options } };
  }

  static override fromConfig(c: ModuleConfig): Conv2d {
    const g = c as ReturnType<Conv2d['config']>;
    return new Conv2d(g.inChannels, g.outChannels, g.kernelSize, g.options);
  }

  override extraRepr(): string {
    const o = this.options;
    const extra = [
      o.stride !== undefined && o.stride !== 1 ? `stride=${JSON.stringify(o.stride)}` : '',
      o.padding !== undefined && o.padding !== 0 ? `padding=${JSON.stringify(o.padding)}` : '',
      o.dilation !== undefined && o.dilation !== 1 ? `dilation=${JSON.stringify(o.dilation)}` : '',
      o.groups !== undefined && o.groups !== 1 ? `groups=${o.groups}` : '',
      o.bias === false ? 'bias=false' : '',
    ].filter(Boolean);
    const k = kernelRepr(this.kernelSize);
    return [`${this.inChannels}, ${this.outChannels}, kernelSize=${k}`, ...extra].join(', ');
  }
}
