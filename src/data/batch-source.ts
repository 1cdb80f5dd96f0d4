/**
 * What a training loop needs from its data: batches of images with their
 * labels, epoch after epoch, resumable mid-epoch. `DataLoader` is one
 * implementation; a cache of feature vectors can be another.
 */
import type { Generator } from '../util/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** One mini-batch. */
export interface Batch {
  /** [B, C, H, W] normalised images (or [B, ...] features). */
  x: Tensor;
  /** B class indices. */
  y: Int32Array;
  /** Dataset indices of the examples (for finding misclassified ones). */
  indices: Int32Array;
}

/**
 * A source of batches for `fit` and `evaluate`: `length` batches per epoch,
 * each call of `batches()` one epoch (drawing that epoch's shuffle from
 * `generator`, whose state a checkpoint saves), `batches(k)` the same epoch
 * from batch k on. Batches may come synchronously or asynchronously;
 * consumers iterate with `for await`.
 *
 * @example
 * const source: BatchSource = new DataLoader(train, { batchSize: 64, shuffle: true });
 * for await (const { x, y } of source.batches()) trainStep(model, optimizer, x, y);
 */
export interface BatchSource {
  /** Batches per epoch. */
  readonly length: number;
  /** The generator that draws each epoch's order (saved and restored by checkpoints). */
  readonly generator: Generator;
  /** One epoch's batches from batch `start` (default 0) on. */
  batches(start?: number): Iterable<Batch> | AsyncIterable<Batch>;
}
