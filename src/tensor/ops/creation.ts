/**
 * Tensor factories: `tensor`, `zeros`, `ones`, `full`, `randn`, `rand`, `arange`.
 */
import { ShapeError, fmt } from '../../errors.js';
import { Generator, defaultGenerator } from '../../util/random.js';
import { Tensor, empty, numel, type Shape } from '../tensor.js';

type Nested = number | readonly Nested[];

function inferShape(data: Nested): number[] {
  const shape: number[] = [];
  let cur: Nested = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = (cur as readonly Nested[])[0] ?? 0;
  }
  return shape;
}

/**
 * A tensor from (nested) numbers or a Float32Array (copied).
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);            // shape [2, 2]
 * const y = tensor(new Float32Array(6), [2, 3]);
 */
export function tensor(data: Nested | ArrayLike<number>, shape?: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  let flat: Float32Array;
  let s: number[];
  if (typeof data === 'number') {
    flat = Float32Array.of(data);
    s = [];
  } else if (Array.isArray(data)) {
    s = inferShape(data as Nested);
    flat = Float32Array.from((data as unknown[]).flat(Infinity) as number[]);
    if (flat.length !== numel(s)) throw new ShapeError('tensor', `ragged nested array: inferred shape ${fmt(s)} but got ${flat.length} numbers`);
  } else {
    flat = Float32Array.from(data as ArrayLike<number>);
    s = [flat.length];
  }
  if (shape) s = [...shape];
  return new Tensor(flat, s, options.requiresGrad ?? false);
}

export function full(shape: Shape, value: number, options: { requiresGrad?: boolean } = {}): Tensor {
  const t = new Tensor(new Float32Array(numel(shape)).fill(value), shape, options.requiresGrad ?? false);
  return t;
}

export function zeros(shape: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  return full(shape, 1, options);
}

/** A tensor shaped like `t` filled with `value`, in backend memory (recycled by scopes). */
export function fullLike(t: Tensor, value: number): Tensor {
  const out = empty(t.shape);
  out.data.fill(value);
  return out;
}

export function zerosLike(t: Tensor): Tensor {
  return fullLike(t, 0);
}

/** Standard normal samples. */
export function randn(shape: Shape, options: { generator?: Generator; requiresGrad?: boolean } = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  const d = new Float32Array(numel(shape));
  for (let i = 0; i < d.length; i++) d[i] = g.normal();
  return new Tensor(d, shape, options.requiresGrad ?? false);
}

/** Uniform samples in [low, high) (default [0, 1)). */
export function rand(shape: Shape, options: { generator?: Generator; low?: number; high?: number; requiresGrad?: boolean } = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  const lo = options.low ?? 0;
  const hi = options.high ?? 1;
  const d = new Float32Array(numel(shape));
  for (let i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * g.random();
  return new Tensor(d, shape, options.requiresGrad ?? false);
}

/** 0, 1, ..., n - 1 as floats. */
export function arange(n: number): Tensor {
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = i;
  return new Tensor(d, [n]);
}
