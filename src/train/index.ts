/** train: the fit loop, evaluation, metrics. */
export { fit, trainStep, type FitOptions, type FitResult, type EpochLog, type BatchLog } from './fit.js';
export { evaluate, type EvalResult } from './evaluate.js';
export { ConfusionMatrix } from './metrics.js';
