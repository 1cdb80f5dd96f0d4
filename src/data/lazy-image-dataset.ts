import type { WorkerDatasetSource } from './batch-worker-pool.js';

/**
 * A dataset whose images are decoded when a batch needs them, not held in
 * memory: what a folder of photos too big to load at once needs (Node's
 * `openImageFolder` makes one). A `DataLoader` with `numWorkers > 0` decodes
 * inside its worker threads, so training never waits for JPEG decoding.
 *
 * Shape: `loadImage(i)` gives `shape` = `[C, H, W]` bytes, channels first.
 *
 * @example
 * const flowers = await openImageFolder('flowers', { size: [128, 128] });
 * const loader = new DataLoader(flowers, { batchSize: 32, shuffle: true, numWorkers: 2 });
 * for await (const { x, y } of loader.batches()) { ... }
 */
export interface LazyImageDataset {
  /** Number of examples. */
  readonly length: number;
  readonly labels: ArrayLike<number>;
  /** [C, H, W] of every image. */
  readonly shape: readonly [number, number, number];
  readonly classNames: readonly string[];
  /** Image i as `[C, H, W]` bytes (a fresh array). */
  loadImage(i: number): Promise<Uint8Array>;
  /** How a worker thread opens the same dataset: plain data. */
  readonly workerSource: WorkerDatasetSource;
}
