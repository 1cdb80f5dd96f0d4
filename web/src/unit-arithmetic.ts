/**
 * The arithmetic behind one unit of one layer, recomputed from the layer's
 * input and parameters so the page can show it term by term: input patch ×
 * filter + bias for a convolution, the window and its max or mean for
 * pooling, the largest products for a fully connected unit, f(x) for an
 * activation. The recomputed value is compared with the model's own.
 */
import { AvgPool2d, Conv2d, LeakyReLU, Linear, MaxPool2d, ReLU, Sigmoid, SumPool2d, Tanh, type Module } from 'fovea';

/** One input channel's share of a convolution unit. */
export interface ConvTerm {
  inChannel: number;
  /** The kH x kW input values under the filter (0 where the filter hangs over the zero padding). */
  patch: Float32Array;
  /** 1 where the tap fell in the zero padding. */
  padded: Uint8Array;
  /** The filter's kH x kW weights for this input channel. */
  weights: Float32Array;
  /** Σ patch × weights. */
  partial: number;
}

export type UnitArithmetic =
  | { kind: 'conv'; kh: number; kw: number; terms: ConvTerm[]; bias: number; value: number }
  | { kind: 'pool'; op: 'max' | 'mean' | 'sum'; kh: number; kw: number; window: Float32Array; padded: Uint8Array; divisor: number; value: number }
  | { kind: 'linear'; inputs: number; top: { index: number; x: number; w: number }[]; rest: number; bias: number; value: number }
  | { kind: 'elementwise'; op: string; input: number; value: number }
  | { kind: 'none'; value: number };

/** What the page recorded for a layer in the last forward pass (batch 1). */
export interface LayerRecord {
  module: Module;
  /** Input and output shapes without the batch dim. */
  inShape: readonly number[];
  outShape: readonly number[];
  input: Float32Array;
  output: Float32Array;
}

const pair = (v: number | readonly number[] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0]!, v[1]!];

/**
 * The padding a Conv2d applies, as [top, left]: a number or pair as given,
 * 'valid' none, 'same' as PyTorch (total dilation*(k-1), the odd pixel at the bottom/right).
 */
export function convPadding(m: Conv2d): [number, number] {
  const p = m.options.padding ?? 0;
  if (p === 'valid') return [0, 0];
  if (p === 'same') {
    const [dh, dw] = pair(m.options.dilation, 1);
    return [Math.floor((dh * (m.kernelSize[0] - 1)) / 2), Math.floor((dw * (m.kernelSize[1] - 1)) / 2)];
  }
  return pair(p, 0);
}

/**
 * The arithmetic of unit (c, y, x) of a layer (for a vector layer, unit c,
 * with y = x = 0). Layers without a known formula give `{ kind: 'none' }`.
 *
 * Shape: `rec.input`/`rec.output` hold one image: [C, H, W] or [F].
 *
 * @example
 * const a = unitArithmetic(rec, 0, 5, 7);
 * if (a.kind === 'conv') a.terms.reduce((s, t) => s + t.partial, a.bias);   // ≈ a.value
 */
export function unitArithmetic(rec: LayerRecord, c: number, y: number, x: number): UnitArithmetic {
  const m = rec.module;
  const oh = rec.outShape[1] ?? 1;
  const ow = rec.outShape[2] ?? 1;
  const value = rec.output[(c * oh + y) * ow + x]!;
  if (m instanceof Conv2d) return conv(m, rec, c, y, x, value);
  if (m instanceof MaxPool2d || m instanceof AvgPool2d || m instanceof SumPool2d) return pool(m, rec, c, y, x, value);
  if (m instanceof Linear) return linear(m, rec, c, value);
  const op = m instanceof ReLU ? 'ReLU' : m instanceof LeakyReLU ? 'LeakyReLU' : m instanceof Tanh ? 'tanh' : m instanceof Sigmoid ? 'sigmoid' : null;
  if (op && rec.input.length === rec.output.length) return { kind: 'elementwise', op, input: rec.input[(c * oh + y) * ow + x]!, value };
  return { kind: 'none', value };
}

function conv(m: Conv2d, rec: LayerRecord, c: number, y: number, x: number, value: number): UnitArithmetic {
  const [kh, kw] = m.kernelSize;
  const [sh, sw] = pair(m.options.stride, 1);
  const [dh, dw] = pair(m.options.dilation, 1);
  const [ph, pw] = convPadding(m);
  const groups = m.options.groups ?? 1;
  const [, h, w] = rec.inShape as [number, number, number];
  const cinG = m.inChannels / groups;
  const g = Math.floor(c / (m.outChannels / groups));
  const wd = m.weight.data;
  const terms: ConvTerm[] = [];
  for (let k = 0; k < cinG; k++) {
    const ci = g * cinG + k;
    const patch = new Float32Array(kh * kw);
    const padded = new Uint8Array(kh * kw);
    const weights = wd.slice(((c * cinG + k) * kh) * kw, ((c * cinG + k + 1) * kh) * kw);
    let partial = 0;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const iy = y * sh - ph + i * dh;
        const ix = x * sw - pw + j * dw;
        if (iy < 0 || ix < 0 || iy >= h || ix >= w) {
          padded[i * kw + j] = 1;
          continue;
        }
        const v = rec.input[(ci * h + iy) * w + ix]!;
        patch[i * kw + j] = v;
        partial += v * weights[i * kw + j]!;
      }
    }
    terms.push({ inChannel: ci, patch, padded, weights, partial });
  }
  return { kind: 'conv', kh, kw, terms, bias: m.bias ? m.bias.data[c]! : 0, value };
}

function pool(m: MaxPool2d | AvgPool2d | SumPool2d, rec: LayerRecord, c: number, y: number, x: number, value: number): UnitArithmetic {
  const [kh, kw] = pair(m.kernelSize, 1);
  const [sh, sw] = pair(m.options.stride, 0).map((s, i) => s || [kh, kw][i]!) as [number, number];
  const [ph, pw] = pair(m.options.padding, 0);
  // max pooling's taps may be spread (dilation); a ceil-mode window may hang past the padded input
  const [dh, dw] = m instanceof MaxPool2d ? pair(m.options.dilation, 1) : [1, 1];
  const [, h, w] = rec.inShape as [number, number, number];
  const window = new Float32Array(kh * kw);
  const padded = new Uint8Array(kh * kw);
  let inPadded = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const iy = y * sh - ph + i * dh;
      const ix = x * sw - pw + j * dw;
      if (iy < h + ph && ix < w + pw) inPadded++;
      if (iy < 0 || ix < 0 || iy >= h || ix >= w) padded[i * kw + j] = 1;
      else window[i * kw + j] = rec.input[(c * h + iy) * w + ix]!;
    }
  }
  const inside = padded.reduce((n, p) => n + (p ? 0 : 1), 0);
  if (m instanceof MaxPool2d) return { kind: 'pool', op: 'max', kh, kw, window, padded, divisor: 1, value };
  if (m instanceof SumPool2d) return { kind: 'pool', op: 'sum', kh, kw, window, padded, divisor: 1, value };
  // PyTorch's divisor: the window inside the padded input (all of it but in ceil mode), or the real pixels
  const divisor = (m.options.countIncludePad ?? true) ? inPadded : inside;
  return { kind: 'pool', op: 'mean', kh, kw, window, padded, divisor, value };
}

function linear(m: Linear, rec: LayerRecord, o: number, value: number): UnitArithmetic {
  const n = m.inFeatures;
  const wd = m.weight.data;
  const products: { index: number; x: number; w: number }[] = [];
  for (let i = 0; i < n; i++) products.push({ index: i, x: rec.input[i]!, w: wd[o * n + i]! });
  products.sort((a, b) => Math.abs(b.x * b.w) - Math.abs(a.x * a.w));
  const top = products.slice(0, 6);
  const rest = products.slice(6).reduce((s, p) => s + p.x * p.w, 0);
  return { kind: 'linear', inputs: n, top, rest, bias: m.bias ? m.bias.data[o]! : 0, value };
}

/** The recomputed value of the arithmetic (to set beside the model's own). */
export function recompute(a: UnitArithmetic): number {
  switch (a.kind) {
    case 'conv': return a.terms.reduce((s, t) => s + t.partial, a.bias);
    case 'pool': {
      const vals = Array.from(a.window).filter((_, i) => !a.padded[i]);
      if (a.op === 'max') return Math.max(...vals);
      const sum = vals.reduce((s, v) => s + v, 0);
      return a.op === 'sum' ? sum : sum / a.divisor;
    }
    case 'linear': return a.top.reduce((s, p) => s + p.x * p.w, a.rest + a.bias);
    case 'elementwise': {
      const v = a.input;
      if (a.op === 'ReLU') return Math.max(0, v);
      if (a.op === 'tanh') return Math.tanh(v);
      if (a.op === 'sigmoid') return 1 / (1 + Math.exp(-v));
      return a.value;
    }
    case 'none': return a.value;
  }
}
