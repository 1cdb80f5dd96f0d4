/**
 * Batch normalisation over (N, H, W) per channel, PyTorch's F.batch_norm for
 * 4-D input. Written in terms of other ops, so its gradient comes for free.
 */
import { ShapeError, fmt } from '../../errors.js';
import { kernels } from '../../backend/configure.js';
import { isGradEnabled, noGrad } from '../grad-mode.js';
import { Tensor, empty } from '../tensor.js';
import { add, mul, sub, div, sqrt } from './elementwise.js';
import { ones } from './creation.js';
import { mean } from './reduce.js';
import { currentPath } from './util.js';

export interface BatchNormOptions {
  training: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Shape: x [N, C, H, W]; runningMean, runningVar, weight, bias [C] → [N, C, H, W].
 * In training the batch statistics normalise x and update the running ones in
 * place (running var with the unbiased estimate, as PyTorch).
 */
export function batchNorm2d(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  weight: Tensor | null, bias: Tensor | null, options: BatchNormOptions,
): Tensor {
  const [n, c, h, w] = x.dims4('batchNorm2d');
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new ShapeError('batchNorm2d', `input has ${c} channels but ${name} has shape ${fmt(t.shape)}; input shape ${fmt(x.shape)}`, currentPath());
    }
  }
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const cs = [1, c, 1, 1];
  let xhat: Tensor;
  if (options.training || !runningMean || !runningVar) {
    const count = n * h * w;
    if (options.training && count <= 1) {
      throw new ShapeError('batchNorm2d', `expected more than 1 value per channel when training, got input shape ${fmt(x.shape)}`, currentPath());
    }
    const mu = mean(x, [0, 2, 3], true);
    const xc = sub(x, mu);
    const v = mean(mul(xc, xc), [0, 2, 3], true);
    xhat = div(xc, sqrt(add(v, eps)));
    if (options.training && runningMean && runningVar) {
      noGrad(() => {
        const rm = runningMean.data, rv = runningVar.data, bm = mu.data, bv = v.data;
        const unbias = count / (count - 1);
        for (let i = 0; i < c; i++) {
          rm[i] = (1 - momentum) * rm[i]! + momentum * bm[i]!;
          rv[i] = (1 - momentum) * rv[i]! + momentum * bv[i]! * unbias;
        }
      });
    }
  } else {
    // With fixed statistics the layer is a per-channel affine map, y = x * scale + shift: computed on the
    // [C] vectors first, it makes two passes over x instead of four (and keeps two full-size tensors for
    // backward instead of four); gradients still reach weight and bias through scale and shift.
    let scale = div(ones([c]), sqrt(add(runningVar, eps)));
    let shift = mul(runningMean, scale);
    if (weight) {
      scale = mul(scale, weight);
      shift = mul(shift, weight);
    }
    shift = bias ? sub(bias, shift) : mul(shift, -1);
    if (isGradEnabled() && [x, weight, bias].some((t) => t?.requiresGrad)) return add(mul(x, scale.reshape(cs)), shift.reshape(cs));
    // Inference (nothing to differentiate): one pass over x.
    const out = empty(x.shape);
    kernels().affineChannels(x.data, scale.data, shift.data, out.data, h * w);
    return out;
  }
  let y = xhat;
  if (weight) y = mul(y, weight.reshape(cs));
  if (bias) y = add(y, bias.reshape(cs));
  return y;
}
