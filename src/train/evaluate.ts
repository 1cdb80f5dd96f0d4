/**
 * Evaluation of a classifier over a loader: loss, accuracy, top-k,
 * per-class accuracy and the confusion matrix, in eval mode without grad.
 */
import type { DataLoader } from '../data/data-loader.js';
import type { Module } from '../nn/module.js';
import { noGrad } from '../tensor/grad-mode.js';
import { crossEntropy } from '../tensor/ops/loss.js';
import { scope } from '../tensor/scope.js';
import { ConfusionMatrix } from './metrics.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  topKAccuracy: number;
  topK: number;
  perClassAccuracy: number[];
  confusion: ConfusionMatrix;
  count: number;
}

/** @example const r = evaluate(model, testLoader, 10); console.log(r.accuracy); */
export function evaluate(model: Module, loader: DataLoader, numClasses: number, options: { topK?: number } = {}): EvalResult {
  const wasTraining = model.training;
  model.eval();
  const cm = new ConfusionMatrix(numClasses, options.topK ?? 1);
  let lossSum = 0;
  try {
    noGrad(() => {
      for (const batch of loader) {
        scope(() => {
          const logits = model.forward(batch.x);
          lossSum += crossEntropy(logits, batch.y, { reduction: 'sum' }).item();
          cm.addBatch(logits.data, batch.y, batch.indices);
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return {
    loss: cm.total ? lossSum / cm.total : 0,
    accuracy: cm.accuracy,
    topKAccuracy: cm.topKAccuracy,
    topK: options.topK ?? 1,
    perClassAccuracy: cm.perClassAccuracy(),
    confusion: cm,
    count: cm.total,
  };
}
