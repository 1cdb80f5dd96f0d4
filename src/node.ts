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
export { loadTfjsFile, loadNsfwjsModel, NSFWJS_CLASS_NAMES, NSFWJS_MODELS, type LoadedTfjsFile, type LoadedNsfwjs } from './io/tfjs/load-tfjs-node.js';
export { writeFileAtomic, writeFileAtomicSync } from './util/atomic-write.js';
export { loadImageFile, type LoadImageOptions } from './vision/image-file.js';
export { ImageError } from './vision/image-error.js';
export { loadImageFolder, findClasses, isImageFolder, IMAGE_EXTENSIONS } from './data/image-folder.js';
export { dataKind, describeDataKind, type DataKind } from './data/data-kind.js';
export { listImageFolder, readImageChw } from './data/image-folder.js';
export { dropDuplicateImages, type DuplicateImage } from './data/duplicate-images.js';
export { ImageFileDataset, openImageFolder } from './data/image-file-dataset.js';
export { loadCifar10, CIFAR10_CLASS_NAMES, CIFAR10_NORMALIZATION } from './data/cifar10.js';
export { writePng } from './vision/write-png.js';
export { readKernelFile } from './vision/kernel-file.js';
export * from './explain/node.js';
