import {
  convTranspose2d, convTranspose2dAttrs, convTranspose2dOutputShape, type ConvTranspose2dAttrs,
} from '../tensor/ops/conv-transpose.js';
import { zeros } from '../tensor/ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkGroups, kernelPair, kernelRepr, resetConvParameters } from './conv-layer.js';
import { Module, type ModuleConfig } from './module.js';
import { weightZeros } from './weight-limit.js';

export interface ConvTranspose2dLayerOptions {
  stride?: number | [number, number];
  /** Rows/columns cropped from each side of the full output: a number or [padH, padW]. Default 0. */
  padding?: number | [number, number];
  /** Extra rows/columns at the bottom/right, to pick one of the input sizes a strided conv2d maps to the same size. Default 0. */
  outputPadding?: number | [number, number];
  groups?: number;
  /** Learnable bias (default true). */
  bias?: boolean;
  dilation?: number | [number, number];
}

/**
 * Transposed 2-D convolution layer, PyTorch's nn.ConvTranspose2d: the
 * upsampling layer of decoders, segmentation heads and GAN generators.
 *
 * Weight `[inChannels, outChannels / groups, kH, kW]` (PyTorch's layout,
 * in and out the other way round from Conv2d), bias `[outChannels]`, both
 * initialised as PyTorch does: Kaiming-uniform with a = sqrt(5), where
 * PyTorch's fan-in of this weight is (outChannels / groups) * kH * kW.
 *
 * Shape: input [N, inChannels, H, W] → [N, outChannels, Ho, Wo],
 * Ho = (H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1
 * (Wo likewise). E.g. kernel 4, stride 2, padding 1 doubles H and W:
 * [N, 16, 7, 7] → [N, 8, 14, 14].
 *
 * @example
 * const up = new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
 * up.forward(x);   // [N, 16, 7, 7] → [N, 8, 14, 14]
 */
export class ConvTranspose2d extends Module {
  static override readonly type = 'ConvTranspose2d';
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly kernelSize: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    readonly options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    this.kernelSize = kernelPair(kernelSize);
    const groups = options.groups ?? 1;
    checkGroups('ConvTranspose2d', inChannels, outChannels, groups);
    convTranspose2dAttrs('ConvTranspose2d', options); // validate early
    this.weight = this.registerParameter('weight', weightZeros(`ConvTranspose2d(${inChannels}, ${outChannels})`, [inChannels, outChannels / groups, ...this.kernelSize]))!;
    this.bias = this.registerParameter('bias', options.bias ?? true ? zeros([outChannels]) : null);
    this.resetParameters();
  }

  /** Re-draws the weights as PyTorch initialises them (Kaiming-uniform with a = sqrt(5), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn))). */
  resetParameters(): void {
    resetConvParameters(this.weight, this.bias);
  }

  /** The resolved stride, padding, outputPadding, dilation and groups. */
  attrs(): ConvTranspose2dAttrs {
    return convTranspose2dAttrs('convTranspose2d', this.options);
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return convTranspose2dOutputShape('convTranspose2d', inputShape, this.weight.shape, this.attrs());
  }

  override config() {
    return { inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: this.kernelSize, options: { ...this.options } };
  }

  static override fromConfig(c: ModuleConfig): ConvTranspose2d {
    const g = c as ReturnType<ConvTranspose2d['config']>;
    return new ConvTranspose2d(g.inChannels, g.outChannels, g.kernelSize, g.options);
  }

  override extraRepr(): string {
    const o = this.options;
    const set = (v: number | [number, number] | undefined, dflt: number): boolean => v !== undefined && JSON.stringify(v) !== JSON.stringify(dflt) && JSON.stringify(v) !== JSON.stringify([dflt, dflt]);
    const extra = [
      set(o.stride, 1) ? `stride=${JSON.stringify(o.stride)}` : '',
      set(o.padding, 0) ? `padding=${JSON.stringify(o.padding)}` : '',
      set(o.outputPadding, 0) ? `outputPadding=${JSON.stringify(o.outputPadding)}` : '',
      o.groups !== undefined && o.groups !== 1 ? `groups=${o.groups}` : '',
      o.bias === false ? 'bias=false' : '',
      set(o.dilation, 1) ? `dilation=${JSON.stringify(o.dilation)}` : '',
    ].filter(Boolean);
    const k = kernelRepr(this.kernelSize);
    return [`${this.inChannels}, ${this.outChannels}, kernelSize=${k}`, ...extra].join(', ');
  }
}
