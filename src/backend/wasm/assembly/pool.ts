// Pooling kernels; spec: src/backend/js/pool.ts (PyTorch windows: start y * stride - padding,
// `kernel` taps `dilation` apart; the output size, floor or ceil mode, comes from the caller).

import { max4 } from './simd';

let C2 = 0, H2 = 0, W2 = 0, OH2 = 0, OW2 = 0, KH2 = 1, KW2 = 1, SH2 = 1, SW2 = 1, PH2 = 0, PW2 = 0, DH2 = 1, DW2 = 1;
let COUNT_PAD = 1;
let DIVISOR: f32 = 0;

export function setPool(nc: i32, h: i32, w: i32, oh: i32, ow: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, countPad: i32, divisor: f32): void {
  C2 = nc; H2 = h; W2 = w; OH2 = oh; OW2 = ow; KH2 = kh; KW2 = kw; SH2 = sh; SW2 = sw; PH2 = ph; PW2 = pw; DH2 = dh; DW2 = dw;
  COUNT_PAD = countPad; DIVISOR = divisor;
}

/** First tap at or after 0 of a window starting at `start` with taps `d` apart. */
// @ts-ignore: decorator
@inline
function firstTap(start: i32, d: i32): i32 {
  return start >= 0 ? start : start + ((-start + d - 1) / d) * d;
}

/** PyTorch's avg_pool2d divisor; `padded` is the window's extent inside the padded input (its pool_size). */
// @ts-ignore: decorator
@inline
function divisorOf(y0: i32, y1: i32, x0: i32, x1: i32, padded: i32): f32 {
  if (DIVISOR > 0) return DIVISOR;
  if (COUNT_PAD) return <f32>padded;
  return <f32>((y1 - y0) * (x1 - x0));
}

/** The common case: 2x2 windows, stride 2, no padding (every window inside the input). */
// @ts-ignore: decorator
@inline
function is2x2(): bool {
  return KH2 == 2 && KW2 == 2 && SH2 == 2 && SW2 == 2 && PH2 == 0 && PW2 == 0 && DH2 == 1 && DW2 == 1 && OH2 * 2 <= H2 && OW2 * 2 <= W2;
}

// @ts-ignore: decorator
@inline
function pick(best: f32, v: f32): f32 {
  return v > best || isNaN(v) ? v : best;
}

// Branch-free SIMD: V8 turns a float select into a branch, and on real data
// "which of the four is largest" is a coin flip the predictor keeps losing.
// Four outputs at a time: the 8 inputs of a row pair are split into even and
// odd columns by a shuffle, then reduced with max4 (NaN propagates, like the
// scalar spec's "NaN wins"; pmax and a NaN mask, a third of f32x4.max's cost).

function maxPool2x2(x: usize, out: usize, p0: i32, p1: i32): void {
  for (let p = p0; p < p1; p++) {
    const base = x + (<usize>(p * H2 * W2) << 2);
    let o = out + (<usize>(p * OH2 * OW2) << 2);
    for (let y = 0; y < OH2; y++) {
      const r0 = base + (<usize>(2 * y * W2) << 2);
      const r1 = r0 + (<usize>W2 << 2);
      let xo = 0;
      for (; xo < OW2; xo += 4) {
        // a ragged end (7 outputs: 4 + 3) redoes the row's last four: the overlap stores the same values again
        const xs = xo + 4 <= OW2 ? xo : OW2 - 4;
        if (xs < 0) break;
        const q = <usize>(2 * xs) << 2;
        const a0 = v128.load(r0 + q), a1 = v128.load(r0 + q, 16);
        const b0 = v128.load(r1 + q), b1 = v128.load(r1 + q, 16);
        v128.store(o - (<usize>(xo - xs) << 2), max4(v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), v128.shuffle<f32>(a0, a1, 1, 3, 5, 7),
          v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), v128.shuffle<f32>(b0, b1, 1, 3, 5, 7)));
        o += <usize>(min(4, OW2 - xo)) << 2;
      }
      for (; xo < OW2; xo++) {
        const q = <usize>(2 * xo) << 2;
        let best: f32 = -Infinity;
        best = pick(best, load<f32>(r0 + q));
        best = pick(best, load<f32>(r0 + q + 4));
        best = pick(best, load<f32>(r1 + q));
        best = pick(best, load<f32>(r1 + q + 4));
        store<f32>(o, best);
        o += 4;
      }
    }
  }
}

/** Scalar backward of one 2x2 window (the spec's rule: first maximum, or the last NaN). */
// @ts-ignore: decorator
@inline
function window2x2Backward(x: usize, dx: usize, r0: usize, r1: usize, q: usize, g: f32): void {
  let at = r0 + q;
  let best = load<f32>(x + at);
  let v = load<f32>(x + r0 + q + 4);
  if (v > best || isNaN(v)) { best = v; at = r0 + q + 4; }
  v = load<f32>(x + r1 + q);
  if (v > best || isNaN(v)) { best = v; at = r1 + q; }
  v = load<f32>(x + r1 + q + 4);
  if (v > best || isNaN(v)) { best = v; at = r1 + q + 4; }
  store<f32>(dx + at, load<f32>(dx + at) + g);
}

function maxPool2x2Backward(x: usize, dy: usize, dx: usize, p0: i32, p1: i32): void {
  for (let p = p0; p < p1; p++) {
    const off = <usize>(p * H2 * W2) << 2;
    let o = dy + (<usize>(p * OH2 * OW2) << 2);
    for (let y = 0; y < OH2; y++) {
      const r0 = off + (<usize>(2 * y * W2) << 2);
      const r1 = r0 + (<usize>W2 << 2);
      let xo = 0;
      for (; xo < OW2; xo += 4) {
        // a ragged end redoes the row's last four windows (their gradients are stored, not added: the same again)
        const xs = xo + 4 <= OW2 ? xo : OW2 - 4;
        if (xs < 0) break;
        const fresh = xo - xs; // windows before this one were done by the previous step
        const q = <usize>(2 * xs) << 2;
        const a0 = v128.load(x + r0 + q), a1 = v128.load(x + r0 + q, 16);
        const b0 = v128.load(x + r1 + q), b1 = v128.load(x + r1 + q, 16);
        const e0 = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6), e1 = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        const e2 = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6), e3 = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        const m = max4(e0, e1, e2, e3);
        const g = v128.load(o - (<usize>fresh << 2));
        if (v128.any_true(f32x4.ne(m, m))) {
          // a NaN in these windows: the scalar rule decides where the gradient goes (it adds: only windows not yet done)
          for (let k = fresh; k < 4; k++) window2x2Backward(x, dx, r0, r1, q + (<usize>(2 * k) << 2), load<f32>(o + (<usize>(k - fresh) << 2)));
        } else {
          // the first window position (in scan order) equal to the maximum gets the gradient
          const m0 = f32x4.eq(e0, m);
          const m1 = v128.andnot(f32x4.eq(e1, m), m0);
          const m01 = v128.or(m0, m1);
          const m2 = v128.andnot(f32x4.eq(e2, m), m01);
          const m3 = v128.andnot(v128.not(m01), m2);
          const g0 = v128.and(g, m0), g1 = v128.and(g, m1), g2 = v128.and(g, m2), g3 = v128.and(g, m3);
          // windows do not overlap: each input gets at most one gradient, so store (dx was zeroed)
          v128.store(dx + r0 + q, v128.shuffle<f32>(g0, g1, 0, 4, 1, 5));
          v128.store(dx + r0 + q, v128.shuffle<f32>(g0, g1, 2, 6, 3, 7), 16);
          v128.store(dx + r1 + q, v128.shuffle<f32>(g2, g3, 0, 4, 1, 5));
          v128.store(dx + r1 + q, v128.shuffle<f32>(g2, g3, 2, 6, 3, 7), 16);
        }
        o += <usize>(min(4, OW2 - xo)) << 2;
      }
      for (; xo < OW2; xo++) {
        window2x2Backward(x, dx, r0, r1, <usize>(2 * xo) << 2, load<f32>(o));
        o += 4;
      }
    }
  }
}

/** mode 0: max pooling, 1: average/sum pooling; planes [p0, p1) of the N*C planes. */
export function pool2d(x: usize, out: usize, mode: i32, p0: i32, p1: i32): void {
  if (mode == 0 && is2x2()) {
    maxPool2x2(x, out, p0, p1);
    return;
  }
  for (let p = p0; p < p1; p++) {
    const base = x + (<usize>(p * H2 * W2) << 2);
    let o = out + (<usize>(p * OH2 * OW2) << 2);
    for (let y = 0; y < OH2; y++) {
      const ys = y * SH2 - PH2, ye = ys + (KH2 - 1) * DH2 + 1;
      const y0 = firstTap(ys, DH2), y1 = min(H2, ye), padH = min(ye, H2 + PH2) - ys;
      for (let xo = 0; xo < OW2; xo++) {
        const xs = xo * SW2 - PW2, xe = xs + (KW2 - 1) * DW2 + 1;
        const x0 = firstTap(xs, DW2), x1 = min(W2, xe), padded = padH * (min(xe, W2 + PW2) - xs);
        if (mode == 0) {
          let best: f32 = -Infinity;
          for (let iy = y0; iy < y1; iy += DH2) {
            const row = base + (<usize>(iy * W2) << 2);
            for (let ix = x0; ix < x1; ix += DW2) {
              const v = load<f32>(row + (<usize>ix << 2));
              if (v > best || isNaN(v)) best = v;
            }
          }
          store<f32>(o, best);
        } else {
          let s: f32 = 0;
          for (let iy = y0; iy < y1; iy++) {
            const row = base + (<usize>(iy * W2) << 2);
            for (let ix = x0; ix < x1; ix++) s += load<f32>(row + (<usize>ix << 2));
          }
          store<f32>(o, s / divisorOf(y0, y1, x0, x1, padded));
        }
        o += 4;
      }
    }
  }
}

/** Backward of pool2d for planes [p0, p1): dx of those planes is overwritten. */
export function pool2dBackward(x: usize, dy: usize, dx: usize, mode: i32, p0: i32, p1: i32): void {
  memory.fill(dx + (<usize>(p0 * H2 * W2) << 2), 0, <usize>((p1 - p0) * H2 * W2) << 2);
  if (mode == 0 && is2x2()) {
    maxPool2x2Backward(x, dy, dx, p0, p1);
    return;
  }
  for (let p = p0; p < p1; p++) {
    const base = <usize>(p * H2 * W2);
    let o = dy + (<usize>(p * OH2 * OW2) << 2);
    for (let y = 0; y < OH2; y++) {
      const ys = y * SH2 - PH2, ye = ys + (KH2 - 1) * DH2 + 1;
      const y0 = firstTap(ys, DH2), y1 = min(H2, ye), padH = min(ye, H2 + PH2) - ys;
      for (let xo = 0; xo < OW2; xo++) {
        const xs = xo * SW2 - PW2, xe = xs + (KW2 - 1) * DW2 + 1;
        const x0 = firstTap(xs, DW2), x1 = min(W2, xe), padded = padH * (min(xe, W2 + PW2) - xs);
        const g = load<f32>(o);
        if (mode == 0) {
          let best: f32 = -Infinity;
          let at: i32 = -1;
          for (let iy = y0; iy < y1; iy += DH2) {
            for (let ix = x0; ix < x1; ix += DW2) {
              const idx = <i32>base + iy * W2 + ix;
              const v = load<f32>(x + (<usize>idx << 2));
              if (v > best || isNaN(v)) { best = v; at = idx; }
            }
          }
          if (at >= 0) { const q = dx + (<usize>at << 2); store<f32>(q, load<f32>(q) + g); }
        } else {
          const share = g / divisorOf(y0, y1, x0, x1, padded);
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const q = dx + ((base + <usize>(iy * W2 + ix)) << 2);
              store<f32>(q, load<f32>(q) + share);
            }
          }
        }
        o += 4;
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function binStart(i: i32, inSize: i32, outSize: i32): i32 {
  return (i * inSize) / outSize;
}

// @ts-ignore: decorator
@inline
function binEnd(i: i32, inSize: i32, outSize: i32): i32 {
  return ((i + 1) * inSize + outSize - 1) / outSize;
}

/** Adaptive average pooling (backward when dir = 1: x is dy, out is dx). */
export function adaptiveAvg(x: usize, out: usize, planes: i32, h: i32, w: i32, oh: i32, ow: i32, dir: i32): void {
  if (dir == 1) memory.fill(out, 0, <usize>(planes * h * w) << 2);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < oh; y++) {
      const y0 = binStart(y, h, oh), y1 = binEnd(y, h, oh);
      for (let xo = 0; xo < ow; xo++) {
        const x0 = binStart(xo, w, ow), x1 = binEnd(xo, w, ow);
        const cnt = <f32>((y1 - y0) * (x1 - x0));
        const oi = <usize>((p * oh + y) * ow + xo) << 2;
        if (dir == 0) {
          let s: f32 = 0;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += load<f32>(x + (<usize>((p * h + iy) * w + ix) << 2));
          store<f32>(out + oi, s / cnt);
        } else {
          const g = load<f32>(x + oi) / cnt;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) {
            const q = out + (<usize>((p * h + iy) * w + ix) << 2);
            store<f32>(q, load<f32>(q) + g);
          }
        }
      }
    }
  }
}
