/**
 * Dropout: zeroes each element with probability p while training and scales
 * the survivors by 1 / (1 - p) (inverted dropout, as PyTorch does), so that
 * evaluation needs no rescaling.
 */
import { ValueError } from '../../errors.js';
import { Generator, defaultGenerator } from '../../util/random.js';
import { Tensor, empty } from '../tensor.js';
import { mul } from './elementwise.js';

export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  const mask = empty(x.shape);
  const m = mask.data;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = generator.random() < p ? 0 : scale;
  return mul(x, mask);
}
