/**
 * The cases of the conformance suite (see conformance.ts): every kernel of
 * KERNEL_NAMES on many shapes. This file holds the element-wise, reduction,
 * layout, matmul and optimiser cases; conformance-conv-pool.ts the rest.
 */
import { makeCase, numel, fmt, type ConformanceCase } from './conformance-case.js';
import { convCases, poolCases } from './conformance-conv-pool.js';
import type { AdamAttrs, BinaryKernel, SgdAttrs, Shape, UnaryKernel } from './kernels.js';

// ---------------------------------------------------------------- element-wise

const UNARY: readonly UnaryKernel[] = ['neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'tanh', 'sigmoid', 'square'];
const SIZES = [1, 7, 64, 1001];

function unaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const kernel of UNARY) {
    const positive = kernel === 'log' || kernel === 'sqrt';
    for (const n of SIZES) {
      out.push(makeCase(kernel, `${n} elements`, (k, x) => {
        const a = positive ? x.uniform(n, 0.01, 10) : x.normal(n, 3);
        const y = x.out(n);
        k[kernel](a, y);
        return [y];
      }));
    }
    out.push(makeCase(kernel, 'special values', (k, x) => {
      const vals = positive ? [1e-6, 1, 1e4, 0.5, 1e-3] : [0, -0.5, 0.5, 20, -20, 1e-4, -1e-4, 88];
      const a = x.input(Float32Array.from(vals));
      const y = x.out(a.length);
      k[kernel](a, y);
      return [y];
    }));
  }
  return out;
}

/** erf: served by the reference on every backend today, checked all the same (a faster one may come). */
function erfCases(): ConformanceCase[] {
  const out = SIZES.map((n) => makeCase('erf', `${n} elements`, (k, x) => {
    const a = x.normal(n, 2);
    const y = x.out(n);
    k.erf(a, y);
    return [y];
  }));
  out.push(makeCase('erf', 'special values (0, tiny, the series/erfc switch at 0.5, saturation, infinities)', (k, x) => {
    const a = x.input(Float32Array.from([0, -0, 1e-8, -1e-4, 0.4999, 0.5, -0.5, 0.5001, 1, -2, 3.5, 6, -10, Infinity, -Infinity]));
    const y = x.out(a.length);
    k.erf(a, y);
    return [y];
  }));
  return out;
}

/** Right-aligned broadcast of two shapes (they are chosen compatible). */
function broadcast(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

const BINARY: readonly BinaryKernel[] = ['add', 'sub', 'mul', 'div'];
const BINARY_SHAPES: readonly [string, Shape, Shape][] = [
  ['same shape [2, 3, 4, 5]', [2, 3, 4, 5], [2, 3, 4, 5]],
  ['same shape 1-D [7]', [7], [7]],
  ['scalar [] right', [3, 4], []],
  ['scalar [] left', [], [3, 4]],
  ['scalar [1] right', [2, 5], [1]],
  ['both scalars', [], []],
  ['[N, C, H, W] + [1, C, 1, 1]', [2, 3, 4, 5], [1, 3, 1, 1]],
  ['[N, C, H, W] + [C, 1, 1] (differing ranks)', [2, 3, 4, 5], [3, 1, 1]],
  ['[C, 1, 1] + [N, C, H, W] (broadcast on the left)', [3, 1, 1], [2, 3, 4, 5]],
  ['[N, C, H, W] + [W] (last dim)', [2, 3, 4, 5], [5]],
  ['[N, 1] + [1, M] (both broadcast)', [4, 1], [1, 6]],
  ['[2, 1, 4] + [3, 1] (both broadcast, differing ranks)', [2, 1, 4], [3, 1]],
  ['[N, C] + [C] (bias)', [8, 10], [10]],
  ['[1, 1, 1] + [2, 3] (size-1 leading dims)', [1, 1, 1], [2, 3]],
  ['[2, 3, 1, 5] + [4, 1] (inner broadcast)', [2, 3, 1, 5], [4, 1]],
  ['[N, C, 7, 7] + [1, C, 1, 1] (per-channel runs of 49: vector body and tail)', [2, 5, 7, 7], [1, 5, 1, 1]],
  ['[1, C, 1, 1] + [N, C, 9, 9] (per-channel value on the left)', [1, 4, 1, 1], [2, 4, 9, 9]],
  ['[N, C, H, W] + [1, C, H, W] (contiguous runs, b repeated per image)', [3, 4, 6, 6], [1, 4, 6, 6]],
];

function binaryCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const kernel of BINARY) {
    for (const [name, as, bs] of BINARY_SHAPES) {
      out.push(makeCase(kernel, name, (k, x) => {
        const a = x.normal(numel(as));
        const b = kernel === 'div' ? x.awayFromZero(numel(bs)) : x.normal(numel(bs));
        const os = broadcast(as, bs);
        const y = x.out(numel(os));
        k[kernel](a, as, b, bs, y, os);
        return [y];
      }));
    }
  }
  return out;
}

function activationCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const n of [1, 9, 500]) {
    out.push(makeCase('reluBackward', `${n} elements, zeros in x`, (k, x) => {
      const dy = x.normal(n);
      const v = x.state(n);
      for (let i = 0; i < n; i += 4) v[i] = 0;
      const a = x.input(v);
      const y = x.out(n);
      k.reluBackward(dy, a, y);
      return [y];
    }));
    for (const [kernel, f] of [['tanhBackward', Math.tanh], ['sigmoidBackward', (v: number) => 1 / (1 + Math.exp(-v))]] as const) {
      out.push(makeCase(kernel, `${n} elements`, (k, x) => {
        const dy = x.normal(n);
        const saved = x.input(Float32Array.from(x.state(n, 2), f));
        const y = x.out(n);
        k[kernel](dy, saved, y);
        return [y];
      }));
    }
    for (const slope of [0.01, 0.2, 0]) {
      out.push(makeCase('leakyRelu', `${n} elements, slope ${slope}`, (k, x) => {
        const a = x.normal(n, 2);
        const y = x.out(n);
        k.leakyRelu(a, y, slope);
        return [y];
      }));
      out.push(makeCase('leakyReluBackward', `${n} elements, slope ${slope}, zeros in x`, (k, x) => {
        const dy = x.normal(n);
        const v = x.state(n);
        for (let i = 0; i < n; i += 3) v[i] = 0;
        const a = x.input(v);
        const y = x.out(n);
        k.leakyReluBackward(dy, a, y, slope);
        return [y];
      }));
    }
  }
  for (const n of [1, 7, 64, 1000]) {
    for (const [lo, hi] of [[0, 6], [-1, 1], [-Infinity, 0.5], [-0.5, Infinity], [0.25, 0.25]] as const) {
      out.push(makeCase('hardtanh', `${n} elements, [${lo}, ${hi}]`, (k, x) => {
        const a = x.normal(n, 4);
        const y = x.out(n);
        k.hardtanh(a, y, lo, hi);
        return [y];
      }));
      out.push(makeCase('hardtanhBackward', `${n} elements, [${lo}, ${hi}], x on the bounds`, (k, x) => {
        const dy = x.normal(n);
        const v = x.state(n, 4);
        for (let i = 0; i < n; i += 3) v[i] = i % 2 ? lo : hi; // no gradient exactly at a bound
        const a = x.input(v);
        const y = x.out(n);
        k.hardtanhBackward(dy, a, y, lo, hi);
        return [y];
      }));
    }
  }
  // ELU: odd lengths (SIMD tails), alpha != 1 and 0, zeros in x (gradient dy * alpha there), and
  // large negative inputs, where exp underflows and the output must settle at exactly -alpha
  const eluSpecial = [0, -0, 1e-7, -1e-7, -1e-3, 0.5, -0.5, -5, -20, -88, -104, -1e4, -Infinity, 20, 1e4, NaN, Infinity];
  for (const alpha of [1, 0.3, 2.5, 0]) {
    for (const n of [1, 7, 64, 1001]) {
      out.push(makeCase('elu', `${n} elements, alpha ${alpha}`, (k, x) => {
        const a = x.normal(n, 4);
        const y = x.out(n);
        k.elu(a, y, alpha);
        return [y];
      }));
      out.push(makeCase('eluBackward', `${n} elements, alpha ${alpha}, zeros in x`, (k, x) => {
        const dy = x.normal(n);
        const v = x.state(n, 4);
        for (let i = 0; i < n; i += 3) v[i] = 0;
        const a = x.input(v);
        const y = x.out(n);
        k.eluBackward(dy, a, y, alpha);
        return [y];
      }));
    }
    out.push(makeCase('elu', `special values, alpha ${alpha}`, (k, x) => {
      const a = x.input(Float32Array.from(eluSpecial));
      const y = x.out(a.length);
      k.elu(a, y, alpha);
      return [y];
    }));
    out.push(makeCase('eluBackward', `special values, alpha ${alpha}`, (k, x) => {
      const a = x.input(Float32Array.from(eluSpecial.filter((v) => !Number.isNaN(v))));
      const dy = x.normal(a.length);
      const y = x.out(a.length);
      k.eluBackward(dy, a, y, alpha);
      return [y];
    }));
  }
  for (const [scale, shift] of [[2, 0], [1, -0.5], [-0.25, 3], [0, 1], [1e-3, 1e3]] as const) {
    out.push(makeCase('affineScalar', `scale ${scale}, shift ${shift}`, (k, x) => {
      const a = x.normal(257);
      const y = x.out(257);
      k.affineScalar(a, y, scale, shift);
      return [y];
    }));
  }
  for (const [n, channels, size] of [[2, 3, 49], [1, 5, 1], [4, 2, 6], [3, 1, 7]] as const) {
    out.push(makeCase('affineChannels', `x [${n}, ${channels}, ${size}]`, (k, x) => {
      const a = x.normal(n * channels * size);
      const scale = x.normal(channels), shift = x.normal(channels);
      const y = x.out(a.length);
      k.affineChannels(a, scale, shift, y, size);
      return [y];
    }));
  }
  for (const [exponent, signed] of [[2, true], [3, true], [0.5, false], [-1, false], [1.5, false], [0, true], [-2, true]] as const) {
    out.push(makeCase('powScalar', `exponent ${exponent}${signed ? ', signed inputs' : ''}`, (k, x) => {
      const a = signed ? x.awayFromZero(123, 0.1) : x.uniform(123, 0.1, 3);
      const y = x.out(123);
      k.powScalar(a, y, exponent);
      return [y];
    }));
  }
  return out;
}

// ---------------------------------------------------------------- reductions and layout

function reductionCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const sums: [Shape, number[]][] = [
    [[7], [0]], [[3, 4], [0]], [[3, 4], [1]], [[3, 4], [0, 1]], [[3, 4], []],
    [[2, 3, 4, 5], [0, 2, 3]], [[2, 3, 4, 5], [1]], [[2, 3, 4, 5], [3]], [[2, 3, 4, 5], [0, 1, 2, 3]],
    [[2, 3, 4, 5], [1, 2]], [[2, 3, 4, 5], [0, 3]], [[1, 5, 1], [0, 2]], [[4, 300], [1]], [[], []],
  ];
  for (const [shape, axes] of sums) {
    out.push(makeCase('sum', `${fmt(shape)} over axes ${fmt(axes)}`, (k, x) => {
      const a = x.normal(numel(shape));
      const y = x.out(numel(shape.filter((_, i) => !axes.includes(i))));
      k.sum(a, shape, axes, y);
      return [y];
    }));
  }
  const maxes: [Shape, number][] = [
    [[5], 0], [[3, 4], 0], [[3, 4], 1], [[2, 3, 4, 5], 0], [[2, 3, 4, 5], 1], [[2, 3, 4, 5], 2],
    [[2, 3, 4, 5], 3], [[4, 1, 3], 1], [[8, 10], 1],
  ];
  for (const kernel of ['max', 'argmax'] as const) {
    for (const [shape, axis] of maxes) {
      out.push(makeCase(kernel, `${fmt(shape)} along axis ${axis}`, (k, x) => {
        const a = x.normal(numel(shape));
        const y = x.out(numel(shape) / shape[axis]!);
        k[kernel](a, shape, axis, y);
        return [y];
      }));
    }
    out.push(makeCase(kernel, '[6, 7] along axis 1 with ties (first maximum wins)', (k, x) => {
      const a = x.ties(42);
      const y = x.out(6);
      k[kernel](a, [6, 7], 1, y);
      return [y];
    }));
    out.push(makeCase(kernel, '[5, 7] along axis 1 with NaNs (the first NaN wins, as torch.max)', (k, x) => {
      const a = x.withNaN(35, 11, 2);
      const y = x.out(5);
      k[kernel](a, [5, 7], 1, y);
      return [y];
    }));
  }
  const perms: [Shape, number[]][] = [
    [[3, 5], [1, 0]], [[3, 5], [0, 1]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], [1, 2, 0]], [[2, 3, 4], [0, 2, 1]],
    [[2, 3, 4, 5], [0, 2, 3, 1]], [[2, 3, 4, 5], [0, 3, 1, 2]], [[2, 3, 4, 5], [3, 2, 1, 0]],
    [[2, 3, 4, 5], [0, 1, 2, 3]], [[1, 4, 1, 3], [3, 1, 0, 2]], [[7], [0]],
  ];
  for (const [shape, perm] of perms) {
    out.push(makeCase('permute', `${fmt(shape)} by ${fmt(perm)}`, (k, x) => {
      const a = x.normal(numel(shape));
      const y = x.out(numel(shape));
      k.permute(a, shape, perm, y);
      return [y];
    }));
  }
  const softmaxes: [number, number, number, number][] = [
    [1, 10, 1, 1], [4, 5, 1, 1], [2, 3, 4, 1], [3, 1, 2, 1], [2, 7, 3, 10], [1, 1000, 1, 1], [5, 4, 1, 50],
  ];
  for (const kernel of ['softmax', 'logSoftmax'] as const) {
    for (const [outer, dim, inner, scale] of softmaxes) {
      out.push(makeCase(kernel, `[outer ${outer}, dim ${dim}, inner ${inner}]${scale > 1 ? `, logits x${scale}` : ''}`, (k, x) => {
        const a = x.normal(outer * dim * inner, scale);
        const y = x.out(outer * dim * inner);
        k[kernel](a, outer, dim, inner, y);
        return [y];
      }));
    }
  }
  return out;
}

function matmulCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  // [batch, m, n, k, broadcast 'a' | 'b' | '']
  const shapes: [number, number, number, number, string][] = [
    [1, 1, 1, 1, ''], [1, 5, 7, 3, ''], [1, 7, 5, 13, ''], [1, 2, 9, 1, ''], [3, 4, 6, 5, ''],
    [2, 3, 1, 9, ''], [4, 5, 3, 6, 'a'], [4, 5, 3, 6, 'b'], [1, 16, 17, 33, ''], [2, 10, 12, 8, 'b'],
    // small m, long k (with A @ B^T, the wasm backend's dot-product path): eight-row groups and tails
    [1, 1, 19, 37, ''], [1, 3, 16, 64, ''],
    // ... and a B of over 2^18 floats (with A @ B^T, the wasm backend streams a JS-memory B in blocks)
    [1, 1, 300, 1000, ''], [1, 3, 70, 4001, ''],
  ];
  for (const [batch, m, n, kk, bc] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const flags = `${transA ? 'A^T' : 'A'} ${transB ? 'B^T' : 'B'}`;
        const name = `batch ${batch}, m ${m}, n ${n}, k ${kk}, ${flags}${bc ? `, ${bc} broadcast (batch stride 0)` : ''}`;
        out.push(makeCase('matmul', name, (k, x) => {
          const aBS = bc === 'a' ? 0 : m * kk;
          const bBS = bc === 'b' ? 0 : kk * n;
          const a = x.normal((bc === 'a' ? 1 : batch) * m * kk, 1 / Math.sqrt(kk));
          const b = x.normal((bc === 'b' ? 1 : batch) * kk * n);
          const c = x.out(batch * m * n);
          k.matmul(a, b, c, batch, m, n, kk, transA, transB, aBS, bBS);
          return [c];
        }));
      }
    }
  }
  return out;
}
// ---------------------------------------------------------------- optimisers

function optimCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const n = 37;
  const sgd: [string, SgdAttrs][] = [
    ['plain (no momentum)', { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true }],
    ['weight decay, no momentum', { lr: 0.05, momentum: 0, dampening: 0, weightDecay: 1e-2, nesterov: false, firstStep: false }],
    ['momentum, first step (buffer = gradient)', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true }],
    ['momentum, later step', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: false }],
    ['momentum + weight decay, later step', { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: false, firstStep: false }],
    ['dampening 0.5, first step (no dampening)', { lr: 0.1, momentum: 0.8, dampening: 0.5, weightDecay: 0, nesterov: false, firstStep: true }],
    ['dampening 0.1, later step', { lr: 0.1, momentum: 0.8, dampening: 0.1, weightDecay: 0, nesterov: false, firstStep: false }],
    ['nesterov, first step', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true, firstStep: true }],
    ['nesterov + weight decay, later step', { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 5e-4, nesterov: true, firstStep: false }],
  ];
  for (const [name, attrs] of sgd) {
    out.push(makeCase('sgdStep', name, (k, x) => {
      const p = x.state(n);
      const g = x.normal(n);
      const buf = attrs.momentum !== 0 ? x.state(n) : null;
      k.sgdStep(p, g, buf, attrs);
      return buf ? [p, buf] : [p];
    }));
  }
  const base: AdamAttrs = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 };
  const adam: [string, AdamAttrs, boolean][] = [
    ['adam, step 1, zero moments', base, false],
    ['adam, step 7', { ...base, lr: 1e-2, step: 7 }, true],
    ['adam, L2 weight decay 1e-2, step 3', { ...base, weightDecay: 1e-2, step: 3 }, true],
    ['adamw, decoupled weight decay 0.1, step 1', { ...base, weightDecay: 0.1, decoupled: true }, false],
    ['adamw, decoupled weight decay 1e-2, step 12', { ...base, lr: 3e-3, weightDecay: 1e-2, decoupled: true, step: 12 }, true],
    ['betas [0.5, 0.9], eps 1e-3, step 2', { ...base, beta1: 0.5, beta2: 0.9, eps: 1e-3, step: 2 }, true],
    ['adam, step 1000', { ...base, step: 1000 }, true],
  ];
  for (const [name, attrs, warm] of adam) {
    out.push(makeCase('adamStep', name, (k, x) => {
      const p = x.state(n);
      const g = x.normal(n);
      const m = warm ? x.state(n, 0.1) : new Float32Array(n);
      const v = warm ? x.state(n, 0.1, true) : new Float32Array(n);
      k.adamStep(p, g, m, v, attrs);
      return [p, m, v];
    }));
  }
  return out;
}

/** Every conformance case, grouped by kernel. */
export function conformanceCases(): ConformanceCase[] {
  return [
    ...unaryCases(), ...erfCases(), ...binaryCases(), ...activationCases(), ...reductionCases(), ...matmulCases(),
    ...convCases(), ...poolCases(), ...optimCases(),
  ];
}
