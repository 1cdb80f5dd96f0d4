/**
 * The public op surface: every op a user calls as a function, exported at
 * the top level of `fovea` (PyTorch's `torch.*`); the layer-shaped ones are
 * also under `F` (`torch.nn.functional`, src/nn/functional.ts). The one list:
 * `public-ops.test.ts` checks that every op file's export is either here or
 * named internal there, and that everything in `F` is here too.
 */
export { tensor, zeros, ones, full, randn, rand, arange, zerosLike, fullLike } from './creation.js';
export { add, sub, mul, div, neg, exp, log, sqrt, abs, square, pow, relu, leakyRelu, hardtanh, elu, erf, tanh, sigmoid } from './elementwise.js';
export { sum, mean, max, argmax } from './reduce.js';
export { reshape, flatten, permute, transpose, unsqueeze, squeeze, narrow } from './shape.js';
export { concat } from './concat.js';
export { pad2d, type Pad4 } from './pad.js';
export { matmul, linear } from './matmul.js';
export { conv2d, conv2dRelu, type Conv2dOptions, type Conv2dPadding } from './conv.js';
export { convTranspose2d, type ConvTranspose2dOptions } from './conv-transpose.js';
export { maxPool2d, avgPool2d, sumPool2d, adaptiveAvgPool2d, type Pool2dOptions, type MaxPool2dOptions, type AvgPool2dOptions } from './pool.js';
export { softmax, logSoftmax } from './softmax.js';
export { dropout } from './dropout.js';
export { batchNorm2d, type BatchNormOptions } from './batch-norm.js';
export { crossEntropy, nllLoss, mseLoss, type Reduction, type CrossEntropyOptions } from './loss.js';
