/**
 * Batches an ImageDataset into normalised float tensors, with seeded
 * shuffling (a new permutation each epoch, reproducible under the seed).
 */
import { ValueError } from '../tensor/errors.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { ImageDataset } from './dataset.js';

export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0). */
  seed?: number;
  dropLast?: boolean;
  /** Per-channel mean and std applied after scaling bytes to [0, 1] (default: none). */
  normalize?: { mean: readonly number[]; std: readonly number[] };
}

export interface Batch {
  /** [B, C, H, W] normalised images. */
  x: Tensor;
  /** B class indices. */
  y: Int32Array;
  /** Dataset indices of the examples (for finding misclassified ones). */
  indices: Int32Array;
}

/**
 * @example
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1, normalize: { mean: [0.1307], std: [0.3081] } });
 * for (const { x, y } of loader) { ... }
 */
export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  private readonly gen: Generator;
  private readonly scale: Float32Array;
  private readonly shift: Float32Array;

  constructor(readonly dataset: ImageDataset, readonly options: DataLoaderOptions = {}) {
    this.batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new ValueError(`batchSize must be a positive integer, got ${this.batchSize}`);
    this.gen = new Generator(options.seed ?? 0);
    const c = dataset.shape[0];
    const mean = options.normalize?.mean ?? new Array<number>(c).fill(0);
    const std = options.normalize?.std ?? new Array<number>(c).fill(1);
    if (mean.length !== c || std.length !== c) {
      throw new ValueError(`normalize has ${mean.length} means and ${std.length} stds but images have ${c} channels`);
    }
    // (v / 255 - mean) / std  ==  v * scale + shift
    this.scale = Float32Array.from(std, (s) => 1 / (255 * s));
    this.shift = Float32Array.from(mean, (m, i) => -m / std[i]!);
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

  *[Symbol.iterator](): Iterator<Batch> {
    const n = this.dataset.length;
    const order = this.options.shuffle ? this.gen.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      yield this.collate(idx);
    }
  }

  /** Builds the batch of the given dataset indices. */
  collate(indices: Int32Array): Batch {
    const [c, h, w] = this.dataset.shape;
    const hw = h * w;
    const x = new Float32Array(indices.length * c * hw);
    const y = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const img = this.dataset.image(i);
      for (let ch = 0; ch < c; ch++) {
        const sc = this.scale[ch]!, sh = this.shift[ch]!;
        const off = (k * c + ch) * hw;
        for (let p = 0; p < hw; p++) x[off + p] = img[ch * hw + p]! * sc + sh;
      }
      y[k] = this.dataset.labels[i]!;
    }
    return { x: new Tensor(x, [indices.length, c, h, w]), y, indices: Int32Array.from(indices) };
  }
}
