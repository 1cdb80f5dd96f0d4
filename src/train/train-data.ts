/**
 * The data of a training run, whatever its source: a built-in data set
 * (MNIST, Fashion-MNIST, CIFAR-10: the official test set, validation held out
 * of the training set) or an image folder (decoded to one size, split per
 * class under a seed, normalised with its training part's statistics).
 */
import { channelStats } from '../data/channel-stats.js';
import { CIFAR10_NORMALIZATION, loadCifar10 } from '../data/cifar10.js';
import type { ImageDataset } from '../data/dataset.js';
import { DataError } from '../data/errors.js';
import { loadImageFolder } from '../data/image-folder.js';
import { loadMnist, NORMALIZATION } from '../data/mnist-dataset.js';
import { stratifiedSplit } from '../data/split.js';
import { ValueError } from '../errors.js';
import type { ImageFit } from '../vision/load-image-options.js';
import { describeDuplicate, type DuplicateImage } from '../data/duplicate-images.js';

export const DATASETS = ['mnist', 'fashion-mnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** The training or test part of a built-in data set, from `dir` or its default places. */
export function loadSplit(name: DatasetName, dir: string | undefined, train: boolean): ImageDataset {
  if (name === 'cifar10') return loadCifar10({ train, ...(dir ? { dir } : {}) });
  return loadMnist({ dataset: name, train, ...(dir ? { dir } : {}) });
}

/** A built-in data set's per-channel mean and std. */
export function normalizationOf(name: DatasetName): { mean: number[]; std: number[] } {
  if (name === 'cifar10') return { mean: [...CIFAR10_NORMALIZATION.mean], std: [...CIFAR10_NORMALIZATION.std] };
  return NORMALIZATION[name];
}

/** The parts of an image folder after a seeded stratified split. */
export interface FolderSplits {
  train: ImageDataset;
  val: ImageDataset | null;
  test: ImageDataset | null;
  classNames: string[];
  total: number;
  skipped: { file: string; problem: string }[];
  /** Files left out as copies of an earlier one (hard links, same bytes), so that no image is in two parts. */
  duplicates: DuplicateImage[];
}

/**
 * Decodes an image folder to `size` x `channels` and splits it, per class,
 * into train / validation / test by `fractions` (2 or 3 parts) under `seed`.
 * @throws {DataError} when the split leaves the training part empty.
 */
export async function loadFolderSplits(
  dir: string,
  o: { size: [number, number]; channels: 1 | 3; fit: ImageFit; fractions: number[]; seed: number; skipUnreadable: boolean; onProgress?: (done: number, total: number) => void },
): Promise<FolderSplits> {
  if (o.fractions.length < 2 || o.fractions.length > 3) throw new ValueError(`loadFolderSplits: expected 2 or 3 fractions (train/val or train/val/test), got ${o.fractions.length}`);
  const { dataset, skipped, duplicates } = await loadImageFolder(dir, {
    size: o.size, channels: o.channels, fit: o.fit, skipUnreadable: o.skipUnreadable, ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const parts = stratifiedSplit(dataset.labels, o.fractions, o.seed);
  const [trainIdx, valIdx, testIdx] = parts;
  if (!trainIdx || trainIdx.length === 0) throw new DataError(dir, `the split leaves the training part empty (${dataset.length} images); give it a larger share`);
  const part = (idx: Int32Array | undefined): ImageDataset | null => (idx && idx.length ? dataset.subset(idx) : null);
  return { train: dataset.subset(trainIdx), val: part(valIdx), test: part(testIdx), classNames: [...dataset.classNames], total: dataset.length, skipped, duplicates };
}

/** The data of one training run, whatever its source. */
export interface TrainData {
  train: ImageDataset;
  val: ImageDataset | null;
  test: ImageDataset | null;
  normalize: { mean: number[]; std: number[] };
  classNames: string[];
  inputShape: [number, number, number];
  /** How pictures were resized (image folders). */
  fit?: ImageFit;
  /** For logs and the model file: 'mnist', or the image folder's path. */
  source: string;
  /** Recorded in the model file's training record (an image folder's split, so that eval can rebuild it). */
  extra: Record<string, unknown>;
}

/**
 * A built-in data set: its official test set, and `valSplit` of the first
 * `limit` training images (all when 0) held out, per class, for validation.
 * @example builtinTrainData('mnist', undefined, { seed: 1, limit: 0, valSplit: 0.1 })
 */
export function builtinTrainData(dataset: DatasetName, dir: string | undefined, o: { seed: number; limit: number; valSplit: number }): TrainData {
  const fullTrain = loadSplit(dataset, dir, true);
  const test = loadSplit(dataset, dir, false);
  let pool = fullTrain;
  if (o.limit > 0 && o.limit < fullTrain.length) pool = fullTrain.subset(Int32Array.from({ length: o.limit }, (_, i) => i));
  const [trainIdx, valIdx] = o.valSplit > 0 ? stratifiedSplit(pool.labels, [1 - o.valSplit, o.valSplit], o.seed) : [Int32Array.from({ length: pool.length }, (_, i) => i), new Int32Array(0)];
  if (trainIdx!.length === 0) throw new ValueError(`a validation split of ${o.valSplit} of ${pool.length} ${dataset} images leaves no training images; lower the split${o.limit > 0 ? ' or raise the limit' : ''}`);
  return {
    train: pool.subset(trainIdx!), val: valIdx!.length ? pool.subset(valIdx!) : null, test,
    normalize: normalizationOf(dataset), classNames: [...fullTrain.classNames],
    inputShape: fullTrain.shape as [number, number, number], source: dataset, extra: {},
  };
}

/** How an image folder becomes training data. */
export interface FolderDataOptions {
  size: [number, number];
  channels: 1 | 3;
  fit: ImageFit;
  /** The split as written (`80/10/10`), recorded in the model file, and as fractions. */
  split: string;
  fractions: number[];
  seed: number;
  skipUnreadable: boolean;
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
}

/** An image folder: decoded to `size`/`channels`, split, normalised with the training part's statistics. */
export async function folderTrainData(dir: string, o: FolderDataOptions): Promise<TrainData> {
  const log = o.log ?? ((): void => undefined);
  const t0 = performance.now();
  const s = await loadFolderSplits(dir, {
    size: o.size, channels: o.channels, fit: o.fit, fractions: o.fractions, seed: o.seed, skipUnreadable: o.skipUnreadable,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  log(`decoded ${s.total} images of ${s.classNames.length} classes (${s.classNames.join(', ')}) from ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  for (const k of s.skipped) log(`skipped ${k.file}: ${k.problem}`);
  for (const d of s.duplicates) log(describeDuplicate(d));
  const normalize = channelStats(s.train);
  log(`normalisation from the ${s.train.length} training images: mean [${normalize.mean.join(', ')}], std [${normalize.std.join(', ')}]`);
  return {
    train: s.train, val: s.val, test: s.test, normalize, classNames: s.classNames,
    inputShape: [o.channels, o.size[0], o.size[1]], fit: o.fit, source: dir,
    // What `fovea eval` needs to rebuild the same split: the seed is stored beside these.
    extra: { split: o.split, fit: o.fit, ...(o.skipUnreadable ? { skipUnreadable: true } : {}), skipped: s.skipped.length },
  };
}
