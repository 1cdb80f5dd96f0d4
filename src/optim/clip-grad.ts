import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales all gradients so that their joint L2 norm is at most maxNorm
 * (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number): number {
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sq = 0;
  for (const g of grads) for (const v of g.data) sq += v * v;
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const g of grads) { const d = g.data; for (let i = 0; i < d.length; i++) d[i] = d[i]! * coef; }
  return norm;
}
