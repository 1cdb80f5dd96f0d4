/**
 * Resolving --dataset / --data into train and test ImageDatasets.
 */
import type { ImageDataset } from '../../data/dataset.js';
import { loadMnist, NORMALIZATION } from '../../data/mnist-dataset.js';
import { UsageError } from '../cli-error.js';

export const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

export function datasetName(raw: string | undefined): DatasetName {
  const name = raw ?? 'mnist';
  if (!(DATASETS as readonly string[]).includes(name)) {
    throw new UsageError(`--dataset: unknown data set '${name}'; available: ${DATASETS.join(', ')}`);
  }
  return name as DatasetName;
}

export function loadSplit(name: DatasetName, dir: string | undefined, train: boolean): ImageDataset {
  return loadMnist({ dataset: name, train, ...(dir ? { dir } : {}) });
}

export function normalizationOf(name: DatasetName): { mean: number[]; std: number[] } {
  return NORMALIZATION[name];
}
