// Element-wise kernels: unary maps, broadcasting binary ops, activation
// backward rules. The js backend (src/backend/js/elementwise.ts) is their spec.

// unary op codes (kept in sync with wasm-backend.ts)
const NEG = 0, EXP = 1, LOG = 2, SQRT = 3, ABS = 4, RELU = 5, TANH = 6, SIGMOID = 7, SQUARE = 8;

export function unary(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (op == RELU || op == NEG || op == ABS || op == SQUARE || op == SQRT) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      let r: v128;
      if (op == RELU) r = f32x4.max(v, zero);
      else if (op == NEG) r = f32x4.neg(v);
      else if (op == ABS) r = f32x4.abs(v);
      else if (op == SQUARE) r = f32x4.mul(v, v);
      else r = f32x4.sqrt(v);
      v128.store(out + (<usize>i << 2), r);
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    let r: f32;
    switch (op) {
      case NEG: r = -v; break;
      case EXP: r = Mathf.exp(v); break;
      case LOG: r = Mathf.log(v); break;
      case SQRT: r = Mathf.sqrt(v); break;
      case ABS: r = Mathf.abs(v); break;
      case RELU: r = v > 0 ? v : 0; break;
      case TANH: r = <f32>Math.tanh(<f64>v); break;
      case SIGMOID: {
        if (v >= 0) r = <f32>(1.0 / (1.0 + Math.exp(-<f64>v)));
        else { const e = Math.exp(<f64>v); r = <f32>(e / (1.0 + e)); }
        break;
      }
      default: r = v * v;
    }
    store<f32>(out + (<usize>i << 2), r);
  }
}

export function leakyRelu(x: usize, out: usize, n: i32, slope: f32): void {
  let i = 0;
  // branch-free: a data-dependent float select becomes a mispredicted branch in V8
  const zero = f32x4.splat(0), s = f32x4.splat(slope);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(out + o, v128.bitselect(v, f32x4.mul(v, s), f32x4.gt(v, zero)));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), v > 0 ? v : v * slope);
  }
}

/** min(max(x, lo), hi) with NaN passed through: selects on comparisons (false for NaN), not f32x4.min/max. */
export function hardtanh(x: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  let i = 0;
  const l = f32x4.splat(lo), h = f32x4.splat(hi);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const a = v128.bitselect(l, v, f32x4.lt(v, l));
    v128.store(out + o, v128.bitselect(h, a, f32x4.gt(a, h)));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), v < lo ? lo : v > hi ? hi : v);
  }
}

export function hardtanhBackward(dy: usize, x: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  let i = 0;
  const l = f32x4.splat(lo), h = f32x4.splat(hi), zero = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const inside = v128.and(f32x4.gt(v, l), f32x4.lt(v, h));
    v128.store(out + o, v128.bitselect(v128.load(dy + o), zero, inside));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v > lo && v < hi ? load<f32>(dy + o) : 0);
  }
}

/**
 * ELU: x > 0 ? x : alpha * expm1(x). There is no SIMD exp, so this is a scalar
 * loop on f64 expm1 like tanh and sigmoid above (the js backend's formula,
 * rounded once to f32). `v <= 0` is PyTorch's branch test.
 */
export function elu(x: usize, out: usize, n: i32, alpha: f64): void {
  const a = alpha; // f64, as the js backend multiplies: 0.3 is not rounded to f32 first
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v <= 0 ? <f32>(a * Math.expm1(<f64>v)) : v);
  }
}

/** dy where x > 0, else dy * alpha * exp(x) (PyTorch's elu backward from x). */
export function eluBackward(dy: usize, x: usize, out: usize, n: i32, alpha: f64): void {
  const a = alpha;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o), g = load<f32>(dy + o);
    store<f32>(out + o, v <= 0 ? <f32>(<f64>g * a * Math.exp(<f64>v)) : g);
  }
}

export function affineScalar(x: usize, out: usize, n: i32, scale: f32, shift: f32): void {
  let i = 0;
  const s = f32x4.splat(scale), t = f32x4.splat(shift);
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32x4.add(f32x4.mul(v128.load(x + (<usize>i << 2)), s), t));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) * scale + shift);
}

/** out = x * scale[c] + shift[c] over `planes` runs of `size` values, channel c = plane % channels. */
export function affineChannels(x: usize, scale: usize, shift: usize, out: usize, planes: i32, channels: i32, size: i32): void {
  for (let p = 0; p < planes; p++) {
    const c = <usize>(p % channels) << 2;
    const o = <usize>p * <usize>size << 2;
    affineScalar(x + o, out + o, size, load<f32>(scale + c), load<f32>(shift + c));
  }
}

export function powScalar(x: usize, out: usize, n: i32, e: f32): void {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), e == 2 ? v * v : <f32>Math.pow(<f64>v, <f64>e));
  }
}

// backward op codes
const RELU_B = 0, TANH_B = 1, SIGMOID_B = 2;

export function unaryBackward(op: i32, dy: usize, s: usize, out: usize, n: i32): void {
  let i = 0;
  if (op == RELU_B) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const mask = f32x4.gt(v128.load(s + o), zero);
      v128.store(out + o, v128.and(v128.load(dy + o), mask));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(dy + o), v = load<f32>(s + o);
    let r: f32;
    if (op == RELU_B) r = v > 0 ? g : 0;
    else if (op == TANH_B) r = g * (1 - v * v);
    else r = g * v * (1 - v);
    store<f32>(out + o, r);
  }
}

export function leakyReluBackward(dy: usize, x: usize, out: usize, n: i32, slope: f32): void {
  let i = 0;
  const zero = f32x4.splat(0), s = f32x4.splat(slope);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(dy + o);
    v128.store(out + o, v128.bitselect(g, f32x4.mul(g, s), f32x4.gt(v128.load(x + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(dy + o);
    store<f32>(out + o, load<f32>(x + o) > 0 ? g : g * slope);
  }
}

const ADD = 0, SUB = 1, MUL = 2, DIV = 3;

// @ts-ignore: decorator
@inline
function apply(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

// @ts-ignore: decorator
@inline
function applyV(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

/** Same-shape or scalar-operand binary op (mode 0: both full, 1: b scalar, 2: a scalar). */
export function binaryFlat(op: i32, a: usize, b: usize, out: usize, n: i32, mode: i32): void {
  let i = 0;
  if (mode == 0) {
    for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(out + o, applyV(op, v128.load(a + o), v128.load(b + o))); }
    for (; i < n; i++) { const o = <usize>i << 2; store<f32>(out + o, apply(op, load<f32>(a + o), load<f32>(b + o))); }
  } else if (mode == 1) {
    const s = load<f32>(b), sv = f32x4.splat(s);
    for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(out + o, applyV(op, v128.load(a + o), sv)); }
    for (; i < n; i++) { const o = <usize>i << 2; store<f32>(out + o, apply(op, load<f32>(a + o), s)); }
  } else {
    const s = load<f32>(a), sv = f32x4.splat(s);
    for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(out + o, applyV(op, sv, v128.load(b + o))); }
    for (; i < n; i++) { const o = <usize>i << 2; store<f32>(out + o, apply(op, s, load<f32>(b + o))); }
  }
}

/**
 * General broadcasting binary op. `dims` points at 3 * rank i32s: the output
 * shape, then a's strides and b's strides in floats (0 where broadcast).
 */
export function binaryStrided(op: i32, a: usize, b: usize, out: usize, n: i32, rank: i32, dims: usize, idx: usize): void {
  const shape = dims, sa = dims + (<usize>rank << 2), sb = sa + (<usize>rank << 2);
  const inner = load<i32>(shape + (<usize>(rank - 1) << 2));
  const ia = load<i32>(sa + (<usize>(rank - 1) << 2));
  const ib = load<i32>(sb + (<usize>(rank - 1) << 2));
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  let offA = 0, offB = 0;
  for (let o = 0; o < n; o += inner) {
    const po = out + (<usize>o << 2);
    // The inner run in SIMD where it is contiguous or a repeated scalar (a per-channel scale over H*W values).
    if (ia == 1 && ib == 1) binaryFlat(op, a + (<usize>offA << 2), b + (<usize>offB << 2), po, inner, 0);
    else if (ia == 1 && ib == 0) binaryFlat(op, a + (<usize>offA << 2), b + (<usize>offB << 2), po, inner, 1);
    else if (ia == 0 && ib == 1) binaryFlat(op, a + (<usize>offA << 2), b + (<usize>offB << 2), po, inner, 2);
    else {
      let pa = offA, pb = offB;
      for (let j = 0; j < inner; j++) {
        store<f32>(po + (<usize>j << 2), apply(op, load<f32>(a + (<usize>pa << 2)), load<f32>(b + (<usize>pb << 2))));
        pa += ia;
        pb += ib;
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      const ip = idx + (<usize>d << 2);
      const v = load<i32>(ip) + 1;
      const sad = load<i32>(sa + (<usize>d << 2)), sbd = load<i32>(sb + (<usize>d << 2));
      offA += sad;
      offB += sbd;
      const sd = load<i32>(shape + (<usize>d << 2));
      if (v < sd) { store<i32>(ip, v); break; }
      offA -= sad * sd;
      offB -= sbd * sd;
      store<i32>(ip, 0);
    }
  }
}
