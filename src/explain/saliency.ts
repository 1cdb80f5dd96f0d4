/**
 * Saliency maps (Simonyan, Vedaldi and Zisserman, 2014, "Deep Inside
 * Convolutional Networks"): how much each input pixel moves a class's score,
 * |∂y_class/∂pixel|, from one backward pass.
 */
import { ShapeError, fmt } from '../errors.js';
import type { Module } from '../nn/module.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { classScoreBackward, withFrozenParameters } from './class-gradient.js';

/** Options of {@link saliency}. */
export interface SaliencyOptions {
  /** The class to explain; default the model's top class. */
  classIndex?: number;
  /**
   * The per-channel std of the model's normalisation: given, the map is the
   * gradient with respect to the pixels in [0, 1] (∂y/∂x ÷ std); absent, with
   * respect to the normalised input.
   */
  std?: readonly number[];
}

/**
 * The saliency map of one image for one class: at each position, the
 * largest |∂y_class/∂x| over the colour channels, where `y_class` is the
 * class's logit. The model's parameters get no gradient.
 *
 * Shape: `x` is `[1, C, H, W]`; the map is H x W values ≥ 0 (not rescaled).
 * @example
 * const { map, classIndex } = saliency(model, x, { std: meta.normalize.std });
 */
export function saliency(model: Module, x: Tensor, options: SaliencyOptions = {}): { map: Float32Array; classIndex: number; logits: Float32Array } {
  if (x.shape.length !== 4 || x.shape[0] !== 1) throw new ShapeError('saliency', `expected one image [1, C, H, W], got ${fmt(x.shape)}`);
  const [, c, h, w] = x.shape as [number, number, number, number];
  return withFrozenParameters(model, () => scope(() => {
    const input = x.detach().requiresGrad_(true);
    const { classIndex, logits } = classScoreBackward(model, input, options.classIndex, 'saliency');
    const g = input.grad?.data ?? new Float32Array(input.numel());
    const map = new Float32Array(h * w);
    for (let ch = 0; ch < c; ch++) {
      const std = options.std?.[ch] ?? 1;
      for (let i = 0; i < h * w; i++) map[i] = Math.max(map[i]!, Math.abs(g[ch * h * w + i]! / std));
    }
    return { map, classIndex, logits };
  }));
}
