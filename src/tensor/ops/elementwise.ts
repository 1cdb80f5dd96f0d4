/**
 * Element-wise ops with NumPy/PyTorch broadcasting, and the activations.
 * Shape: binary ops broadcast right-aligned (`[8, 16, 5, 5] + [16, 1, 1]`).
 */
import { kernels } from '../../backend/configure.js';
import type { BinaryKernel, UnaryKernel } from '../../backend/kernels.js';
import { ShapeError, ValueError, fmt } from '../../errors.js';
import { Tensor, empty, record, type Shape } from '../tensor.js';
import { currentPath } from './util.js';
import { sumTo } from './reduce.js';

export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast (dim ${i - rank}: ${da} vs ${db})`, currentPath());
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function binary(name: BinaryKernel, a: Tensor, b: Tensor): Tensor {
  const shape = a.shape.length === b.shape.length && a.numel() === b.numel() && a.shape.every((d, i) => d === b.shape[i])
    ? a.shape
    : broadcastShapes(name, a.shape, b.shape);
  const out = empty(shape);
  kernels()[name](a.data, a.shape, b.data, b.shape, out.data, shape);
  return out;
}

/** y = x * scale + shift with a scalar scale and shift. */
export function affine(x: Tensor, scale: number, shift: number): Tensor {
  const out = empty(x.shape);
  kernels().affineScalar(x.data, out.data, scale, shift);
  return record(out, 'affine', [x], (g) => [scale === 1 ? g : affine(g, scale, 0)]);
}

export function mulScalar(x: Tensor, s: number): Tensor {
  return affine(x, s, 0);
}

export function add(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1, b);
  const out = binary('add', a, b);
  return record(out, 'add', [a, b], (g) => [sumTo(g, a.shape), sumTo(g, b.shape)]);
}

export function sub(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1, -b);
  const out = binary('sub', a, b);
  return record(out, 'sub', [a, b], (g) => [sumTo(g, a.shape), b.requiresGrad ? sumTo(neg(g), b.shape) : null]);
}

export function mul(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, b, 0);
  const out = binary('mul', a, b);
  return record(out, 'mul', [a, b], (g) => [
    a.requiresGrad ? sumTo(mul(g, b), a.shape) : null,
    b.requiresGrad ? sumTo(mul(g, a), b.shape) : null,
  ]);
}

export function div(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1 / b, 0);
  const out = binary('div', a, b);
  return record(out, 'div', [a, b], (g) => [
    a.requiresGrad ? sumTo(div(g, b), a.shape) : null,
    // d(a/b)/db = -a / b^2 = -out / b
    b.requiresGrad ? sumTo(neg(div(mul(g, out), b)), b.shape) : null,
  ]);
}

function unary(name: UnaryKernel, x: Tensor): Tensor {
  const out = empty(x.shape);
  kernels()[name](x.data, out.data);
  return out;
}

export function neg(x: Tensor): Tensor {
  return record(unary('neg', x), 'neg', [x], (g) => [neg(g)]);
}

export function exp(x: Tensor): Tensor {
  const y = unary('exp', x);
  return record(y, 'exp', [x], (g) => [mul(g, y)]);
}

export function log(x: Tensor): Tensor {
  return record(unary('log', x), 'log', [x], (g) => [div(g, x)]);
}

export function sqrt(x: Tensor): Tensor {
  const y = unary('sqrt', x);
  return record(y, 'sqrt', [x], (g) => [div(mulScalar(g, 0.5), y)]);
}

export function square(x: Tensor): Tensor {
  return record(unary('square', x), 'square', [x], (g) => [mul(g, mulScalar(x, 2))]);
}

export function abs(x: Tensor): Tensor {
  // d|x|/dx = sign(x) (0 at 0, as in PyTorch): relu'(x) - relu'(-x)
  return record(unary('abs', x), 'abs', [x], (g) => [sub(reluGrad(g, x), reluGrad(g, neg(x)))]);
}

export function pow(x: Tensor, exponent: number): Tensor {
  if (exponent === 2) return square(x);
  const out = empty(x.shape);
  kernels().powScalar(x.data, out.data, exponent);
  return record(out, 'pow', [x], (g) => [mul(g, mulScalar(pow(x, exponent - 1), exponent))]);
}

function reluGrad(g: Tensor, x: Tensor): Tensor {
  const out = empty(x.shape);
  kernels().reluBackward(g.data, x.data, out.data);
  return out;
}

/** max(x, 0). */
export function relu(x: Tensor): Tensor {
  return record(unary('relu', x), 'relu', [x], (g) => [reluGrad(g, x)]);
}

/**
 * x clamped to [min, max] (PyTorch's hardtanh; ReLU6 is min 0, max 6; either
 * bound may be ±Infinity). No gradient exactly at a bound, as in PyTorch.
 *
 * Shape: any → the same.
 * @example hardtanh(x, 0, 6) // ReLU6
 */
export function hardtanh(x: Tensor, min = -1, max = 1): Tensor {
  if (!(min <= max)) throw new ValueError(`hardtanh: min ${min} must not exceed max ${max}`);
  const out = empty(x.shape);
  kernels().hardtanh(x.data, out.data, min, max);
  return record(out, 'hardtanh', [x], (g) => {
    const dx = empty(x.shape);
    kernels().hardtanhBackward(g.data, x.data, dx.data, min, max);
    return [dx];
  });
}

/**
 * ELU, PyTorch's elu: x for x > 0, alpha * (exp(x) - 1) otherwise (so it
 * saturates at -alpha). The gradient at 0 is alpha, as in PyTorch.
 *
 * Shape: any → the same.
 * @example elu(x)       // alpha 1, nn.ELU()
 * @example elu(x, 0.5)
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  if (!Number.isFinite(alpha)) throw new ValueError(`elu: alpha must be a finite number, got ${alpha}`);
  const out = empty(x.shape);
  kernels().elu(x.data, out.data, alpha);
  return record(out, 'elu', [x], (g) => {
    const dx = empty(x.shape);
    kernels().eluBackward(g.data, x.data, dx.data, alpha);
    return [dx];
  });
}

/** x for x > 0, slope * x otherwise (PyTorch's default slope 0.01). */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  const out = empty(x.shape);
  kernels().leakyRelu(x.data, out.data, slope);
  return record(out, 'leakyRelu', [x], (g) => {
    const dx = empty(x.shape);
    kernels().leakyReluBackward(g.data, x.data, dx.data, slope);
    return [dx];
  });
}

/**
 * The error function, torch.erf: 2/sqrt(pi) * integral_0^x exp(-t^2) dt (GELU is x/2 * (1 + erf(x/sqrt 2))).
 * Gradient: 2/sqrt(pi) * exp(-x^2).
 *
 * Shape: any, element-wise.
 * @example erf(tensor([0, 0.5, 3]))   // [0, 0.5205, 0.99998]
 */
export function erf(x: Tensor): Tensor {
  const y = empty(x.shape);
  kernels().erf(x.data, y.data);
  return record(y, 'erf', [x], (g) => [mul(g, mulScalar(exp(neg(square(x))), 2 / Math.sqrt(Math.PI)))]);
}

export function tanh(x: Tensor): Tensor {
  const y = unary('tanh', x);
  return record(y, 'tanh', [x], (g) => {
    const dx = empty(x.shape);
    kernels().tanhBackward(g.data, y.data, dx.data);
    return [dx];
  });
}

export function sigmoid(x: Tensor): Tensor {
  const y = unary('sigmoid', x);
  return record(y, 'sigmoid', [x], (g) => {
    const dx = empty(x.shape);
    kernels().sigmoidBackward(g.data, y.data, dx.data);
    return [dx];
  });
}
