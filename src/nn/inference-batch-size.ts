/**
 * How many images to push through a model at once for inference: as many as
 * fit a memory budget, judged from the model's largest activation, so that
 * a LeNet evaluates 256 digits a batch and a MobileNetV2 at 224 x 224 does
 * not ask the wasm heap for gigabytes.
 */
import type { Module } from './module.js';
import { summarize } from './summary.js';

/** Options of {@link inferenceBatchSize}. */
export interface InferenceBatchOptions {
  /** Largest batch returned (default 256). */
  max?: number;
  /** Bytes the activations of one batch may take (default 512 MiB). */
  budgetBytes?: number;
}

/**
 * A batch size for inference with `model` on inputs of `inputShape`
 * ([C, H, W]): the budget divided by three float32 copies of the model's
 * largest per-image activation (the input and output of the widest layer,
 * plus one kept for a later join), clamped to [1, max].
 *
 * Shape: `inputShape` is one image's `[C, H, W]`.
 * @example inferenceBatchSize(mobilenetV2, [3, 224, 224]) // 23
 */
export function inferenceBatchSize(model: Module, inputShape: readonly [number, number, number], options: InferenceBatchOptions = {}): number {
  const max = options.max ?? 256;
  const budget = options.budgetBytes ?? 512 * 2 ** 20;
  const numel = (s: readonly number[]): number => s.slice(1).reduce((a, b) => a * b, 1);
  const widest = Math.max(numel([1, ...inputShape]), ...summarize(model, [1, ...inputShape]).map((r) => numel(r.outputShape)));
  return Math.max(1, Math.min(max, Math.floor(budget / (3 * 4 * widest))));
}
