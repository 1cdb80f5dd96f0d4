/**
 * In-memory image datasets: 8-bit images [N, C, H, W] with integer labels,
 * the form MNIST, Fashion-MNIST and CIFAR-10 come in. Kept as bytes (4x less
 * memory than float32); the DataLoader converts and normalises per batch.
 */
import { ShapeError, fmt } from '../errors.js';

export class ImageDataset {
  /** Number of examples. */
  readonly length: number;

  /**
   * @param images N * C * H * W bytes, image-major, CHW inside each image
   * @param labels N class indices
   * @param shape [C, H, W]
   */
  constructor(
    readonly images: Uint8Array,
    readonly labels: Uint8Array | Int32Array,
    readonly shape: readonly [number, number, number],
    readonly classNames: readonly string[],
  ) {
    const per = shape[0] * shape[1] * shape[2];
    this.length = labels.length;
    if (images.length !== per * labels.length) {
      throw new ShapeError('ImageDataset', `${images.length} image bytes do not hold ${labels.length} images of shape ${fmt(shape)}`);
    }
  }

  /** Bytes of image i (a view, not a copy). */
  image(i: number): Uint8Array {
    const per = this.shape[0] * this.shape[1] * this.shape[2];
    return this.images.subarray(i * per, (i + 1) * per);
  }

  /**
   * This dataset with its bytes in a SharedArrayBuffer, so that worker
   * threads read them without a copy (a DataLoader with `numWorkers > 0`
   * does this once): itself when they already are, else a copy made once.
   *
   * @example const shared = mnist.toShared(); // hand `shared.images` to workers
   */
  toShared(): ImageDataset {
    if (typeof SharedArrayBuffer === 'function' && this.images.buffer instanceof SharedArrayBuffer) return this;
    const images = new Uint8Array(new SharedArrayBuffer(this.images.length));
    images.set(this.images);
    return new ImageDataset(images, this.labels, this.shape, this.classNames);
  }

  /** A dataset of the examples at `indices` (copied, in that order). */
  subset(indices: ArrayLike<number>): ImageDataset {
    const per = this.shape[0] * this.shape[1] * this.shape[2];
    const images = new Uint8Array(indices.length * per);
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      images.set(this.image(i), k * per);
      labels[k] = this.labels[i]!;
    }
    return new ImageDataset(images, labels, this.shape, this.classNames);
  }
}
