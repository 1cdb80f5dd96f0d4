/**
 * Batches an ImageDataset into normalised float tensors, with seeded
 * shuffling (a new permutation each epoch, reproducible under the seed),
 * optional per-sample augmentation, and optionally worker threads that
 * decode, augment and normalise ahead of the training step.
 */
import { ValueError } from '../errors.js';
import { Generator } from '../util/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { ImageF32 } from '../vision/image-f32.js';
import type { Batch, BatchSource } from './batch-source.js';
import { BatchWorkerPool, nodeBatchWorkerSpawner, type SpawnBatchWorker } from './batch-worker-pool.js';
import { ImageDataset } from './dataset.js';
import type { LazyImageDataset } from './lazy-image-dataset.js';
import { augmentSample, checkChannels, checkSampleShape, sampleNormalization, writeByteSample, writeFloatSample, type SampleNormalization } from './sample-pipeline.js';
import type { Transform } from './transforms/transform.js';

export type { Batch } from './batch-source.js';

export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  dropLast?: boolean;
  /** Per-channel mean and std applied after scaling bytes to [0, 1] (default: none). */
  normalize?: { mean: readonly number[]; std: readonly number[] };
  /**
   * Per-sample transform (augmentation), applied to each image as float CHW
   * in [0, 1] before normalisation, e.g. `compose(randomHorizontalFlip(),
   * randomRotation(15))`. Every sample gets its own generator, seeded from
   * one draw of the loader's generator per epoch and the sample's position
   * in the epoch, so a run is reproducible under `seed` and a sample's
   * augmentation does not depend on how batches are processed (nor on which
   * thread builds them). All outputs of one batch must have the same shape.
   * With `numWorkers > 0` it must carry a `spec` (everything made by
   * `parseTransforms`, `compose` and the transform factories does).
   */
  transform?: Transform;
  /**
   * Worker threads that build batches ahead of the training step (PyTorch's
   * `num_workers`): they read the images from shared memory (or decode image
   * files, for a lazily decoded dataset), augment and normalise them. 0
   * (default) builds each batch in this thread when it is asked for. The
   * batches are bit-identical either way. With workers, iterate with
   * `for await`.
   */
  numWorkers?: number;
  /** Batches each worker prepares ahead (PyTorch's `prefetch_factor`); default 2; only with `numWorkers > 0`. */
  prefetchFactor?: number;
  /**
   * Keep the worker threads between epochs (PyTorch's `persistent_workers`)
   * instead of starting them for every epoch; default false. Idle workers do
   * not keep the process alive; `close()` stops them.
   */
  persistentWorkers?: boolean;
  /** How to start a worker (default: Node's worker_threads). */
  spawn?: SpawnBatchWorker;
}

/**
 * @example
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1, normalize: { mean: [0.1307], std: [0.3081] } });
 * for (const { x, y } of loader) { ... }
 * @example
 * // Augmentation in two worker threads, 2 batches ahead each:
 * const { transform } = parseTransforms('hflip,rotate:15,crop', { height: 128, width: 128 });
 * const loader = new DataLoader(flowers, { batchSize: 32, shuffle: true, transform, numWorkers: 2 });
 * for await (const { x, y } of loader.batches()) { ... }
 */
export class DataLoader implements Iterable<Batch>, AsyncIterable<Batch>, BatchSource {
  readonly batchSize: number;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  private readonly gen: Generator;
  private readonly norm: SampleNormalization;
  private pool: BatchWorkerPool | null = null;
  private shared: ImageDataset | null = null;

  constructor(readonly dataset: ImageDataset | LazyImageDataset, readonly options: DataLoaderOptions = {}) {
    this.batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new ValueError(`batchSize must be a positive integer, got ${this.batchSize}`);
    this.numWorkers = options.numWorkers ?? 0;
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 0) throw new ValueError(`DataLoader: numWorkers must be a non-negative integer, got ${this.numWorkers}`);
    this.prefetchFactor = options.prefetchFactor ?? 2;
    if (!Number.isInteger(this.prefetchFactor) || this.prefetchFactor < 1) throw new ValueError(`DataLoader: prefetchFactor must be a positive integer, got ${this.prefetchFactor}`);
    if (this.numWorkers > 0 && options.transform && !options.transform.spec) {
      throw new ValueError(
        `DataLoader: numWorkers is ${this.numWorkers} but the transform is a plain function, which cannot be sent to a worker thread; ` +
        'build it with parseTransforms, compose and the transform factories (randomCrop, randomHorizontalFlip, ...), which carry a spec the workers rebuild it from, or use numWorkers: 0',
      );
    }
    this.gen = new Generator(options.seed ?? 0);
    const c = dataset.shape[0];
    const { mean, std } = options.normalize ?? { mean: [], std: [] };
    if (options.normalize && (mean.length !== c || std.length !== c)) {
      throw new ValueError(`normalize has ${mean.length} means and ${std.length} stds but images have ${c} channels`);
    }
    this.norm = sampleNormalization(c, options.normalize);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.options.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The shuffling generator's state (for checkpoints). */
  get generator(): Generator {
    return this.gen;
  }

  /** One epoch, synchronously (only with `numWorkers: 0` and an in-memory dataset). */
  [Symbol.iterator](): Iterator<Batch> {
    return this.batches()[Symbol.iterator]();
  }

  /** One epoch, asynchronously (any loader). */
  [Symbol.asyncIterator](): AsyncIterator<Batch> {
    return this.batches()[Symbol.asyncIterator]();
  }

  /**
   * One epoch's batches, starting at batch `start`: the epoch's permutation
   * (and augmentation seed) are drawn now, exactly as for a full epoch, but
   * the first `start` batches are skipped without being built. A checkpoint
   * that saved the generator's state at the start of the epoch resumes
   * mid-epoch with this.
   *
   * Iterate it with `for await` (always works) or `for` (only with
   * `numWorkers: 0` and an in-memory dataset). Batches from worker threads
   * live in a reused ring of shared buffers: a batch's `x` is valid until
   * the next batch is asked for (`x.clone()` to keep it).
   *
   * Shape: each `x` is `[B, C, H, W]` (the transform's output size), B =
   * `batchSize` except maybe for the last batch.
   *
   * @example loader.generator.setState(epochStart); for await (const b of loader.batches(17)) ...
   */
  batches(start = 0): Iterable<Batch> & AsyncIterable<Batch> {
    const n = this.dataset.length;
    const order = this.options.shuffle ? this.gen.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    // Drawn only with a transform, so loaders without one shuffle exactly as before.
    const epochSeed = this.options.transform ? this.gen.nextUint32() : 0;
    const first = Math.max(0, start);
    return {
      [Symbol.iterator]: () => this.syncEpoch(order, epochSeed, first),
      [Symbol.asyncIterator]: () => this.asyncEpoch(order, epochSeed, first),
    };
  }

  /**
   * Builds the batch of the given dataset indices, in this thread. With a
   * `transform`, the samples are augmented with generators seeded from one
   * fresh draw of the loader's generator.
   */
  collate(indices: Int32Array): Batch {
    const ds = this.inMemory('collate');
    const epochSeed = this.options.transform ? this.gen.nextUint32() : 0;
    return this.build(indices, (k) => ds.image(indices[k]!), epochSeed, 0);
  }

  /** Stops the worker threads (kept with `persistentWorkers`); the loader starts new ones when next iterated. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  private *syncEpoch(order: Int32Array, epochSeed: number, start: number): IterableIterator<Batch> {
    if (this.numWorkers > 0) {
      throw new ValueError(`DataLoader: numWorkers is ${this.numWorkers}, so batches come from worker threads, asynchronously: iterate with \`for await (const b of loader.batches())\` (evaluateAsync for evaluation)`);
    }
    const ds = this.inMemory('a synchronous epoch');
    for (let b = start; b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize));
      yield this.build(idx, (k) => ds.image(idx[k]!), epochSeed, b * this.batchSize);
    }
  }

  private async *asyncEpoch(order: Int32Array, epochSeed: number, start: number): AsyncGenerator<Batch, void, undefined> {
    if (this.numWorkers > 0) {
      if (!this.pool?.usable) this.pool = this.startWorkers();
      const pool = this.pool;
      let done = false;
      try {
        yield* pool.epoch(order, this.dataset.labels, epochSeed, start, this.length);
        done = true;
      } finally {
        if (!done || !this.options.persistentWorkers) {
          if (this.pool === pool) this.pool = null;
          await pool.close();
        }
      }
      return;
    }
    const ds = this.dataset;
    if (ds instanceof ImageDataset) {
      yield* this.syncEpoch(order, epochSeed, start);
      return;
    }
    for (let b = start; b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(order.length, (b + 1) * this.batchSize));
      const images = await Promise.all(Array.from(idx, (i) => ds.loadImage(i)));
      yield this.build(idx, (k) => images[k]!, epochSeed, b * this.batchSize);
    }
  }

  /** Bytes → [0, 1] → transform (sample k seeded by epochSeed and first + k) → normalised batch. */
  private build(indices: Int32Array, bytesOf: (k: number) => Uint8Array, epochSeed: number, first: number): Batch {
    const transform = this.options.transform;
    const [c, h, w] = this.dataset.shape;
    const y = Int32Array.from(indices, (i) => this.dataset.labels[i]!);
    if (!transform) {
      const x = new Float32Array(indices.length * c * h * w);
      for (let k = 0; k < indices.length; k++) writeByteSample(x, k, bytesOf(k), c, h * w, this.norm);
      return { x: new Tensor(x, [indices.length, c, h, w]), y, indices: Int32Array.from(indices) };
    }
    const rng = new Generator(0);
    let x: Float32Array | undefined;
    let shape: readonly [number, number, number] = [c, h, w];
    for (let k = 0; k < indices.length; k++) {
      const out = augmentSample(bytesOf(k), this.dataset.shape, transform, rng, epochSeed, first + k);
      if (!x) {
        checkChannels(out, c);
        shape = [out.channels, out.height, out.width];
        x = new Float32Array(indices.length * out.data.length);
      } else {
        checkSampleShape(out, shape, `sample ${k} of the batch`, 'sample 0');
      }
      writeFloatSample(x, k, out, this.norm);
    }
    return { x: new Tensor(x ?? new Float32Array(0), [indices.length, ...shape]), y, indices: Int32Array.from(indices) };
  }

  private startWorkers(): BatchWorkerPool {
    const spawn = this.options.spawn ?? nodeBatchWorkerSpawner();
    if (!spawn) throw new ValueError(`DataLoader: numWorkers is ${this.numWorkers} but this platform has no worker threads (Node's worker_threads); pass spawn, or use numWorkers: 0`);
    const ds = this.dataset;
    let source;
    if (ds instanceof ImageDataset) {
      this.shared ??= ds.toShared(); // one copy at most, kept for the loader's life
      source = { kind: 'bytes', images: this.shared.images, shape: ds.shape } as const;
    } else {
      source = ds.workerSource;
    }
    return new BatchWorkerPool(
      { source, transform: this.options.transform?.spec ?? null, norm: this.norm, sampleShape: this.sampleShape() },
      this.numWorkers, this.prefetchFactor, this.batchSize, spawn,
    );
  }

  /** [C, H, W] of every sample: the transform's output for a blank image (the workers' ring is sized by it). */
  private sampleShape(): readonly [number, number, number] {
    const [c, h, w] = this.dataset.shape;
    if (!this.options.transform) return [c, h, w];
    const blank: ImageF32 = { channels: c, height: h, width: w, data: new Float32Array(c * h * w) };
    const out = this.options.transform(blank, new Generator(0));
    checkChannels(out, c);
    return [c, out.height, out.width];
  }

  private inMemory(what: string): ImageDataset {
    if (this.dataset instanceof ImageDataset) return this.dataset;
    throw new ValueError(`DataLoader: ${what} needs an in-memory ImageDataset; this dataset decodes its images when asked (asynchronously): iterate with \`for await (const b of loader.batches())\``);
  }
}
