/**
 * The backward pass that gradient explanations share (saliency, Grad-CAM):
 * one class's score, differentiated with respect to whatever the caller made
 * a leaf, with the model's parameters left out of the gradient.
 */
import { ShapeError, ValueError, fmt } from '../errors.js';
import type { Module } from '../nn/module.js';
import { tensor } from '../tensor/ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Runs `fn` with every parameter of `model` excluded from gradients (so a
 * backward pass costs no weight gradients and leaves `.grad` as it was), then
 * restores each parameter's `requiresGrad`.
 */
export function withFrozenParameters<T>(model: Module, fn: () => T): T {
  const params = [...model.parameters()];
  const was = params.map((p) => p.requiresGrad);
  for (const p of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    params.forEach((p, i) => (p.requiresGrad = was[i]!));
  }
}

/**
 * Runs the model on one image and backpropagates the logit of `classIndex`
 * (default: the top class). Returns the class and a copy of the logits.
 * @throws {ShapeError} when the model's output is not `[1, classes]`; {@link ValueError} for a class out of range.
 */
export function classScoreBackward(model: Module, x: Tensor, classIndex: number | undefined, op: string): { classIndex: number; logits: Float32Array } {
  const out = model.forward(x);
  if (out.shape.length !== 2 || out.shape[0] !== 1) throw new ShapeError(op, `the model's output is ${fmt(out.shape)}; explaining a class needs class scores [1, classes]`);
  const logits = out.data.slice();
  const k = classIndex ?? logits.indexOf(Math.max(...logits));
  if (!Number.isInteger(k) || k < 0 || k >= logits.length) throw new ValueError(`${op}: classIndex ${k} is out of range for ${logits.length} classes`);
  if (out.requiresGrad) {
    const pick = new Float32Array(logits.length);
    pick[k] = 1;
    out.mul(tensor(pick, out.shape)).sum().backward();
  }
  return { classIndex: k, logits };
}
