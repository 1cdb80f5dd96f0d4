/**
 * The arithmetic behind one unit of one layer, recomputed from the layer's
 * input and parameters so the page can show it term by term: input patch ×
 * filter + bias for a convolution, the window and its max or mean for
 * pooling, the largest products for a fully connected unit, f(x) for an
 * activation. The recomputed value is compared with the model's own.
 * Which inputs a unit reads comes from the library (`unitInputs`, which the
 * connections between layers use too); this module only lays it out as
 * kernel-shaped grids with the padding taps marked.
 */
import { declaredType, unitInputs, type Conv2d, type Module, type UnitInputs } from 'fovea';

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

/** The activation functions the page writes out as f(x), by layer type name. */
const ACTIVATIONS: Readonly<Record<string, string>> = { ReLU: 'ReLU', LeakyReLU: 'LeakyReLU', Tanh: 'tanh', Sigmoid: 'sigmoid' };

/**
 * The arithmetic of unit (c, y, x) of a layer (for a vector layer, unit c,
 * with y = x = 0), laid out as the page shows it: kernel-shaped grids with
 * the padding taps marked. Which inputs the unit reads, and with which
 * weights, is the library's `unitInputs`; layers it has no rule for (and
 * Flatten, which computes nothing) give `{ kind: 'none' }`.
 *
 * Shape: `rec.input`/`rec.output` hold one image: [C, H, W] or [F].
 *
 * @example
 * const a = unitArithmetic(rec, 0, 5, 7);
 * if (a.kind === 'conv') a.terms.reduce((s, t) => s + t.partial, a.bias);   // ≈ a.value
 */
export function unitArithmetic(rec: LayerRecord, c: number, y: number, x: number): UnitArithmetic {
  const oh = rec.outShape[1] ?? 1;
  const ow = rec.outShape[2] ?? 1;
  const value = rec.output[(c * oh + y) * ow + x]!;
  let r: UnitInputs;
  try {
    r = unitInputs(rec.module, rec.input, rec.inShape, rec.outShape.length === 3 ? [c, y, x] : [c], rec.outShape.length === 3 ? {} : { top: LINEAR_TOP });
  } catch {
    return { kind: 'none', value };
  }
  switch (r.kind) {
    case 'conv': return conv(rec.module as Conv2d, r, c, value);
    case 'max': case 'mean': case 'sum': return pool(r, value);
    case 'linear': return { kind: 'linear', inputs: r.count, top: r.inputs.map((p) => ({ index: p.index, x: p.value, w: p.weight })), rest: r.rest, bias: r.bias, value };
    case 'pointwise': {
      const op = ACTIVATIONS[declaredType(rec.module) ?? ''];
      return op && rec.input.length === rec.output.length ? { kind: 'elementwise', op, input: r.inputs[0]!.value, value } : { kind: 'none', value };
    }
    default: return { kind: 'none', value };
  }
}

/** A fully connected unit shows its largest products; the rest are summed. */
const LINEAR_TOP = 6;

function conv(m: Conv2d, r: UnitInputs, c: number, value: number): UnitArithmetic {
  const [kh, kw] = r.kernel!;
  const n = r.inChannels.length;
  const wd = m.weight.data;
  const terms: ConvTerm[] = r.inChannels.map((inChannel, k) => ({
    inChannel, patch: new Float32Array(kh * kw), padded: new Uint8Array(kh * kw).fill(1),
    // The filter's slice for this input channel: weight layout [out, in/groups, kH, kW].
    weights: wd.slice(((c * n + k) * kh) * kw, ((c * n + k + 1) * kh) * kw), partial: 0,
  }));
  const byChannel = new Map(terms.map((t) => [t.inChannel, t]));
  for (const p of r.inputs) {
    const t = byChannel.get(p.channel)!;
    const at = p.tap![0] * kw + p.tap![1];
    t.patch[at] = p.value;
    t.padded[at] = 0;
    t.partial += p.contribution;
  }
  return { kind: 'conv', kh, kw, terms, bias: r.bias, value };
}

function pool(r: UnitInputs, value: number): UnitArithmetic {
  const [kh, kw] = r.kernel!;
  const window = new Float32Array(kh * kw);
  const padded = new Uint8Array(kh * kw).fill(1);
  for (const p of r.inputs) {
    const at = p.tap![0] * kw + p.tap![1];
    window[at] = p.value;
    padded[at] = 0;
  }
  const op = r.kind === 'max' ? 'max' : r.kind === 'sum' ? 'sum' : 'mean';
  // An average's weight is 1/divisor (the whole window, or only its taps inside the input, as the layer counts).
  const divisor = op === 'mean' && r.inputs.length ? Math.round(1e6 / r.inputs[0]!.weight) / 1e6 : 1;
  return { kind: 'pool', op, kh, kw, window, padded, divisor, value };
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
