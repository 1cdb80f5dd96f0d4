/**
 * A layer's weight is checked before it is allocated: a Linear of
 * 16,711,744 x 120 (what LeNet becomes on 4096 x 4096 inputs) would take
 * 7.5 GiB at once, so it is refused with the sizes and the limit instead.
 */
import { ValueError } from '../errors.js';
import { zeros } from '../tensor/ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatBytes } from '../util/memory-estimate.js';

/** The most elements one weight may hold: 2^28 (1 GiB of float32), far above any CNN layer's. */
export const MAX_WEIGHT_ELEMENTS = 2 ** 28;

/**
 * A zero-filled weight of `shape` for `layer` (e.g. "Linear(16711744, 120)"),
 * or a ValueError naming the layer, the shape and the limit.
 *
 * Shape: `shape`.
 * @example this.weight = this.registerParameter('weight', weightZeros(`Linear(${i}, ${o})`, [o, i]));
 */
export function weightZeros(layer: string, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n > MAX_WEIGHT_ELEMENTS) {
    throw new ValueError(`${layer}: its weight [${shape.join(', ')}] would hold ${n.toLocaleString('en-US')} parameters (${formatBytes(n * 4)}), above the limit of ${MAX_WEIGHT_ELEMENTS.toLocaleString('en-US')} (${formatBytes(MAX_WEIGHT_ELEMENTS * 4)}); is the input far larger than the model was designed for?`);
  }
  return zeros(shape);
}
