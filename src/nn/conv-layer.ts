/**
 * What Conv2d and ConvTranspose2d share: the kernel-size argument, the
 * groups rule, PyTorch's initialisation and the kernel in `repr`.
 */
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform_, uniform_ } from './init.js';

/** `3` → `[3, 3]`; `[3, 5]` stays (a copy). */
export function kernelPair(k: number | readonly [number, number]): [number, number] {
  return typeof k === 'number' ? [k, k] : [k[0], k[1]];
}

/** Both channel counts must be divisible by `groups`, or a ShapeError naming the layer. */
export function checkGroups(layer: string, inChannels: number, outChannels: number, groups: number): void {
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ShapeError(layer, `inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups=${groups}`);
  }
}

/**
 * PyTorch's initialisation of a convolution: Kaiming-uniform weights with
 * a = sqrt(5), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = weight dim 1 x kH x kW
 * (for a transposed convolution PyTorch takes the same dims of its [in, out/groups, kH, kW] weight).
 */
export function resetConvParameters(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, Math.sqrt(5));
  if (bias) {
    const [, fan, kh, kw] = weight.shape as [number, number, number, number];
    const bound = 1 / Math.sqrt(fan * kh * kw);
    uniform_(bias, -bound, bound);
  }
}

/** The kernel size as `repr` shows it: `3` or `[3, 5]`. */
export function kernelRepr(k: readonly [number, number]): string {
  return k[0] === k[1] ? `${k[0]}` : JSON.stringify(k);
}
