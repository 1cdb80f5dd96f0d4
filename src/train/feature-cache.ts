/**
 * Feature caching for transfer learning with a frozen backbone: the
 * backbone runs once over the images (or once per augmented view), and the
 * new head then trains on the stored feature vectors, which takes seconds
 * instead of a backbone pass per image per epoch.
 */
import type { Batch } from '../data/data-loader.js';
import type { Module } from '../nn/module.js';
import { ShapeError, ValueError, fmt } from '../errors.js';
import { noGrad } from '../tensor/grad-mode.js';
import { Generator } from '../util/random.js';
import { scope } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';

/** Features of a data set: `views` copies (one per augmented pass), each `[length, ...shape]`. */
export interface FeatureSet {
  /** `views * length * dim` floats, view-major. */
  features: Float32Array;
  labels: Int32Array;
  length: number;
  /** Floats per image: the product of `shape`. */
  dim: number;
  /** One image's features: `[dim]` for vectors, `[C, H, W]` for cached feature maps (a frozen prefix). */
  shape: number[];
  views: number;
}

/** A source of image batches that can be walked several times (a `DataLoader`). */
export interface ImageBatches {
  readonly length: number;
  batches(start?: number): Iterable<Batch> | AsyncIterable<Batch>;
}

export interface ExtractOptions {
  /** Passes over the data (default 1). With an augmenting loader each pass sees new random transforms: one cached view per pass. */
  views?: number;
  /** Called after each batch with (batches done, batches in all). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs a frozen `backbone` (in eval mode, without grad) over every image of
 * `loader`, `views` times, and keeps the feature vectors, indexed by the
 * dataset index of each image (so a shuffling loader is fine).
 *
 * Shape: backbone `[N, C, H, W]` → `[N, ...shape]` (a vector or a feature map); result `features` is `[views, length, ...shape]`.
 *
 * @example
 * const train = await extractFeatures(backbone, new DataLoader(trainSet, { batchSize: 32, normalize, transform }), trainSet.length, { views: 4 });
 */
export async function extractFeatures(backbone: Module, loader: ImageBatches, length: number, o: ExtractOptions = {}): Promise<FeatureSet> {
  const views = o.views ?? 1;
  if (!Number.isInteger(views) || views < 1) throw new ValueError(`extractFeatures: views must be a positive integer, got ${views}`);
  const wasTraining = backbone.training;
  backbone.eval();
  let features: Float32Array | null = null;
  let dim = 0;
  let shape: number[] = [];
  const labels = new Int32Array(length);
  const total = views * loader.length;
  let done = 0;
  try {
    for (let v = 0; v < views; v++) {
      for await (const batch of loader.batches()) {
        noGrad(() => scope(() => {
          const f = backbone.forward(batch.x);
          if (f.shape.length < 2 || f.shape[0] !== batch.indices.length || (features && f.shape.slice(1).some((d, i) => d !== shape[i]))) {
            throw new ShapeError('extractFeatures', `the backbone gave ${fmt(f.shape)} for a batch of ${batch.indices.length} images; expected [${batch.indices.length}, ${features ? shape.join(', ') : '...'}]`);
          }
          if (!features) {
            shape = f.shape.slice(1);
            dim = shape.reduce((a, b) => a * b, 1);
            features = new Float32Array(views * length * dim);
          }
          const data = f.data;
          for (let k = 0; k < batch.indices.length; k++) {
            const i = batch.indices[k]!;
            if (i >= length) throw new ValueError(`extractFeatures: the loader gave dataset index ${i}, but the data set has ${length} images`);
            features!.set(data.subarray(k * dim, (k + 1) * dim), (v * length + i) * dim);
            labels[i] = batch.y[k]!;
          }
        }));
        o.onProgress?.(++done, total);
      }
    }
  } finally {
    backbone.train(wasTraining);
  }
  return { features: features ?? new Float32Array(0), labels, length, dim, shape, views };
}

/**
 * Runs `model` (in eval mode, without grad) over every cached image and view
 * of `set`: the frozen features of a backbone's tail from cached maps of its
 * head part, without running the head part again.
 *
 * Shape: `set` `[views, length, ...shape]` → `[views, length, ...model output per image]`.
 */
export async function mapFeatures(model: Module, set: FeatureSet, o: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<FeatureSet> {
  const parts: FeatureSet[] = [];
  for (let v = 0; v < set.views; v++) {
    const one: FeatureSet = { ...set, views: 1, features: set.features.subarray(v * set.length * set.dim, (v + 1) * set.length * set.dim) };
    const loader = new FeatureLoader(one, { batchSize: o.batchSize ?? 32 });
    parts.push(await extractFeatures(model, loader, set.length, o.onProgress ? { onProgress: (d, t) => o.onProgress!(v * t + d, set.views * t) } : {}));
  }
  const first = parts[0]!;
  const features = new Float32Array(set.views * set.length * first.dim);
  parts.forEach((p, v) => features.set(p.features, v * set.length * first.dim));
  return { ...first, features, views: set.views };
}

export interface FeatureLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Seed of the generator that shuffles and picks each epoch's view (default 0). */
  seed?: number;
}

/**
 * Batches of cached feature vectors, with the same interface as a
 * `DataLoader` (seeded shuffling, `batches(start)` for resuming), so `fit`
 * and `evaluate` train and test a head on them. Each epoch uses one of the
 * cached views, drawn from the generator.
 *
 * Shape: batch `x` is `[B, ...set.shape]`.
 *
 * @example
 * await fit(head, { epochs: 20, optimizer, train: new FeatureLoader(trainFeatures, { batchSize: 64, shuffle: true, seed: 1 }), numClasses: 5 });
 */
export class FeatureLoader implements Iterable<Batch> {
  readonly batchSize: number;
  private readonly gen: Generator;

  constructor(readonly set: FeatureSet, readonly options: FeatureLoaderOptions = {}) {
    this.batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new ValueError(`batchSize must be a positive integer, got ${this.batchSize}`);
    this.gen = new Generator(options.seed ?? 0);
  }

  /** Number of batches per epoch. */
  get length(): number {
    return Math.ceil(this.set.length / this.batchSize);
  }

  /** The generator's state (for checkpoints). */
  get generator(): Generator {
    return this.gen;
  }

  [Symbol.iterator](): Iterator<Batch> {
    return this.batches();
  }

  /** One epoch's batches from batch `start` on; the permutation and view are drawn as for a whole epoch. */
  *batches(start = 0): IterableIterator<Batch> {
    const { length: n, dim, views } = this.set;
    const order = this.options.shuffle ? this.gen.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const view = views > 1 ? this.gen.nextUint32() % views : 0;
    const base = view * n * dim;
    for (let b = Math.max(0, start); b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      const x = new Float32Array(idx.length * dim);
      const y = new Int32Array(idx.length);
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k]!;
        x.set(this.set.features.subarray(base + i * dim, base + (i + 1) * dim), k * dim);
        y[k] = this.set.labels[i]!;
      }
      yield { x: new Tensor(x, [idx.length, ...this.set.shape]), y, indices: Int32Array.from(idx) };
    }
  }
}

/** Per-feature mean and standard deviation of cached features. */
export interface FeatureStats {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * Mean and standard deviation of every feature over all images and views of
 * `set` (the training part), with the variance floored so that a feature
 * that never varies (a ReLU that never fires) is not blown up.
 *
 * Shape: `mean` and `std` are `[dim]`.
 */
export function featureStats(set: FeatureSet, varianceFloor = 1e-4): FeatureStats {
  const { dim, features } = set;
  const n = features.length / dim;
  const sum = new Float64Array(dim), sq = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < dim; k++) {
      const x = features[r * dim + k]!;
      sum[k] = sum[k]! + x;
      sq[k] = sq[k]! + x * x;
    }
  }
  const mean = Float32Array.from(sum, (s) => s / n);
  const std = Float32Array.from(sq, (s, k) => Math.sqrt(Math.max(s / n - mean[k]! ** 2, 0) + varianceFloor));
  return { mean, std };
}

/**
 * Standardises cached features in place, `(x - mean) / std` per feature:
 * a linear head on pretrained features learns in a few epochs what it needs
 * hundreds for on raw ones (the linear-probe habit of a parameter-free
 * normalisation before the classifier). `foldStandardization` moves the
 * transform into the head afterwards, so the saved model takes raw features.
 */
export function standardize(set: FeatureSet, stats: FeatureStats): void {
  const { dim, features } = set;
  if (stats.mean.length !== dim) throw new ShapeError('standardize', `stats for ${stats.mean.length} features, data has ${dim}`);
  for (let i = 0; i < features.length; i++) {
    const k = i % dim;
    features[i] = (features[i]! - stats.mean[k]!) / stats.std[k]!;
  }
}

/**
 * Folds a standardisation of the input into a linear layer's weights:
 * `W((x - m) / s) + b == (W / s) x + (b - (W / s) m)`, exactly the same map
 * on raw features.
 *
 * Shape: `weight` `[out, dim]`, `bias` `[out]`, stats `[dim]`.
 * @example foldStandardization(head.fc.weight, head.fc.bias, stats);
 */
export function foldStandardization(weight: Tensor, bias: Tensor | null, stats: FeatureStats): void {
  const [out, dim] = weight.shape as [number, number];
  if (stats.mean.length !== dim) throw new ShapeError('foldStandardization', `stats for ${stats.mean.length} features, weight ${fmt(weight.shape)}`);
  const w = weight.data;
  const b = bias?.data;
  for (let o = 0; o < out; o++) {
    let shift = 0;
    for (let k = 0; k < dim; k++) {
      const v = w[o * dim + k]! / stats.std[k]!;
      w[o * dim + k] = v;
      shift += v * stats.mean[k]!;
    }
    if (b) b[o] = b[o]! - shift;
    else if (shift !== 0) throw new ShapeError('foldStandardization', 'the layer has no bias to absorb the mean');
  }
}
