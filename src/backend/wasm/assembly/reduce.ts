// Reductions, layout and softmax kernels; spec: src/backend/js/reduce.ts.

/**
 * Sum with out-strides: `dims` holds rank i32 shape then rank i32 strides of
 * each input dim inside out (0 for reduced dims); `acc` is nOut f64 scratch.
 */
export function sum(x: usize, n: i32, out: usize, nOut: i32, rank: i32, dims: usize, idx: usize, acc: usize): void {
  for (let i = 0; i < nOut; i++) store<f64>(acc + (<usize>i << 3), 0);
  if (n > 0) {
    const shape = dims, os = dims + (<usize>rank << 2);
    const inner = load<i32>(shape + (<usize>(rank - 1) << 2));
    const innerStride = load<i32>(os + (<usize>(rank - 1) << 2));
    for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
    let off = 0;
    for (let i = 0; i < n; i += inner) {
      if (innerStride == 0) {
        let t: f64 = 0;
        for (let j = 0; j < inner; j++) t += <f64>load<f32>(x + (<usize>(i + j) << 2));
        const p = acc + (<usize>off << 3);
        store<f64>(p, load<f64>(p) + t);
      } else {
        for (let j = 0; j < inner; j++) {
          const p = acc + (<usize>(off + j) << 3);
          store<f64>(p, load<f64>(p) + <f64>load<f32>(x + (<usize>(i + j) << 2)));
        }
      }
      for (let d = rank - 2; d >= 0; d--) {
        const ip = idx + (<usize>d << 2);
        const v = load<i32>(ip) + 1;
        const s = load<i32>(os + (<usize>d << 2));
        off += s;
        const sd = load<i32>(shape + (<usize>d << 2));
        if (v < sd) { store<i32>(ip, v); break; }
        off -= s * sd;
        store<i32>(ip, 0);
      }
    }
  }
  for (let i = 0; i < nOut; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(acc + (<usize>i << 3)));
}

/** Max (mode 0) or argmax (mode 1) over the middle axis of [outer, dim, inner]; NaN wins as in the js spec. */
export function maxArg(x: usize, outer: i32, dim: i32, inner: i32, out: usize, mode: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best: f32 = -Infinity;
      let at = 0;
      for (let k = 0; k < dim; k++) {
        const v = load<f32>(x + (<usize>((o * dim + k) * inner + i) << 2));
        if (v > best || isNaN(v)) { best = v; at = k; }
        if (isNaN(v)) break;
      }
      store<f32>(out + (<usize>(o * inner + i) << 2), mode == 0 ? best : <f32>at);
    }
  }
}

/** out = x permuted; `dims` holds rank out-shape i32s then rank source strides. */
export function permute(x: usize, out: usize, n: i32, rank: i32, dims: usize, idx: usize): void {
  const shape = dims, ss = dims + (<usize>rank << 2);
  const inner = rank > 0 ? load<i32>(shape + (<usize>(rank - 1) << 2)) : 1;
  const is = rank > 0 ? load<i32>(ss + (<usize>(rank - 1) << 2)) : 1;
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  let src = 0;
  for (let o = 0; o < n; o += inner) {
    let p = src;
    for (let j = 0; j < inner; j++) {
      store<f32>(out + (<usize>(o + j) << 2), load<f32>(x + (<usize>p << 2)));
      p += is;
    }
    for (let d = rank - 2; d >= 0; d--) {
      const ip = idx + (<usize>d << 2);
      const v = load<i32>(ip) + 1;
      const s = load<i32>(ss + (<usize>d << 2));
      src += s;
      const sd = load<i32>(shape + (<usize>d << 2));
      if (v < sd) { store<i32>(ip, v); break; }
      src -= s * sd;
      store<i32>(ip, 0);
    }
  }
}

/** softmax (log = 0) or logSoftmax (log = 1) over the middle axis of [outer, dim, inner]. */
export function softmax(x: usize, outer: i32, dim: i32, inner: i32, out: usize, log: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let m: f64 = -Infinity;
      for (let k = 0; k < dim; k++) m = Math.max(m, <f64>load<f32>(x + (<usize>(base + k * inner) << 2)));
      let s: f64 = 0;
      for (let k = 0; k < dim; k++) {
        const e = Math.exp(<f64>load<f32>(x + (<usize>(base + k * inner) << 2)) - m);
        if (log == 0) store<f32>(out + (<usize>(base + k * inner) << 2), <f32>e);
        s += e;
      }
      if (log == 0) {
        const inv = 1.0 / s;
        for (let k = 0; k < dim; k++) {
          const p = out + (<usize>(base + k * inner) << 2);
          store<f32>(p, <f32>(<f64>load<f32>(p) * inv));
        }
      } else {
        const lse = m + Math.log(s);
        for (let k = 0; k < dim; k++) {
          const q = <usize>(base + k * inner) << 2;
          store<f32>(out + q, <f32>(<f64>load<f32>(x + q) - lse));
        }
      }
    }
  }
}

/**
 * Sum of x [outer, mid, inner] over outer and inner for each mid (the bias
 * gradient: [N, C, H, W] summed over N, H, W), accumulated in float64 lanes.
 */
export function sumMiddle(x: usize, outer: i32, mid: i32, inner: i32, out: usize): void {
  sumMiddleRange(x, outer, mid, inner, out, 0, mid);
}

/** sumMiddle for channels [c0, c1) only (one thread's share). */
export function sumMiddleRange(x: usize, outer: i32, mid: i32, inner: i32, out: usize, c0: i32, c1: i32): void {
  const i8 = inner & ~7, i4 = inner & ~3;
  for (let c = c0; c < c1; c++) {
    // four independent f64 pairs: the adds' latency, not their count, bounds a single chain
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let tail: f64 = 0;
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>((o * mid + c) * inner) << 2);
      let i = 0;
      for (; i < i8; i += 8) {
        const v = v128.load(row + (<usize>i << 2)), u = v128.load(row + (<usize>i << 2), 16);
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1)));
        a2 = f64x2.add(a2, f64x2.promote_low_f32x4(u));
        a3 = f64x2.add(a3, f64x2.promote_low_f32x4(v128.shuffle<u32>(u, u, 2, 3, 0, 1)));
      }
      for (; i < i4; i += 4) {
        const v = v128.load(row + (<usize>i << 2));
        a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
        a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1)));
      }
      for (; i < inner; i++) tail += <f64>load<f32>(row + (<usize>i << 2));
    }
    const t = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    store<f32>(out + (<usize>c << 2), <f32>(f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1) + tail));
  }
}
