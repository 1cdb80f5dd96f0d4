/**
 * The js backend is the reference every other backend is measured against,
 * so it gets its own independent check: each js kernel against a naive,
 * obviously-correct float64 twin written here (a 7-loop direct convolution,
 * its backward as the literal transpose, a triple-loop matmul, PyTorch's
 * pooling-window formulas, the torch.optim update rules as documented), on
 * every shape of the conformance suite, plus a few hand-computed values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformanceCases, formatConformance, runConformance } from '../conformance.js';
import { KERNEL_NAMES, MAX_POOL_2X2, epilogueShape, type F32, type KernelTable, type Pool2dAttrs, type Shape } from '../kernels.js';
import { createJsBackend } from './index.js';

const js = createJsBackend().kernels as KernelTable;

// ---------------------------------------------------------------- index helpers

/** Multi-index of flat index i in a row-major array of shape s. */
function unravel(i: number, s: Shape): number[] {
  const idx = new Array<number>(s.length).fill(0);
  for (let d = s.length - 1; d >= 0; d--) {
    idx[d] = i % s[d]!;
    i = Math.floor(i / s[d]!);
  }
  return idx;
}

function ravel(idx: readonly number[], s: Shape): number {
  let i = 0;
  for (let d = 0; d < s.length; d++) i = i * s[d]! + idx[d]!;
  return i;
}

/** Index into a broadcast operand of shape s for an output multi-index (right-aligned, size-1 dims pinned to 0). */
function broadcastIndex(outIdx: readonly number[], s: Shape): number {
  const lead = outIdx.length - s.length;
  return ravel(s.map((d, i) => (d === 1 ? 0 : outIdx[lead + i]!)), s);
}

function addAt(acc: Float64Array, i: number, v: number): void {
  acc[i] = acc[i]! + v;
}

function store(out: F32, acc: ArrayLike<number>): void {
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}

// ---------------------------------------------------------------- the naive table

const map = (f: (v: number) => number) => (x: F32, out: F32): void => {
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
};

const binary = (f: (a: number, b: number) => number) =>
  (a: F32, as: Shape, b: F32, bs: Shape, out: F32, os: Shape): void => {
    for (let o = 0; o < out.length; o++) {
      const idx = unravel(o, os);
      out[o] = f(a[broadcastIndex(idx, as)]!, b[broadcastIndex(idx, bs)]!);
    }
  };

/**
 * Window placement shared by the pooling twins: PyTorch's avg_pool2d CPU kernel, line by line (its
 * max_pool2d kernel for dilated windows: end = start + (k - 1) * d + 1, start stepped past the padding).
 */
function window(a: Pool2dAttrs, oy: number, ox: number, h: number, w: number) {
  if (a.dilation[0] !== 1 || a.dilation[1] !== 1) {
    const [dh, dw] = a.dilation;
    let hs = oy * a.stride[0] - a.padding[0];
    let ws = ox * a.stride[1] - a.padding[1];
    const he = Math.min(hs + (a.kernel[0] - 1) * dh + 1, h);
    const we = Math.min(ws + (a.kernel[1] - 1) * dw + 1, w);
    while (hs < 0) hs += dh;
    while (ws < 0) ws += dw;
    return { hs, ws, he, we, dh, dw, divisor: NaN };
  }
  let hs = oy * a.stride[0] - a.padding[0];
  let ws = ox * a.stride[1] - a.padding[1];
  let he = Math.min(hs + a.kernel[0], h + a.padding[0]);
  let we = Math.min(ws + a.kernel[1], w + a.padding[1]);
  const poolSize = (he - hs) * (we - ws);
  hs = Math.max(hs, 0);
  ws = Math.max(ws, 0);
  he = Math.min(he, h);
  we = Math.min(we, w);
  const divisor = a.divisor > 0 ? a.divisor : a.countIncludePad ? poolSize : (he - hs) * (we - ws);
  return { hs, ws, he, we, dh: 1, dw: 1, divisor };
}

/** Index of the window's maximum: the first in row-major order; a NaN wins, the last one (PyTorch's `val > max || isnan(val)`). */
function argmaxWindow(x: F32, base: number, w: number, win: { hs: number; ws: number; he: number; we: number; dh: number; dw: number }): number {
  let best = -Infinity;
  let at = -1;
  for (let iy = win.hs; iy < win.he; iy += win.dh) {
    for (let ix = win.ws; ix < win.we; ix += win.dw) {
      const v = x[base + iy * w + ix]!;
      if (v > best || Number.isNaN(v)) {
        best = v;
        at = base + iy * w + ix;
      }
    }
  }
  return at;
}

function adaptiveBin(i: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

const naive: KernelTable = {
  neg: map((v) => -v),
  exp: map(Math.exp),
  log: map(Math.log),
  sqrt: map(Math.sqrt),
  abs: map(Math.abs),
  relu: map((v) => Math.max(v, 0)),
  // erf's twin: the Maclaurin series in double (cancellation costs ~4 of 16 digits at |x| = 3), then the asymptotic erfc series
  erf: map((v) => {
    const z = Math.abs(v);
    if (z >= 3) return Math.sign(v) * (1 - (Math.exp(-z * z) / (z * Math.sqrt(Math.PI))) * (1 - 1 / (2 * z * z) + 3 / (4 * z ** 4) - 15 / (8 * z ** 6)));
    let term = v, s = v;
    for (let n = 1; n < 80; n++) {
      term *= (-v * v) / n;
      s += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * s;
  }),
  tanh: map(Math.tanh),
  sigmoid: map((v) => 1 / (1 + Math.exp(-v))),
  square: map((v) => v * v),
  add: binary((a, b) => a + b),
  sub: binary((a, b) => a - b),
  mul: binary((a, b) => a * b),
  div: binary((a, b) => a / b),
  reluBackward(dy, x, out) {
    for (let i = 0; i < dy.length; i++) out[i] = x[i]! > 0 ? dy[i]! : 0;
  },
  tanhBackward(dy, y, out) {
    for (let i = 0; i < dy.length; i++) out[i] = dy[i]! * (1 - y[i]! ** 2);
  },
  sigmoidBackward(dy, y, out) {
    for (let i = 0; i < dy.length; i++) out[i] = dy[i]! * y[i]! * (1 - y[i]!);
  },
  leakyRelu(x, out, slope) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? x[i]! : slope * x[i]!;
  },
  leakyReluBackward(dy, x, out, slope) {
    for (let i = 0; i < dy.length; i++) out[i] = x[i]! > 0 ? dy[i]! : slope * dy[i]!;
  },
  hardtanh(x, out, min, max) {
    for (let i = 0; i < x.length; i++) out[i] = Number.isNaN(x[i]!) ? NaN : Math.min(Math.max(x[i]!, min), max);
  },
  hardtanhBackward(dy, x, out, min, max) {
    for (let i = 0; i < dy.length; i++) out[i] = min < x[i]! && x[i]! < max ? dy[i]! : 0;
  },
  elu(x, out, alpha) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? x[i]! : alpha * (Math.exp(x[i]!) - 1);
  },
  eluBackward(dy, x, out, alpha) {
    for (let i = 0; i < dy.length; i++) out[i] = x[i]! > 0 ? dy[i]! : dy[i]! * alpha * Math.exp(x[i]!);
  },
  affineScalar(x, out, scale, shift) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! * scale + shift;
  },
  affineChannels(x, scale, shift, out, size) {
    for (let i = 0; i < x.length; i++) {
      const c = Math.floor(i / size) % scale.length;
      out[i] = x[i]! * scale[c]! + shift[c]!;
    }
  },
  powScalar(x, out, e) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! ** e;
  },
  sum(x, shape, axes, out) {
    const outShape = shape.filter((_, d) => !axes.includes(d));
    const acc = new Float64Array(out.length);
    for (let i = 0; i < x.length; i++) {
      const idx = unravel(i, shape).filter((_, d) => !axes.includes(d));
      addAt(acc, ravel(idx, outShape), x[i]!);
    }
    store(out, acc);
  },
  max(x, shape, axis, out) {
    const outShape = shape.filter((_, d) => d !== axis);
    out.fill(-Infinity);
    for (let i = 0; i < x.length; i++) {
      const o = ravel(unravel(i, shape).filter((_, d) => d !== axis), outShape);
      if (x[i]! > out[o]! || Number.isNaN(x[i]!)) out[o] = Number.isNaN(out[o]!) ? out[o]! : x[i]!;
    }
  },
  argmax(x, shape, axis, out) {
    const outShape = shape.filter((_, d) => d !== axis);
    const best = new Float64Array(out.length).fill(-Infinity);
    out.fill(0);
    for (let i = 0; i < x.length; i++) {
      const idx = unravel(i, shape);
      const o = ravel(idx.filter((_, d) => d !== axis), outShape);
      if (Number.isNaN(best[o]!)) continue;
      if (x[i]! > best[o]! || Number.isNaN(x[i]!)) {
        best[o] = x[i]!;
        out[o] = idx[axis]!;
      }
    }
  },
  permute(x, shape, perm, out) {
    const outShape = perm.map((p) => shape[p]!);
    for (let o = 0; o < out.length; o++) {
      const oi = unravel(o, outShape);
      const ii = new Array<number>(shape.length);
      perm.forEach((p, d) => (ii[p] = oi[d]!));
      out[o] = x[ravel(ii, shape)]!;
    }
  },
  matmul(a, b, out, batch, m, n, k, transA, transB, aBS, bBS) {
    const A = (t: number, i: number, kk: number): number => a[t * aBS + (transA ? kk * m + i : i * k + kk)]!;
    const B = (t: number, kk: number, j: number): number => b[t * bBS + (transB ? j * k + kk : kk * n + j)]!;
    for (let t = 0; t < batch; t++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let kk = 0; kk < k; kk++) s += A(t, i, kk) * B(t, kk, j);
          out[(t * m + i) * n + j] = s;
        }
      }
    }
  },
  conv2d(x, xs, w, ws, bias, out, os, a) {
    const acc = new Float64Array(out.length);
    convLoops(xs, ws, os, a, (xi, wi, oi) => addAt(acc, oi, x[xi]! * w[wi]!));
    for (let oi = 0; oi < out.length; oi++) out[oi] = acc[oi]! + (bias ? bias[unravel(oi, os)[1]!]! : 0);
  },
  conv2dFused(x, xs, w, ws, bias, out, cs, a, e) {
    const y = new Float32Array(cs.reduce((p, d) => p * d, 1));
    naive.conv2d(x, xs, w, ws, bias, y, cs, a);
    if (e.relu) naive.relu(y, y);
    if (e.maxPool) naive.maxPool2d(y, cs, out, epilogueShape(cs, e), MAX_POOL_2X2);
    else out.set(y);
  },
  conv2dBackwardInput(dy, dys, w, ws, dx, xs, a) {
    // the literal transpose of the forward loops: every product x*w that fed y feeds dx back
    const acc = new Float64Array(dx.length);
    convLoops(xs, ws, dys, a, (xi, wi, oi) => addAt(acc, xi, dy[oi]! * w[wi]!));
    store(dx, acc);
  },
  conv2dBackwardWeight(x, xs, dy, dys, dw, ws, a) {
    const acc = new Float64Array(dw.length);
    convLoops(xs, ws, dys, a, (xi, wi, oi) => addAt(acc, wi, dy[oi]! * x[xi]!));
    store(dw, acc);
  },
  maxPool2d(x, xs, out, os, a) {
    const [, , h, w] = xs as [number, number, number, number];
    for (let o = 0; o < out.length; o++) {
      const [n, c, oy, ox] = unravel(o, os) as [number, number, number, number];
      const at = argmaxWindow(x, (n * xs[1]! + c) * h * w, w, window(a, oy, ox, h, w));
      out[o] = x[at]!;
    }
  },
  maxPool2dBackward(x, xs, dy, dys, dx, a) {
    const [, , h, w] = xs as [number, number, number, number];
    const acc = new Float64Array(dx.length);
    for (let o = 0; o < dy.length; o++) {
      const [n, c, oy, ox] = unravel(o, dys) as [number, number, number, number];
      addAt(acc, argmaxWindow(x, (n * xs[1]! + c) * h * w, w, window(a, oy, ox, h, w)), dy[o]!);
    }
    store(dx, acc);
  },
  avgPool2d(x, xs, out, os, a) {
    const [, , h, w] = xs as [number, number, number, number];
    for (let o = 0; o < out.length; o++) {
      const [n, c, oy, ox] = unravel(o, os) as [number, number, number, number];
      const win = window(a, oy, ox, h, w);
      let s = 0;
      for (let iy = win.hs; iy < win.he; iy++) for (let ix = win.ws; ix < win.we; ix++) s += x[ravel([n, c, iy, ix], xs)]!;
      out[o] = s / win.divisor;
    }
  },
  avgPool2dBackward(dy, dys, dx, xs, a) {
    const [, , h, w] = xs as [number, number, number, number];
    const acc = new Float64Array(dx.length);
    for (let o = 0; o < dy.length; o++) {
      const [n, c, oy, ox] = unravel(o, dys) as [number, number, number, number];
      const win = window(a, oy, ox, h, w);
      for (let iy = win.hs; iy < win.he; iy++) for (let ix = win.ws; ix < win.we; ix++) addAt(acc, ravel([n, c, iy, ix], xs), dy[o]! / win.divisor);
    }
    store(dx, acc);
  },
  adaptiveAvgPool2d(x, xs, out, os) {
    for (let o = 0; o < out.length; o++) {
      const [n, c, oy, ox] = unravel(o, os) as [number, number, number, number];
      const [y0, y1] = adaptiveBin(oy, xs[2]!, os[2]!);
      const [x0, x1] = adaptiveBin(ox, xs[3]!, os[3]!);
      let s = 0;
      for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += x[ravel([n, c, iy, ix], xs)]!;
      out[o] = s / ((y1 - y0) * (x1 - x0));
    }
  },
  adaptiveAvgPool2dBackward(dy, dys, dx, xs) {
    const acc = new Float64Array(dx.length);
    for (let o = 0; o < dy.length; o++) {
      const [n, c, oy, ox] = unravel(o, dys) as [number, number, number, number];
      const [y0, y1] = adaptiveBin(oy, xs[2]!, dys[2]!);
      const [x0, x1] = adaptiveBin(ox, xs[3]!, dys[3]!);
      for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) addAt(acc, ravel([n, c, iy, ix], xs), dy[o]! / ((y1 - y0) * (x1 - x0)));
    }
    store(dx, acc);
  },
  softmax(x, outer, dim, inner, out) {
    softmaxRows(x, outer, dim, inner, (e, s, i) => (out[i] = e / s));
  },
  logSoftmax(x, outer, dim, inner, out) {
    softmaxRows(x, outer, dim, inner, (e, s, i) => (out[i] = Math.log(e / s)));
  },
  sgdStep(p, grad, buf, a) {
    // torch.optim.SGD, as its documentation writes the algorithm
    for (let i = 0; i < p.length; i++) {
      let g = grad[i]! + a.weightDecay * p[i]!;
      if (a.momentum !== 0 && buf) {
        buf[i] = a.firstStep ? g : a.momentum * buf[i]! + (1 - a.dampening) * g;
        g = a.nesterov ? g + a.momentum * buf[i]! : buf[i]!;
      }
      p[i] = p[i]! - a.lr * g;
    }
  },
  adamStep(p, grad, m, v, a) {
    // the textbook form: bias-corrected moments m_hat, v_hat
    for (let i = 0; i < p.length; i++) {
      let theta = p[i]!;
      let g = grad[i]!;
      if (a.decoupled) theta -= a.lr * a.weightDecay * theta;
      else g += a.weightDecay * theta;
      const mi = a.beta1 * m[i]! + (1 - a.beta1) * g;
      const vi = a.beta2 * v[i]! + (1 - a.beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      const mHat = mi / (1 - a.beta1 ** a.step);
      const vHat = vi / (1 - a.beta2 ** a.step);
      p[i] = theta - (a.lr * mHat) / (Math.sqrt(vHat) + a.eps);
    }
  },
};

/**
 * The seven loops of a direct convolution; `visit(xIndex, wIndex, yIndex)` is
 * called once per product x[...] * w[...] that contributes to y[...].
 */
function convLoops(
  xs: Shape, ws: Shape, ys: Shape, a: Parameters<KernelTable['conv2d']>[7],
  visit: (xi: number, wi: number, yi: number) => void,
): void {
  const [N, C, H, W] = xs as [number, number, number, number];
  const [O, CG, KH, KW] = ws as [number, number, number, number];
  const [, , OH, OW] = ys as [number, number, number, number];
  const og = O / a.groups;
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const group = Math.floor(o / og);
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let c = 0; c < CG; c++) {
            for (let i = 0; i < KH; i++) {
              for (let j = 0; j < KW; j++) {
                const iy = oy * a.stride[0] - a.padding[0] + i * a.dilation[0];
                const ix = ox * a.stride[1] - a.padding[1] + j * a.dilation[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue; // zero padding
                visit(((n * C + group * CG + c) * H + iy) * W + ix, ((o * CG + c) * KH + i) * KW + j, ((n * O + o) * OH + oy) * OW + ox);
              }
            }
          }
        }
      }
    }
  }
}

function softmaxRows(x: F32, outer: number, dim: number, inner: number, emit: (e: number, s: number, i: number) => void): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (k: number): number => (o * dim + k) * inner + j;
      let mx = -Infinity;
      for (let k = 0; k < dim; k++) mx = Math.max(mx, x[at(k)]!);
      let s = 0;
      for (let k = 0; k < dim; k++) s += Math.exp(x[at(k)]! - mx);
      for (let k = 0; k < dim; k++) emit(Math.exp(x[at(k)]! - mx), s, at(k));
    }
  }
}

// ---------------------------------------------------------------- js against the naive twins

const cases = conformanceCases();

test('the conformance suite covers every kernel, with unique case names', () => {
  for (const k of KERNEL_NAMES) assert.ok(cases.some((c) => c.kernel === k), `no conformance case for ${k}`);
  const labels = cases.map((c) => `${c.kernel}: ${c.name}`);
  assert.equal(new Set(labels).size, labels.length, 'duplicate case names');
});

test('the naive twins implement every kernel', () => {
  assert.deepEqual(KERNEL_NAMES.filter((k) => typeof naive[k] !== 'function'), []);
});

for (const kernel of KERNEL_NAMES) {
  test(`js ${kernel} matches its naive definition on every conformance shape`, () => {
    const [r] = runConformance(js, naive, { cases, kernels: [kernel] });
    assert.ok(r && r.cases > 0);
    assert.equal(r.status, 'pass', `${formatConformance([r])}\n${r.failures.map((f) => `  ${f.case}: ${f.message}`).join('\n')}`);
  });
}

// ---------------------------------------------------------------- hand-computed values

const conv1: Parameters<KernelTable['conv2d']>[7] = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };

test('conv2d is cross-correlation (the kernel is not flipped)', () => {
  // x = 1..9 as 3x3, w = [[1, 0], [0, -1]]: y[i, j] = x[i, j] - x[i + 1, j + 1] = -4
  const x = Float32Array.from({ length: 9 }, (_, i) => i + 1);
  const w = Float32Array.of(1, 0, 0, -1);
  const y = new Float32Array(4);
  js.conv2d(x, [1, 1, 3, 3], w, [1, 1, 2, 2], Float32Array.of(0.5), y, [1, 1, 2, 2], conv1);
  assert.deepEqual(Array.from(y), [-3.5, -3.5, -3.5, -3.5]);
  // an asymmetric kernel tells correlation from convolution: w = [[0, 1], [0, 0]] picks x[i, j + 1]
  js.conv2d(x, [1, 1, 3, 3], Float32Array.of(0, 1, 0, 0), [1, 1, 2, 2], null, y, [1, 1, 2, 2], conv1);
  assert.deepEqual(Array.from(y), [2, 3, 5, 6]);
});

test("conv2d 'same' padding [0, 0, 1, 1] pads only bottom and right", () => {
  // 2x2 all-ones kernel on 2x2 x = [[1, 2], [3, 4]], padded bottom/right: [[10, 6], [7, 4]]
  const y = new Float32Array(4);
  js.conv2d(Float32Array.of(1, 2, 3, 4), [1, 1, 2, 2], Float32Array.of(1, 1, 1, 1), [1, 1, 2, 2], null, y, [1, 1, 2, 2],
    { ...conv1, padding: [0, 0, 1, 1] });
  assert.deepEqual(Array.from(y), [10, 6, 7, 4]);
});

test('maxPool2d: padding never wins, even over all-negative inputs', () => {
  const x = Float32Array.of(-5, -6, -7, -8);
  const a: Pool2dAttrs = { kernel: [2, 2], stride: [1, 1], padding: [1, 1], dilation: [1, 1], countIncludePad: true, divisor: 0 };
  const y9 = new Float32Array(9);
  js.maxPool2d(x, [1, 1, 2, 2], y9, [1, 1, 3, 3], a);
  assert.deepEqual(Array.from(y9), [-5, -5, -6, -5, -5, -6, -7, -7, -8]);
});

test('avgPool2d divides by the full window with countIncludePad, by the real pixels without', () => {
  const x = new Float32Array(9).fill(9);
  const base: Pool2dAttrs = { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], countIncludePad: true, divisor: 0 };
  const y = new Float32Array(4);
  js.avgPool2d(x, [1, 1, 3, 3], y, [1, 1, 2, 2], base);
  assert.deepEqual(Array.from(y), [4, 4, 4, 4]); // 4 real pixels of 9 each, / 9
  js.avgPool2d(x, [1, 1, 3, 3], y, [1, 1, 2, 2], { ...base, countIncludePad: false });
  assert.deepEqual(Array.from(y), [9, 9, 9, 9]);
  js.avgPool2d(x, [1, 1, 3, 3], y, [1, 1, 2, 2], { ...base, divisor: 1 });
  assert.deepEqual(Array.from(y), [36, 36, 36, 36]); // sum pooling
});

test('adaptiveAvgPool2d uses PyTorch bins [floor(i*H/o), ceil((i+1)*H/o)) (overlapping for 5 -> 3)', () => {
  const x = Float32Array.of(0, 1, 2, 3, 4); // [1, 1, 1, 5]
  const y = new Float32Array(3);
  js.adaptiveAvgPool2d(x, [1, 1, 1, 5], y, [1, 1, 1, 3]);
  // bins [0, 2), [1, 4), [3, 5)
  assert.deepEqual(Array.from(y), [0.5, 2, 3.5]);
});

test('softmax and logSoftmax stay finite for huge logits', () => {
  const x = Float32Array.of(1000, 0, -1000);
  const p = new Float32Array(3);
  const lp = new Float32Array(3);
  js.softmax(x, 1, 3, 1, p);
  js.logSoftmax(x, 1, 3, 1, lp);
  assert.deepEqual(Array.from(p), [1, 0, 0]);
  assert.deepEqual(Array.from(lp), [0, -1000, -2000]);
});

test('max propagates NaN and argmax points at it, as torch.max / torch.argmax do', () => {
  const x = Float32Array.of(1, NaN, 3, 2);
  const m = new Float32Array(1);
  const i = new Float32Array(1);
  js.max(x, [4], 0, m);
  js.argmax(x, [4], 0, i);
  assert.ok(Number.isNaN(m[0]!));
  assert.equal(i[0], 1);
});

test('maxPool2dBackward routes the gradient of a NaN window to a NaN, like its forward', () => {
  const x = Float32Array.of(5, 1, NaN, 2); // one 2x2 window whose max is NaN (after a finite 5)
  const dx = new Float32Array(4);
  const a: Pool2dAttrs = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], countIncludePad: true, divisor: 0 };
  js.maxPool2dBackward(x, [1, 1, 2, 2], Float32Array.of(1), [1, 1, 1, 1], dx, a);
  assert.deepEqual(Array.from(dx), [0, 0, 1, 0]);
  // two NaNs: PyTorch 1.13 routes to the last one (its scan keeps taking NaNs)
  js.maxPool2dBackward(Float32Array.of(NaN, 1, NaN, 2), [1, 1, 2, 2], Float32Array.of(1), [1, 1, 1, 1], dx, a);
  assert.deepEqual(Array.from(dx), [0, 0, 1, 0]);
});

test('sgdStep with momentum 0.9 reproduces the torch.optim.SGD sequence', () => {
  const p = Float32Array.of(1);
  const buf = new Float32Array(1);
  const a = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true };
  js.sgdStep(p, Float32Array.of(1), buf, a); // buf = 1, p = 0.9
  assert.ok(Math.abs(p[0]! - 0.9) < 1e-7);
  js.sgdStep(p, Float32Array.of(1), buf, { ...a, firstStep: false }); // buf = 1.9, p = 0.71
  assert.ok(Math.abs(buf[0]! - 1.9) < 1e-6);
  assert.ok(Math.abs(p[0]! - 0.71) < 1e-6);
});

test("adamStep's first step moves each weight by about lr against its gradient's sign", () => {
  const p = Float32Array.of(1, 1, 1);
  const m = new Float32Array(3);
  const v = new Float32Array(3);
  js.adamStep(p, Float32Array.of(0.3, -20, 1e-3), m, v, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
  for (const [got, want] of [[p[0]!, 0.99], [p[1]!, 1.01], [p[2]!, 0.99]] as const) assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
});
