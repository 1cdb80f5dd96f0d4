/**
 * The K most likely classes of a probability vector, best first: what
 * `predict`, `explain`, the charts and the web app show. Platform-free.
 */
import { ValueError } from '../errors.js';

/** One ranked class. */
export interface RankedClass {
  /** The class name (`classNames[index]`). */
  class: string;
  /** The class's output index. */
  index: number;
  probability: number;
}

/**
 * The `k` most probable classes, best first; ties keep the lower index
 * first (as `torch.topk` on a stable sort). `k` is clamped to the number of
 * classes.
 *
 * @throws {ValueError} when a probability is NaN or infinite (the model's
 * output is not finite); ranking NaNs would show an arbitrary class.
 * Shape: `probabilities` is `[classes]` (one row of `softmax(logits, 1)`).
 * @example topK(softmax(model.forward(x), 1).data, 3, meta.classNames) // [{ class: 'rose', index: 2, probability: 0.91 }, ...]
 */
export function topK(probabilities: ArrayLike<number>, k: number, classNames: readonly string[]): RankedClass[] {
  if (classNames.length !== probabilities.length) {
    throw new RangeError(`topK: ${probabilities.length} probabilities but ${classNames.length} class names`);
  }
  let bad = 0;
  for (let i = 0; i < probabilities.length; i++) if (!Number.isFinite(probabilities[i])) bad++;
  if (bad > 0) {
    throw new ValueError(
      `topK: ${bad} of the ${probabilities.length} class probabilities are not finite (NaN or infinite): the model's output is not finite, ` +
        'so the classes cannot be ranked; check the model file\'s weights and the input image',
    );
  }
  return Array.from(probabilities, (probability, index) => ({ class: classNames[index]!, index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, Math.max(0, Math.min(k, probabilities.length)));
}
