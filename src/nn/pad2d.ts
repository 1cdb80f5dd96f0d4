import { pad2d, pad2dOutputShape, type Pad4 } from '../tensor/ops/pad.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig } from './module.js';

/**
 * Pads H and W with a constant, possibly unequally on each side (PyTorch's
 * nn.ConstantPad2d, with the pads given as [top, left, bottom, right]); a
 * negative pad crops that side, as in PyTorch. ONNX import puts one in front
 * of a convolution with asymmetric 'SAME' padding, (with -Infinity) in front
 * of a ceil-mode max pooling, or (cropping) after a transposed convolution
 * with uneven pads.
 *
 * Shape: [N, C, H, W] → [N, C, H + top + bottom, W + left + right].
 * @example new ConstantPad2d([0, 0, 1, 1])   // one row below, one column right
 */
export class ConstantPad2d extends Module {
  static override readonly type = 'ConstantPad2d';
  constructor(readonly pads: Pad4, readonly value = 0) {
    super();
    // validate early, on an input just big enough for any crop
    pad2dOutputShape([1, 1, 1 + Math.max(0, -pads[0] - pads[2]), 1 + Math.max(0, -pads[1] - pads[3])], pads);
  }
  forward(x: Tensor): Tensor {
    return pad2d(x, this.pads, this.value);
  }
  outputShape(s: readonly number[]): number[] {
    return pad2dOutputShape(s, this.pads);
  }
  override config() {
    // JSON has no -Infinity: store it as a string
    return { pads: [...this.pads] as Pad4, value: Number.isFinite(this.value) ? this.value : String(this.value) };
  }
  static override fromConfig(c: ModuleConfig): ConstantPad2d {
    const g = c as ReturnType<ConstantPad2d['config']>;
    return new ConstantPad2d(g.pads, Number(g.value ?? 0));
  }
  override extraRepr(): string {
    return `pads=${JSON.stringify(this.pads)}${this.value !== 0 ? `, value=${this.value}` : ''}`;
  }
}
