/**
 * fovea/node: the Node-only part of the public API (files and the file
 * system): MNIST/IDX loading, model files by path, image decoding with sharp.
 *
 * @example
 * import { lenet } from 'fovea';
 * import { loadMnist, saveModel, loadModel } from 'fovea/node';
 */
export { loadMnist, NORMALIZATION } from './data/mnist-dataset.js';
export { loadMnistSplit, MNIST_CLASS_NAMES, FASHION_MNIST_CLASS_NAMES, type MnistDataset, type MnistSplit } from './data/mnist.js';
export { readIdx, parseIdx, type IdxArray } from './data/idx.js';
export { saveModel, loadModel } from './io/model-file-node.js';
export { loadAnyModel, type LoadAnyModelOptions } from './io/load-any-model-node.js';
export { loadModelInput, type LoadedModelInput } from './vision/model-input-node.js';
export { saveCheckpoint, loadCheckpoint } from './train/checkpoint-node.js';
export { loadOnnxFile, saveOnnx } from './io/onnx/onnx-file-node.js';
export { savePyTorch } from './io/pytorch/export-pytorch-node.js';
export { loadTfjsFile, loadNsfwjsModel, NSFWJS_CLASS_NAMES, NSFWJS_MODELS, type LoadedTfjsFile, type LoadedNsfwjs } from './io/tfjs/load-tfjs-node.js';
export { writeFileAtomic, writeFileAtomicSync } from './util/atomic-write.js';
export { loadImageFile, type LoadImageOptions } from './vision/image-file.js';
export { ImageError } from './vision/image-error.js';
export { loadImageFolder, findClasses, isImageFolder, IMAGE_EXTENSIONS } from './data/image-folder.js';
export { dataKind, describeDataKind, type DataKind } from './data/data-kind.js';
export { listImageFolder, readImageChw } from './data/image-folder.js';
export { dropDuplicateImages, type DuplicateImage } from './data/duplicate-images.js';
export { ImageFileDataset, openImageFolder } from './data/image-file-dataset.js';
export { imageFiles, countImageFiles, globToRegExp } from './data/image-files.js';
export { DecodePool, type DecodeSpec, type DecodedBatch } from './data/decode-pool.js';
export { predictFiles, type FilePrediction, type PredictFilesOptions, type PredictFilesSpec } from './train/predict-files.js';
export { PredictionLog, csvHeader, type PredictionFormat } from './train/prediction-log-node.js';
export { loadCifar10, CIFAR10_CLASS_NAMES, CIFAR10_NORMALIZATION } from './data/cifar10.js';
export { writePng } from './vision/write-png.js';
export { readKernelFile } from './vision/kernel-file.js';
export * from './explain/node.js';
export { readWorkloadFile } from './bench/workload-file.js';
export { nodeBenchHost } from './bench/node-host.js';
export { trainRun, type TrainRunOptions, type TrainRunCallbacks, type TrainRunResult } from './train/train-run-node.js';
export { transferRun, type TransferRunOptions, type TransferRunCallbacks, type TransferRunResult } from './train/transfer-run-node.js';
export { builtinTrainData, folderTrainData, loadFolderSplits, type TrainData, type FolderSplits, type DatasetName } from './train/train-data.js';
export { cachedFeatures, defaultFeatureCacheDir } from './train/feature-disk-cache-node.js';
