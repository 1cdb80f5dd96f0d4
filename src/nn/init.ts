/**
 * Weight initialisation, as torch.nn.init does it. Conv2d and Linear use
 * PyTorch's default: kaimingUniform_ with a = sqrt(5), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
 * and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
import { Generator, defaultGenerator } from '../util/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** fan_in and fan_out of a weight [out, in, ...kernel]. */
export function fans(shape: readonly number[]): [number, number] {
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [(shape[1] ?? 1) * receptive, (shape[0] ?? 1) * receptive];
}

export function uniform_(t: Tensor, low: number, high: number, g: Generator = defaultGenerator): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * g.random();
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1, g: Generator = defaultGenerator): Tensor {
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * g.normal();
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

/** gain for leaky_relu with negative slope a: sqrt(2 / (1 + a^2)). */
function leakyGain(a: number): number {
  return Math.sqrt(2 / (1 + a * a));
}

/** He/Kaiming uniform on fan_in: U(-b, b) with b = gain * sqrt(3 / fanIn). */
export function kaimingUniform_(t: Tensor, a = 0, g: Generator = defaultGenerator): Tensor {
  const [fanIn] = fans(t.shape);
  const bound = leakyGain(a) * Math.sqrt(3 / fanIn);
  return uniform_(t, -bound, bound, g);
}

/** He/Kaiming normal on fan_in: N(0, gain^2 / fanIn). */
export function kaimingNormal_(t: Tensor, a = 0, g: Generator = defaultGenerator): Tensor {
  const [fanIn] = fans(t.shape);
  return normal_(t, 0, leakyGain(a) / Math.sqrt(fanIn), g);
}

/** Glorot/Xavier uniform: U(-b, b) with b = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, g: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = fans(t.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, g);
}
