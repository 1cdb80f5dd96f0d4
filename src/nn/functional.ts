/**
 * The functional twins of the layers (PyTorch's torch.nn.functional), e.g.
 * `F.conv2d(x, w, b, { padding: 1 })`, `F.crossEntropy(logits, labels)`.
 */
export { conv2d, conv2dRelu } from '../tensor/ops/conv.js';
export { convTranspose2d } from '../tensor/ops/conv-transpose.js';
export { linear } from '../tensor/ops/matmul.js';
export { maxPool2d, avgPool2d, sumPool2d, adaptiveAvgPool2d } from '../tensor/ops/pool.js';
export { relu, leakyRelu, hardtanh, elu, tanh, sigmoid } from '../tensor/ops/elementwise.js';
export { softmax, logSoftmax } from '../tensor/ops/softmax.js';
export { dropout } from '../tensor/ops/dropout.js';
export { batchNorm2d } from '../tensor/ops/batch-norm.js';
export { flatten } from '../tensor/ops/shape.js';
export { pad2d } from '../tensor/ops/pad.js';
export { crossEntropy, nllLoss, mseLoss } from '../tensor/ops/loss.js';
