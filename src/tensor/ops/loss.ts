/**
 * Losses: cross-entropy (from logits, with label smoothing), NLL, MSE.
 * Targets are class indices given as a Tensor of integral floats or any
 * array-like of integers.
 */
import { ShapeError, ValueError, fmt } from '../../errors.js';
import { Tensor } from '../tensor.js';
import { mul, sub, neg } from './elementwise.js';
import { logSoftmax } from './softmax.js';
import { mean, sum } from './reduce.js';
import { currentPath } from './util.js';

export type Reduction = 'mean' | 'sum' | 'none';
export type Target = Tensor | ArrayLike<number>;

export interface CrossEntropyOptions {
  /** Mix the one-hot target with the uniform distribution: (1 - s) * onehot + s / C. */
  labelSmoothing?: number;
  reduction?: Reduction;
}

function targetValues(t: Target): ArrayLike<number> {
  return t instanceof Tensor ? t.data : t;
}

/** One-hot (optionally smoothed) target matrix [N, C], validated against the input. */
function targetMatrix(op: string, input: Tensor, target: Target, smoothing: number): Tensor {
  if (input.ndim !== 2) {
    throw new ShapeError(op, `expected input [N, C] (a batch of class scores), got shape ${fmt(input.shape)}`, currentPath());
  }
  const [n, c] = input.shape as [number, number];
  const t = targetValues(target);
  if (t.length !== n) {
    throw new ShapeError(op, `input has batch size ${n} but target has ${t.length} labels; input shape ${fmt(input.shape)}`, currentPath());
  }
  if (!(smoothing >= 0 && smoothing <= 1)) throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  const m = new Float32Array(n * c).fill(smoothing / c);
  for (let i = 0; i < n; i++) {
    const k = t[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= c) {
      throw new ValueError(`${op}: target ${k} at index ${i} is not a class index in [0, ${c - 1}] (input has ${c} classes)`);
    }
    m[i * c + k] = m[i * c + k]! + (1 - smoothing);
  }
  return new Tensor(m, [n, c]);
}

function reduce(perSample: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return perSample;
  return reduction === 'sum' ? sum(perSample) : mean(perSample);
}

/**
 * Negative log-likelihood of log-probabilities.
 * Shape: input [N, C], target [N] → scalar (or [N] with reduction 'none').
 */
export function nllLoss(logProbs: Tensor, target: Target, options: { reduction?: Reduction } = {}): Tensor {
  const tm = targetMatrix('nllLoss', logProbs, target, 0);
  return reduce(neg(sum(mul(logProbs, tm), 1)), options.reduction ?? 'mean');
}

/**
 * Softmax cross-entropy from raw logits, PyTorch's F.cross_entropy.
 * Shape: logits [N, C], target [N] class indices → scalar (or [N] with reduction 'none').
 *
 * @example
 * const loss = crossEntropy(model.forward(x), labels, { labelSmoothing: 0.1 });
 */
export function crossEntropy(logits: Tensor, target: Target, options: CrossEntropyOptions = {}): Tensor {
  const tm = targetMatrix('crossEntropy', logits, target, options.labelSmoothing ?? 0);
  return reduce(neg(sum(mul(logSoftmax(logits, 1), tm), 1)), options.reduction ?? 'mean');
}

/** Mean squared error. Shape: input and target of the same shape → scalar. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  if (input.numel() !== target.numel() || input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError('mseLoss', `input ${fmt(input.shape)} and target ${fmt(target.shape)} must have the same shape`, currentPath());
  }
  const d = sub(input, target);
  const sq = mul(d, d);
  const r = options.reduction ?? 'mean';
  return r === 'none' ? sq : r === 'sum' ? sum(sq) : mean(sq);
}
