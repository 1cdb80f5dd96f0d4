/**
 * A compact set of finite-difference gradient checks covering every
 * differentiable kernel path (conv and transposed conv with
 * stride/padding/outputPadding/dilation/groups,
 * pooling, linear, activations, softmax, losses, batch norm, broadcasting),
 * run by `fovea verify` on each backend. The exhaustive per-op checks live in
 * gradcheck.test.ts (transposed convolution's in ops/conv-transpose.test.ts).
 */
import { gradcheck, type GradcheckResult } from './gradcheck.js';
import { Generator } from '../util/random.js';
import { Tensor } from './tensor.js';
import {
  adaptiveAvgPool2d, add, avgPool2d, batchNorm2d, conv2d, convTranspose2d, crossEntropy, elu, erf, hardtanh, leakyRelu, linear, logSoftmax, maxPool2d,
  mean, mul, narrow, sigmoid, softmax, sum, sumPool2d, tanh,
} from './ops/index.js';

export interface GradcheckCase {
  name: string;
  /** Which kernels' backward rules the case exercises. */
  covers: string;
  run(): GradcheckResult;
}

function input(g: Generator, shape: number[], away = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = g.normal();
    if (Math.abs(v) < away) v += v < 0 ? -away : away;
    d[i] = v;
  }
  return new Tensor(d, shape, true);
}

/** Distinct values, so max pooling has no ties within eps. */
function distinct(g: Generator, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = g.permutation(n);
  return new Tensor(Float32Array.from(perm, (p) => (p - n / 2) * 0.1), shape, true);
}

export function gradcheckCases(seed = 7): GradcheckCase[] {
  const g = new Generator(seed);
  const c = (name: string, covers: string, make: () => [(...t: Tensor[]) => Tensor, Tensor[]]): GradcheckCase => ({
    name, covers,
    run: () => {
      const [fn, inputs] = make();
      return gradcheck(fn, inputs, { eps: 1e-2, atol: 2e-3, rtol: 2e-2 });
    },
  });
  return [
    c('conv2d stride 2, padding 1, bias', 'conv2d, conv2dBackwardInput, conv2dBackwardWeight, sum',
      () => [(x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }), [input(g, [2, 3, 7, 7]), input(g, [4, 3, 3, 3]), input(g, [4])]]),
    c('conv2d dilation 2, groups 2, same', 'conv2d backward (dilation, groups, asymmetric padding)',
      () => [(x, w) => conv2d(x, w, null, { padding: 'same', dilation: 2, groups: 2 }), [input(g, [1, 4, 6, 5]), input(g, [4, 2, 2, 3])]]),
    c('linear', 'matmul (all transposes), add', () => [(x, w, b) => linear(x, w, b), [input(g, [3, 5]), input(g, [4, 5]), input(g, [4])]]),
    c('maxPool2d 2x2', 'maxPool2d, maxPool2dBackward', () => [(x) => maxPool2d(x, 2), [distinct(g, [2, 2, 6, 6])]]),
    c('avgPool2d 3x3 stride 2 pad 1', 'avgPool2d, avgPool2dBackward', () => [(x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), [input(g, [1, 2, 7, 7])]]),
    c('maxPool2d 3x3 dilation 2 pad 1 ceil mode', 'maxPool2d, maxPool2dBackward (dilated, ceil mode)',
      () => [(x) => maxPool2d(x, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }), [distinct(g, [1, 2, 8, 9])]]),
    c('avgPool2d 3x3 stride 2 ceil mode', 'avgPool2d, avgPool2dBackward (ceil mode: a partial last window, the padded-window divisor)',
      () => [(x) => avgPool2d(x, 3, { stride: 2, ceilMode: true }), [input(g, [1, 2, 8, 8])]]),
    c('avgPool2d 3x3 stride 2 pad 1 ceil mode, countIncludePad false', 'avgPool2d, avgPool2dBackward (ceil mode, the real-pixel divisor)',
      () => [(x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [input(g, [1, 2, 8, 8])]]),
    c('sumPool2d 2x2', 'avgPool2d with divisor 1', () => [(x) => sumPool2d(x, 2), [input(g, [1, 2, 4, 6])]]),
    c('adaptiveAvgPool2d 5x7 to 2x3', 'adaptiveAvgPool2d, adaptiveAvgPool2dBackward', () => [(x) => adaptiveAvgPool2d(x, [2, 3]), [input(g, [1, 2, 5, 7])]]),
    c('tanh, sigmoid, leakyRelu', 'tanh, sigmoid, leakyRelu and their backward kernels',
      () => [(x) => add(add(tanh(x), sigmoid(x)), leakyRelu(x, 0.1)), [input(g, [3, 4], 0.05)]]),
    c('hardtanh (ReLU6 and a one-sided clamp)', 'hardtanh, hardtanhBackward',
      () => [(x) => add(hardtanh(x, 0, 6), hardtanh(x, -Infinity, 0)), [input(g, [3, 4], 0.05)]]),
    c('narrow (channel split)', 'narrow: the gradient lands in place, zeros elsewhere',
      () => [(x) => mul(narrow(x, 1, 1, 2), narrow(x, 1, 0, 2)), [input(g, [2, 4, 3])]]),
    c('erf', 'erf (its gradient 2/sqrt(pi) exp(-x^2) in other ops)', () => [(x) => erf(x), [input(g, [3, 4])]]),
    c('elu (alpha 1 and 0.5)', 'elu, eluBackward',
      () => [(x) => add(elu(x), elu(x, 0.5)), [input(g, [3, 4], 0.05)]]),
    c('softmax and logSoftmax', 'softmax, logSoftmax, exp, sum', () => [(x) => add(softmax(x, 1), logSoftmax(x, 1)), [input(g, [3, 5])]]),
    c('crossEntropy with label smoothing', 'logSoftmax, mul, sum, affineScalar', () => [(x) => crossEntropy(x, [1, 0, 4], { labelSmoothing: 0.1 }), [input(g, [3, 5])]]),
    c('batchNorm2d training', 'sub, div, sqrt, mean (broadcasting)', () => [
      (x, w, b) => batchNorm2d(x, null, null, w, b, { training: true }), [input(g, [3, 2, 3, 3]), input(g, [2]), input(g, [2])]]),
    c('broadcast mul and sum', 'mul, sum over dims', () => [(a, b) => sum(mul(a, b), [0, 2]), [input(g, [2, 3, 4]), input(g, [3, 1])]]),
    c('mean over all', 'sum, affineScalar', () => [(x) => mean(x), [input(g, [4, 3])]]),
    c('convTranspose2d stride 2, padding 1, outputPadding 1, bias', 'conv2dBackwardInput (forward), conv2d (dx), conv2dBackwardWeight (dW, roles swapped), add, sum',
      () => [(x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [input(g, [3, 3, 3, 4]), input(g, [3, 2, 3, 3]), input(g, [2])]]),
    c('convTranspose2d stride 3, dilation 2, depthwise', 'transposed conv with groups, dilation and outputPadding below the dilation',
      () => [(x, w) => convTranspose2d(x, w, null, { stride: [3, 1], dilation: 2, groups: 2, outputPadding: [2, 1] }), [input(g, [1, 2, 3, 3]), input(g, [2, 1, 2, 3])]]),
  ];
}
