/** Global switch for gradient recording (PyTorch's torch.no_grad). */
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs fn without recording operations for autograd (inference, optimiser
 * updates). Returns fn's result.
 *
 * @example
 * const probs = noGrad(() => model.forward(x).softmax(1));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
