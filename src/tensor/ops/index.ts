/** Every tensor op, for `Tensor`'s methods and the functional API. */
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './shape.js';
export * from './matmul.js';
export * from './conv.js';
export * from './conv-transpose.js';
export * from './pool.js';
export * from './softmax.js';
export * from './dropout.js';
export * from './batch-norm.js';
export * from './loss.js';
export { currentPath } from './util.js';
