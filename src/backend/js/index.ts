/**
 * The js backend: the complete reference implementation of every kernel.
 * It is the oracle of the conformance suite; faster backends fall back to it.
 */
import type { Backend, KernelTable } from '../kernels.js';
import { BufferPool } from './buffer-pool.js';
import * as conv from './conv2d.js';
import * as ew from './elementwise.js';
import { gemm } from './gemm.js';
import * as opt from './optim.js';
import * as pool from './pool.js';
import * as red from './reduce.js';

const jsKernels: KernelTable = {
  neg: ew.neg, exp: ew.exp, log: ew.log, sqrt: ew.sqrt, abs: ew.abs, relu: ew.relu,
  tanh: ew.tanh, sigmoid: ew.sigmoid, square: ew.square,
  add: ew.add, sub: ew.sub, mul: ew.mul, div: ew.div,
  reluBackward: ew.reluBackward, tanhBackward: ew.tanhBackward, sigmoidBackward: ew.sigmoidBackward,
  leakyRelu: ew.leakyRelu, leakyReluBackward: ew.leakyReluBackward,
  hardtanh: ew.hardtanh, hardtanhBackward: ew.hardtanhBackward,
  elu: ew.elu, eluBackward: ew.eluBackward, erf: ew.erf,
  affineScalar: ew.affineScalar, affineChannels: ew.affineChannels, powScalar: ew.powScalar,
  sum: red.sum, max: red.max, argmax: red.argmax, permute: red.permute,
  softmax: red.softmax, logSoftmax: red.logSoftmax,
  matmul(a, b, out, batch, m, n, k, transA, transB, aBatchStride, bBatchStride) {
    for (let i = 0; i < batch; i++) {
      gemm(transA, transB, m, n, k, a, i * aBatchStride, b, i * bBatchStride, out, i * m * n, false);
    }
  },
  conv2d: conv.conv2d,
  conv2dFused: conv.conv2dFused,
  conv2dBackwardInput: conv.conv2dBackwardInput,
  conv2dBackwardWeight: conv.conv2dBackwardWeight,
  maxPool2d: pool.maxPool2d, maxPool2dBackward: pool.maxPool2dBackward,
  avgPool2d: pool.avgPool2d, avgPool2dBackward: pool.avgPool2dBackward,
  adaptiveAvgPool2d: pool.adaptiveAvgPool2d, adaptiveAvgPool2dBackward: pool.adaptiveAvgPool2dBackward,
  sgdStep: opt.sgdStep, adamStep: opt.adamStep,
};

/** Creates the js backend (each call gets its own buffer pool). */
export function createJsBackend(): Backend & { pool: BufferPool } {
  const pool = new BufferPool();
  return {
    name: 'js',
    kernels: jsKernels,
    pool,
    alloc: (size, zero) => pool.alloc(size, zero),
    release: (buf) => pool.release(buf),
  };
}
