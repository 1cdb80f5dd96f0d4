/**
 * In-memory image datasets: 8-bit images [N, C, H, W] with integer labels,
 * the form MNIST, Fashion-MNIST and CIFAR-10 come in. Kept as bytes (4x less
 * memory than float32); the DataLoader converts and normalises per batch.
 */
import { ShapeError, fmt } from '../tensor/errors.js';

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
