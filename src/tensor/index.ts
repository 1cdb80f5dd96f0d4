/** tensor: the Tensor, autograd, ops, random numbers, scopes, errors. */
export { Tensor, numel, type GradFn, type Shape } from './tensor.js';
export { noGrad, isGradEnabled } from './grad-mode.js';
export { scope } from './scope.js';
export { Generator, manualSeed, defaultGenerator } from '../util/random.js';
export { FoveaError, ShapeError, ValueError } from '../errors.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckMismatch } from './gradcheck.js';
export {
  tensor, zeros, ones, full, randn, rand, arange, zerosLike, fullLike,
  add, sub, mul, div, neg, exp, log, sqrt, abs, square, pow, relu, leakyRelu, tanh, sigmoid,
  sum, mean, max, argmax, reshape, flatten, permute, transpose, unsqueeze, squeeze,
  matmul, linear, conv2d, maxPool2d, avgPool2d, sumPool2d, adaptiveAvgPool2d,
  softmax, logSoftmax, dropout, batchNorm2d, crossEntropy, nllLoss, mseLoss,
  type Conv2dOptions, type Conv2dPadding, type Pool2dOptions, type AvgPool2dOptions, type Reduction,
} from './ops/index.js';
