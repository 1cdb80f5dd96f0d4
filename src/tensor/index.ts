/** tensor: the Tensor, autograd, ops, random numbers, scopes, errors. */
export { Tensor, numel, type GradFn, type Shape } from './tensor.js';
export { noGrad, isGradEnabled } from './grad-mode.js';
export { scope } from './scope.js';
export { Generator, manualSeed, defaultGenerator } from '../util/random.js';
export { FoveaError, ShapeError, ValueError } from '../errors.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckMismatch } from './gradcheck.js';
export * from './ops/public.js';
