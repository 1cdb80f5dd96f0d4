/**
 * Resolving --dataset / --data into train, validation and test ImageDatasets:
 * the IDX data sets (MNIST, Fashion-MNIST), CIFAR-10 binary batches, and
 * image folders (one sub-folder per class).
 */
import { basename, resolve } from 'node:path';
import { dataKind, describeDataKind } from '../../data/data-kind.js';
import { isImageFolder } from '../../data/image-folder.js';
import { parseSplit } from '../../data/split.js';
import { parseTransforms } from '../../data/transforms/parse-transforms.js';
import type { Transform } from '../../data/transforms/transform.js';
import { ValueError } from '../../errors.js';
import { DATASETS, type DatasetName } from '../../train/train-data.js';
import { UsageError } from '../cli-error.js';

export { DATASETS, type DatasetName } from '../../train/train-data.js';

export function datasetName(raw: string | undefined): DatasetName {
  const name = raw ?? 'mnist';
  if (!(DATASETS as readonly string[]).includes(name)) {
    throw new UsageError(`--dataset: unknown data set '${name}'; available: ${DATASETS.join(', ')}, or --data DIR with an image folder`);
  }
  return name as DatasetName;
}

/** Whether --data names an image folder (class sub-folders with images) rather than IDX or CIFAR files. */
export { isImageFolder };

/** Where a command's images come from: a built-in data set (its files in `dir` or the default places) or an image folder. */
export type DataSource =
  | { kind: 'dataset'; dataset: DatasetName; dir: string | undefined; found: string | null }
  | { kind: 'image-folder'; dir: string; classes: string[]; found: string };

/**
 * `--dataset NAME` and `--data DIR` as one data source. Without `--data`,
 * the named data set (default mnist) from its default places. With it, the
 * folder's contents decide (`dataKind`): IDX files are MNIST, or
 * Fashion-MNIST with `--dataset fashion-mnist`; CIFAR-10 batches are
 * CIFAR-10; class sub-folders of images are an image folder. `found` says
 * what was found, for the log.
 *
 * @throws {DataError} for a folder that is missing or holds none of these (saying what it expected).
 * @throws {UsageError} when `--dataset` names another kind of data than the folder holds.
 * @example resolveDataSource(undefined, 'photos/flowers'); // { kind: 'image-folder', dir: 'photos/flowers', classes: [...], found: '...' }
 */
export function resolveDataSource(datasetRaw: string | undefined, dir: string | undefined): DataSource {
  if (dir === undefined) return { kind: 'dataset', dataset: datasetName(datasetRaw), dir, found: null };
  const k = dataKind(dir);
  const found = describeDataKind(k);
  if (k.kind === 'image-folder') {
    if (datasetRaw !== undefined) throw new UsageError(`--dataset ${datasetRaw}: ${dir} is an image folder (its sub-folders are the classes); leave --dataset out`);
    return { kind: 'image-folder', dir, classes: k.classes, found };
  }
  if (k.kind === 'cifar10') {
    if (datasetRaw !== undefined && datasetRaw !== 'cifar10') throw new UsageError(`--dataset ${datasetRaw}: ${dir} holds CIFAR-10 batches (${k.files.join(', ')}); use --dataset cifar10 or leave it out`);
    return { kind: 'dataset', dataset: 'cifar10', dir, found };
  }
  const dataset = datasetName(datasetRaw);
  if (dataset === 'cifar10') throw new UsageError(`--dataset cifar10: ${dir} holds IDX files (${k.files.join(', ')}), which are MNIST or Fashion-MNIST, not CIFAR-10 batches`);
  return { kind: 'dataset', dataset, dir, found };
}

/**
 * The model file `fovea train` writes without `--out`: named after the data,
 * so that training on another data set never overwrites the last model. An
 * image folder gives its own name (`flowers.fovea`, for training from
 * scratch and transfer learning alike), a built-in data set its name and the
 * model's (`mnist-lenet.fovea`, `cifar10-resnet.fovea`).
 * @example defaultModelFile({ kind: 'image-folder', dir: '../data/flowers/', ... }, 'lenet') // 'flowers.fovea'
 */
export function defaultModelFile(source: DataSource, modelName: string): string {
  if (source.kind === 'image-folder') return `${basename(resolve(source.dir))}.fovea`;
  return `${source.dataset}-${modelName}.fovea`;
}

/** `--augment LIST` as a transform for images of `height` x `width` (undefined when not given). */
export function augmentOption(spec: string | undefined, height: number, width: number): Transform | undefined {
  if (spec === undefined) return undefined;
  try {
    return parseTransforms(spec, { height, width }).transform;
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(`--augment: ${e.message}`);
    throw e;
  }
}

/** `--split A/B[/C]` as fractions. */
export function splitOption(spec: string): number[] {
  let fractions: number[];
  try {
    fractions = parseSplit(spec);
  } catch (e) {
    throw new UsageError(`--split: ${(e as Error).message}`);
  }
  if (fractions.length > 3) throw new UsageError(`--split: expected 2 or 3 parts (train/val or train/val/test), got ${fractions.length}`);
  return fractions;
}
