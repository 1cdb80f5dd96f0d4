/**
 * Evaluation of a classifier over a loader: loss, accuracy, top-k,
 * per-class accuracy and the confusion matrix, in eval mode without grad.
 */
import type { Batch, BatchSource } from '../data/batch-source.js';
import type { Module } from '../nn/module.js';
import { ValueError } from '../errors.js';
import { noGrad } from '../tensor/grad-mode.js';
import { crossEntropy } from '../tensor/ops/loss.js';
import { scope } from '../tensor/scope.js';
import { CellExamples } from './cell-examples.js';
import { ConfusionMatrix } from './metrics.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  topKAccuracy: number;
  topK: number;
  perClassAccuracy: number[];
  confusion: ConfusionMatrix;
  count: number;
  /** With `examplesPerCell`: the most confident examples of every confusion-matrix cell. */
  examples?: CellExamples;
}

/** Options of {@link evaluate} and {@link evaluateAsync}. */
export interface EvaluateOptions {
  /** Also count a hit when the class is among the top K (default 1). */
  topK?: number;
  /** Keep the N most confident examples of every confusion-matrix cell, with their probabilities (`result.examples`). */
  examplesPerCell?: number;
}

/**
 * Evaluates `model` on every batch of `loader` (one epoch of a
 * {@link BatchSource}, or any iterable of batches), synchronously. A loader
 * whose batches come asynchronously (a `DataLoader` with `numWorkers > 0`)
 * needs {@link evaluateAsync}.
 *
 * @example const r = evaluate(model, testLoader, 10); console.log(r.accuracy);
 */
export function evaluate(model: Module, loader: BatchSource | Iterable<Batch>, numClasses: number, options: EvaluateOptions = {}): EvalResult {
  const batches = epochOf(loader);
  if (!(Symbol.iterator in batches)) {
    throw new ValueError('evaluate: this loader delivers its batches asynchronously; use `await evaluateAsync(model, loader, numClasses)`');
  }
  const run = new Evaluation(model, numClasses, options);
  try {
    for (const batch of batches) run.add(batch);
  } finally {
    run.end();
  }
  return run.result();
}

/**
 * {@link evaluate} for any loader, batches synchronous or asynchronous
 * (a `DataLoader` with worker threads): the same result.
 *
 * @example const r = await evaluateAsync(model, new DataLoader(test, { batchSize: 256, numWorkers: 2 }), 10);
 */
export async function evaluateAsync(
  model: Module, loader: BatchSource | Iterable<Batch> | AsyncIterable<Batch>, numClasses: number, options: EvaluateOptions = {},
): Promise<EvalResult> {
  const run = new Evaluation(model, numClasses, options);
  try {
    for await (const batch of epochOf(loader)) run.add(batch);
  } finally {
    run.end();
  }
  return run.result();
}

function epochOf<T extends Iterable<Batch> | AsyncIterable<Batch>>(loader: BatchSource | T): Iterable<Batch> | AsyncIterable<Batch> {
  return 'batches' in loader && typeof loader.batches === 'function' ? loader.batches() : (loader as T);
}

/** The sums of one evaluation; the model is in eval mode from construction to end(). */
class Evaluation {
  private readonly cm: ConfusionMatrix;
  private readonly wasTraining: boolean;
  private readonly examples: CellExamples | undefined;
  private readonly topK: number;
  private lossSum = 0;

  constructor(private readonly model: Module, numClasses: number, o: EvaluateOptions) {
    this.topK = o.topK ?? 1;
    this.cm = new ConfusionMatrix(numClasses, this.topK);
    this.examples = o.examplesPerCell ? new CellExamples(numClasses, o.examplesPerCell) : undefined;
    this.wasTraining = model.training;
    model.eval();
  }

  add(batch: Batch): void {
    // grad mode per batch, not around the loop: an async loop would leave it off for other code between batches
    noGrad(() => scope(() => {
      const logits = this.model.forward(batch.x);
      this.lossSum += crossEntropy(logits, batch.y, { reduction: 'sum' }).item();
      this.cm.addBatch(logits.data, batch.y, batch.indices);
      this.examples?.addBatch(logits.data, batch.y, batch.indices);
    }));
  }

  end(): void {
    this.model.train(this.wasTraining);
  }

  result(): EvalResult {
    const cm = this.cm;
    return {
      loss: cm.total ? this.lossSum / cm.total : 0,
      accuracy: cm.accuracy,
      topKAccuracy: cm.topKAccuracy,
      topK: this.topK,
      perClassAccuracy: cm.perClassAccuracy(),
      confusion: cm,
      count: cm.total,
      ...(this.examples ? { examples: this.examples } : {}),
    };
  }
}
