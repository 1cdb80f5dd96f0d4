/**
 * Optimiser update kernels (in place), following torch.optim's formulas.
 */
import type { AdamAttrs, F32, SgdAttrs } from '../kernels.js';

/**
 * SGD: g = grad + wd * p; buf = momentum * buf + (1 - dampening) * g (buf = g on
 * the first step); g = nesterov ? g + momentum * buf : buf; p -= lr * g.
 */
export function sgdStep(p: F32, grad: F32, buf: F32 | null, a: SgdAttrs): void {
  const { lr, momentum, dampening, weightDecay, nesterov, firstStep } = a;
  for (let i = 0; i < p.length; i++) {
    let g = grad[i]! + weightDecay * p[i]!;
    if (momentum !== 0 && buf) {
      const b = firstStep ? g : momentum * buf[i]! + (1 - dampening) * g;
      buf[i] = b;
      g = nesterov ? g + momentum * b : b;
    }
    p[i] = p[i]! - lr * g;
  }
}

/**
 * Adam (weight decay added to the gradient) or AdamW (decoupled: p *= 1 - lr * wd),
 * with bias correction: p -= lr * m_hat / (sqrt(v_hat) + eps).
 */
export function adamStep(p: F32, grad: F32, m: F32, v: F32, a: AdamAttrs): void {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = a;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  const stepSize = lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  for (let i = 0; i < p.length; i++) {
    let pi = p[i]!;
    let g = grad[i]!;
    if (decoupled) pi *= 1 - lr * weightDecay;
    else g += weightDecay * pi;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}
