/**
 * Batches an ImageDataset into normalised float tensors, with seeded
 * shuffling (a new permutation each epoch, reproducible under the seed) and
 * optional per-sample augmentation.
 */
import { ShapeError, ValueError, fmt } from '../tensor/errors.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { ImageF32 } from '../vision/image-f32.js';
import type { ImageDataset } from './dataset.js';
import type { Transform } from './transforms/transform.js';

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
   * augmentation does not depend on how batches are processed. All outputs
   * of one batch must have the same shape.
   */
  transform?: Transform;
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

  [Symbol.iterator](): Iterator<Batch> {
    return this.batches();
  }

  /**
   * One epoch's batches, starting at batch `start`: the epoch's permutation
   * (and augmentation seed) are drawn exactly as for a full epoch, but the
   * first `start` batches are skipped without being built. A checkpoint that
   * saved the generator's state at the start of the epoch resumes mid-epoch
   * with this.
   * @example loader.generator.setState(epochStart); for (const b of loader.batches(17)) ...
   */
  *batches(start = 0): IterableIterator<Batch> {
    const n = this.dataset.length;
    const order = this.options.shuffle ? this.gen.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    // Drawn only with a transform, so loaders without one shuffle exactly as before.
    const epochSeed = this.options.transform ? this.gen.nextUint32() : 0;
    for (let b = Math.max(0, start); b < this.length; b++) {
      const idx = order.subarray(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      yield this.options.transform ? this.collateTransformed(idx, epochSeed, b * this.batchSize) : this.collate(idx);
    }
  }

  /**
   * Builds the batch of the given dataset indices. With a `transform`, the
   * samples are augmented with generators seeded from one fresh draw of the
   * loader's generator.
   */
  collate(indices: Int32Array): Batch {
    if (this.options.transform) return this.collateTransformed(indices, this.gen.nextUint32(), 0);
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

  /** Bytes → [0, 1] → transform (sample k seeded by epochSeed and start + k) → normalised batch. */
  private collateTransformed(indices: Int32Array, epochSeed: number, start: number): Batch {
    const transform = this.options.transform!;
    const [c, h, w] = this.dataset.shape;
    const hw = h * w;
    const rng = new Generator(0);
    const y = new Int32Array(indices.length);
    let x: Float32Array | undefined;
    let shape: readonly [number, number, number] = [c, h, w];
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const bytes = this.dataset.image(i);
      const img: ImageF32 = { channels: c, height: h, width: w, data: new Float32Array(c * hw) };
      for (let p = 0; p < img.data.length; p++) img.data[p] = bytes[p]! / 255; // ToTensor()
      rng.manualSeed((epochSeed ^ Math.imul(start + k + 1, 0x9e3779b1)) >>> 0);
      const out = transform(img, rng);
      if (!x) {
        shape = [out.channels, out.height, out.width];
        if (out.channels !== c) {
          throw new ShapeError('DataLoader', `the transform turned ${c}-channel images into ${out.channels}-channel ones, but normalize has one mean/std per input channel`);
        }
        x = new Float32Array(indices.length * out.data.length);
      } else if (out.channels !== shape[0] || out.height !== shape[1] || out.width !== shape[2]) {
        throw new ShapeError('DataLoader', `the transform gave sample ${k} of the batch the shape ${fmt([out.channels, out.height, out.width])} but sample 0 ${fmt(shape)}; all samples of a batch need one shape`);
      }
      const plane = out.height * out.width;
      for (let ch = 0; ch < out.channels; ch++) {
        // (v - mean) / std == v * (1 / std) + shift
        const std = this.options.normalize?.std[ch] ?? 1;
        const sc = 1 / std, sh = this.shift[ch]!;
        const off = (k * out.channels + ch) * plane;
        for (let p = 0; p < plane; p++) x[off + p] = out.data[ch * plane + p]! * sc + sh;
      }
      y[k] = this.dataset.labels[i]!;
    }
    return { x: new Tensor(x ?? new Float32Array(0), [indices.length, ...shape]), y, indices: Int32Array.from(indices) };
  }
}
