/** optim: optimisers, learning-rate schedules, gradient clipping. */
export { Optimizer } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { LRScheduler, StepLR, CosineAnnealingLR, OneCycleLR } from './lr-scheduler.js';
export { clipGradNorm_ } from './clip-grad.js';
