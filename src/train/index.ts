/** train: the fit loop, evaluation, metrics. */
export { fit, trainStep, type FitOptions, type FitResult, type EpochLog, type BatchLog, type FitState } from './fit.js';
export { TrainingInterrupted } from './training-interrupted.js';
export { evaluate, evaluateAsync, type EvalResult, type EvaluateOptions } from './evaluate.js';
export { CellExamples, type CellExample } from './cell-examples.js';
export { ConfusionMatrix } from './metrics.js';
export { encodeCheckpoint, decodeCheckpoint, CHECKPOINT_FORMAT, type Checkpoint, type OptimizerState } from './checkpoint.js';
export { extractFeatures, mapFeatures, FeatureLoader, featureStats, standardize, type FeatureSet, type ImageBatches, type ExtractOptions, type FeatureLoaderOptions, type FeatureStats } from './feature-cache.js';
export { foldStandardization } from './feature-cache.js';
export { trainHead, type TrainHeadOptions, type TrainedHead } from './train-head.js';
export { crossValidate, type CrossValidation, type FoldResult } from './cross-validate.js';
export { makeOptimizer, makeScheduler, learningRate, DEFAULT_LR, type OptimizerChoice, type OptimizerName, type ScheduleName, type TrainingSettings } from './optimizer-choice.js';
