/**
 * Image folders decoded lazily (Node): torchvision's `ImageFolder`, which
 * lists the files up front and decodes each image only when a batch needs
 * it. With `DataLoader({ numWorkers })` the decoding (sharp) runs in the
 * worker threads.
 */
import { ValueError } from '../errors.js';
import type { WorkerDatasetSource } from './batch-worker-pool.js';
import { listImageFolder, readImageChw, type ImageDecodeOptions } from './image-folder.js';
import type { LazyImageDataset } from './lazy-image-dataset.js';

/**
 * Image files with labels, decoded on demand to one size with sharp
 * (`loadImageFile`: EXIF orientation, transparency onto white, bilinear
 * resize to `[H, W]`, stretched or, with `decode.fit: 'cover'`, the centre
 * cut out).
 *
 * Shape: `loadImage(i)` gives `[C, H, W]` bytes.
 *
 * @example
 * const ds = new ImageFileDataset(['a.jpg', 'b.png'], Int32Array.of(0, 1), [3, 64, 64], ['cat', 'dog']);
 * const bytes = await ds.loadImage(1);
 */
export class ImageFileDataset implements LazyImageDataset {
  readonly length: number;

  constructor(
    readonly files: readonly string[],
    readonly labels: Int32Array,
    readonly shape: readonly [number, number, number],
    readonly classNames: readonly string[],
    /** Passed on to `loadImageFile`: `maxPixels` (default 100e6 per image) and `fit` (default 'fill'). */
    readonly decode: ImageDecodeOptions = {},
  ) {
    if (files.length !== labels.length) throw new ValueError(`ImageFileDataset: ${files.length} files but ${labels.length} labels`);
    const [c, h, w] = shape;
    if ((c !== 1 && c !== 3) || !Number.isInteger(h) || h < 1 || !Number.isInteger(w) || w < 1) {
      throw new ValueError(`ImageFileDataset: shape is [${shape.join(', ')}]; expected [1 or 3, height, width]`);
    }
    this.length = files.length;
  }

  loadImage(i: number): Promise<Uint8Array> {
    const file = this.files[i];
    if (file === undefined) return Promise.reject(new RangeError(`ImageFileDataset: index ${i} is out of range for ${this.length} images`));
    return readImageChw(file, this.shape, this.decode);
  }

  /** A dataset of the examples at `indices`, in that order (e.g. one part of `stratifiedSplit`). */
  subset(indices: ArrayLike<number>): ImageFileDataset {
    const files = Array.from(indices, (i) => {
      const f = this.files[i];
      if (f === undefined) throw new RangeError(`ImageFileDataset.subset: index ${i} is out of range for ${this.length} images`);
      return f;
    });
    return new ImageFileDataset(files, Int32Array.from(indices, (i) => this.labels[i]!), this.shape, this.classNames, this.decode);
  }

  get workerSource(): WorkerDatasetSource {
    return { kind: 'image-files', files: this.files, shape: this.shape, decode: { ...this.decode } };
  }
}

/**
 * Opens an image folder (one sub-folder per class, as for `loadImageFolder`)
 * without decoding it: lists the files and their labels; every image is
 * decoded, resized to `size`, when a batch needs it. Use it for folders too
 * big for memory, or to decode inside a DataLoader's worker threads.
 *
 * Shape: each example is `[channels, size[0], size[1]]` bytes.
 *
 * @throws {DataError} for a folder with no class sub-folders, with only one
 *   class, or with a class folder holding no images. An unreadable image
 *   fails when its batch is built, naming the file.
 * @example
 * const flowers = await openImageFolder('flowers', { size: [128, 128] });
 * const loader = new DataLoader(flowers, { batchSize: 32, shuffle: true, numWorkers: 2, transform });
 */
export async function openImageFolder(dir: string, options: { size: readonly [height: number, width: number]; channels?: 1 | 3 } & ImageDecodeOptions): Promise<ImageFileDataset> {
  const { size: [height, width], channels = 3, ...decode } = options;
  const { classNames, files, labels } = await listImageFolder(dir);
  return new ImageFileDataset(files, Int32Array.from(labels), [channels, height, width], classNames, decode);
}
