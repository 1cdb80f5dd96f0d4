/**
 * Which values of a layer's input one output unit reads, and what each adds:
 * the connections an explainer draws between a unit and the layer before it
 * (Harley's view, CNN Explainer's highlighted inputs). A conv unit reads a
 * window in every input channel of its group (stride, padding and dilation
 * accounted for; taps in the zero padding read nothing), a pooling unit one
 * window of its own channel, a fully connected unit every input, a pointwise
 * layer (activations, dropout, batch norm) or Flatten the one value at its
 * position. Contributions are signed: value × weight, so that the inputs
 * that push a unit up and those that pull it down can be told apart.
 *
 * Computed from the layer's settings and weights and the recorded input, no
 * forward pass; each layer type has its rule in one table (by its stable
 * type name), as the receptive-field rules do.
 */
import type { Conv2d } from '../nn/conv2d.js';
import type { Linear } from '../nn/linear.js';
import { declaredType, moduleLabel, type Module } from '../nn/module.js';
import type { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../nn/pooling.js';
import { ValueError, fmt } from '../errors.js';
import { conv2dAttrs } from '../tensor/ops/conv.js';
import { pool2dAttrs } from '../tensor/ops/pool.js';
import { pair } from '../tensor/ops/util.js';

/** One input value a unit reads. */
export interface UnitInput {
  /** Where it is in the layer's input: channel, row, column for maps; for a vector input, channel is the index and y = x = 0. */
  channel: number;
  y: number;
  x: number;
  /** Its index in the flat input (one image). */
  index: number;
  value: number;
  /** What it is multiplied by: the weight (conv, linear), 1/divisor (average pooling), 1 (sum and max pooling, pointwise, Flatten). */
  weight: number;
  /** Its signed share: value × weight (max pooling: the value for the largest input, 0 for the others). */
  contribution: number;
  /** Where in the sliding window it falls, [row, column] of the kernel (conv, pooling); absent for other layers. */
  tap?: readonly [number, number];
}

/**
 * The box a unit reads in one input channel, inclusive, in input coordinates,
 * clipped to the input; taps are `dy` rows and `dx` columns apart (the dilation).
 */
export interface InputWindow {
  channel: number;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  dy: number;
  dx: number;
}

export interface UnitInputs {
  /** The layer's type name. */
  type: string;
  /** How the unit combines its inputs. */
  kind: 'conv' | 'linear' | 'max' | 'mean' | 'sum' | 'pointwise' | 'reshape';
  /** The inputs read, largest |contribution| first; only the `top` largest when that option is given. */
  inputs: UnitInput[];
  /** How many inputs the unit reads in all (more than `inputs.length` when `top` cut the list). */
  count: number;
  /** The contributions of the inputs left out by `top`, summed. */
  rest: number;
  /** Per input channel, the window read (maps input only; empty for a vector input). */
  windows: InputWindow[];
  /** The input channels the unit reads from (conv: its group's; pooling and pointwise: its own), even where every tap is padding; empty for a vector input. */
  inChannels: number[];
  /** The sliding window's size, [kH, kW] (conv, pooling; for adaptive pooling this unit's bin), or absent. */
  kernel?: [number, number];
  bias: number;
  /**
   * What the inputs make: Σ contributions + bias (conv, linear, average and
   * sum pooling), the largest input (max pooling), the input itself
   * (pointwise, where the layer's output is f of it; Flatten).
   */
  total: number;
}

export interface UnitInputsOptions {
  /** Keep only this many inputs, the largest |contribution| first (the rest are summed in `rest`). */
  top?: number;
}

interface Ctx {
  input: ArrayLike<number>;
  shape: readonly number[];
  unit: readonly number[];
  outShape: readonly number[];
}
type Found = Omit<UnitInputs, 'type' | 'count' | 'rest'>;
type Rule = (m: Module, ctx: Ctx) => Found;

/**
 * The inputs that unit `unit` of `layer`'s output reads from `input`, with
 * their signed contributions.
 *
 * Shape: `input` is one image's layer input, laid out as `inputShape`
 * ([C, H, W] or [F], no batch dim); `unit` indexes the layer's output for
 * that image: [c, y, x] for maps, [i] for a vector.
 *
 * @throws {ValueError} when the input's length does not match `inputShape`,
 *   the unit is outside the layer's output, or the layer type has no rule
 *   (the message names the layer and the known types).
 * @example
 * const conv = new Conv2d(1, 6, 5, { padding: 2 });
 * const r = unitInputs(conv, pixels, [1, 28, 28], [0, 5, 7]);
 * r.windows[0];                                                     // { channel: 0, y0: 3, y1: 7, x0: 5, x1: 9, dy: 1, dx: 1 }
 * r.inputs.reduce((s, i) => s + i.contribution, r.bias);            // the unit's value
 */
export function unitInputs(layer: Module, input: ArrayLike<number>, inputShape: readonly number[], unit: readonly number[], options: UnitInputsOptions = {}): UnitInputs {
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (input.length !== size) {
    throw new ValueError(`unitInputs (${moduleLabel(layer)}): input has ${input.length} values but inputShape ${fmt(inputShape)} holds ${size}`);
  }
  const outShape = layer.outputShape([1, ...inputShape]).slice(1);
  const dims = outShape.length === 3 ? 3 : 1;
  const limits = dims === 3 ? outShape : [outShape.reduce((a, b) => a * b, 1)];
  if (unit.length !== dims || unit.some((u, i) => !Number.isInteger(u) || u < 0 || u >= limits[i]!)) {
    throw new ValueError(`unitInputs (${moduleLabel(layer)}): unit ${fmt(unit)} is outside the layer's output ${fmt(outShape)} (give ${dims === 3 ? '[c, y, x]' : '[i]'})`);
  }
  const type = declaredType(layer) ?? '';
  const rule = Object.hasOwn(RULES, type) ? RULES[type] : layer.traits.pointwise ? pointwise : undefined;
  if (!rule) {
    throw new ValueError(`unitInputs: don't know which inputs a unit of ${moduleLabel(layer)} reads; known: ${Object.keys(RULES).join(', ')} and pointwise layers (activations, BatchNorm2d, Dropout)`);
  }
  const r = rule(layer, { input, shape: inputShape, unit, outShape });
  const sorted = [...r.inputs].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const kept = options.top === undefined ? sorted : sorted.slice(0, Math.max(0, options.top));
  const rest = sorted.slice(kept.length).reduce((s, i) => s + i.contribution, 0);
  return { type, ...r, inputs: kept, count: sorted.length, rest };
}

/** Channel, row and column of flat index i in a [C, H, W] (or [F]) input. */
function position(shape: readonly number[], i: number): { channel: number; y: number; x: number } {
  if (shape.length !== 3) return { channel: i, y: 0, x: 0 };
  const [, h, w] = shape as [number, number, number];
  return { channel: Math.floor(i / (h * w)), y: Math.floor(i / w) % h, x: i % w };
}

/** The taps of a sliding window at output (y, x) that land inside the input, as input rows and columns. */
function taps(o: number, k: number, stride: number, pad: number, dilation: number, n: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    const i = o * stride - pad + dilation * j;
    if (i >= 0 && i < n) out.push(i);
  }
  return out;
}

function box(channel: number, ys: number[], xs: number[], dy: number, dx: number): InputWindow[] {
  if (!ys.length || !xs.length) return [];
  return [{ channel, y0: ys[0]!, y1: ys[ys.length - 1]!, x0: xs[0]!, x1: xs[xs.length - 1]!, dy, dx }];
}

const conv: Rule = (m, { input, shape, unit }) => {
  const c = m as Conv2d;
  const [kh, kw] = c.kernelSize;
  const a = conv2dAttrs('unitInputs', c.kernelSize, c.options);
  const [, h, w] = shape as [number, number, number];
  const [o, y, x] = unit as [number, number, number];
  const cinG = c.inChannels / a.groups;
  const g = Math.floor(o / (c.outChannels / a.groups));
  const ys: number[] = [], xs: number[] = [], iy: number[] = [], jx: number[] = [];
  for (let i = 0; i < kh; i++) {
    const r = y * a.stride[0] - a.padding[0] + a.dilation[0] * i;
    if (r >= 0 && r < h) (ys.push(r), iy.push(i));
  }
  for (let j = 0; j < kw; j++) {
    const q = x * a.stride[1] - a.padding[1] + a.dilation[1] * j;
    if (q >= 0 && q < w) (xs.push(q), jx.push(j));
  }
  const wd = c.weight.data;
  const inputs: UnitInput[] = [];
  const windows: InputWindow[] = [];
  const inChannels: number[] = [];
  for (let k = 0; k < cinG; k++) {
    const ci = g * cinG + k;
    inChannels.push(ci);
    windows.push(...box(ci, ys, xs, a.dilation[0], a.dilation[1]));
    ys.forEach((r, ri) => xs.forEach((q, qi) => {
      const index = (ci * h + r) * w + q;
      const weight = wd[((o * cinG + k) * kh + iy[ri]!) * kw + jx[qi]!]!;
      const value = input[index]!;
      inputs.push({ channel: ci, y: r, x: q, index, value, weight, contribution: value * weight, tap: [iy[ri]!, jx[qi]!] });
    }));
  }
  const bias = c.bias ? c.bias.data[o]! : 0;
  return { kind: 'conv', inputs, windows, inChannels, kernel: [kh, kw], bias, total: inputs.reduce((s, i) => s + i.contribution, bias) };
};

/**
 * A pooling window of channel c: rows `ys` and columns `xs` inside the
 * input; `top`, `left` are the window's first row and column (in the padding
 * when negative), `kernel` its size.
 */
function pooled(kind: 'max' | 'mean' | 'sum', c: number, ys: number[], xs: number[], divisor: number, { input, shape }: Ctx, top: number, left: number, kernel: [number, number], dil: [number, number] = [1, 1]): Found {
  const [, h, w] = shape as [number, number, number];
  const inputs: UnitInput[] = [];
  for (const y of ys) {
    for (const x of xs) {
      const index = (c * h + y) * w + x;
      const value = input[index]!;
      const weight = kind === 'mean' ? 1 / divisor : 1;
      inputs.push({ channel: c, y, x, index, value, weight, contribution: kind === 'max' ? 0 : value * weight, tap: [(y - top) / dil[0], (x - left) / dil[1]] });
    }
  }
  let total = 0;
  if (kind === 'max') {
    // The largest input passes through whole; the others add nothing (the first of equal maxima wins, as the kernel picks it).
    let best = inputs[0]!;
    for (const i of inputs) if (i.value > best.value) best = i;
    best.contribution = best.value;
    total = best.value;
  } else total = inputs.reduce((s, i) => s + i.contribution, 0);
  return { kind, inputs, windows: box(c, ys, xs, dil[0], dil[1]), inChannels: [c], kernel, bias: 0, total };
}

const pool: Rule = (m, ctx) => {
  const p = m as MaxPool2d | AvgPool2d | SumPool2d;
  const type = declaredType(m);
  const a = pool2dAttrs('unitInputs', p.kernelSize, p.options);
  const [, h, w] = ctx.shape as [number, number, number];
  const [c, y, x] = ctx.unit as [number, number, number];
  // Max pooling's taps may be spread (dilation); average and sum pooling have none.
  const dil: [number, number] = [a.dilation[0], a.dilation[1]];
  const ys = taps(y, a.kernel[0], a.stride[0], a.padding[0], dil[0], h);
  const xs = taps(x, a.kernel[1], a.stride[1], a.padding[1], dil[1], w);
  const top = y * a.stride[0] - a.padding[0], left = x * a.stride[1] - a.padding[1];
  const at: [number, number, [number, number], [number, number]] = [top, left, [a.kernel[0], a.kernel[1]], dil];
  if (type === 'MaxPool2d') return pooled('max', c, ys, xs, 1, ctx, ...at);
  if (type === 'SumPool2d') return pooled('sum', c, ys, xs, 1, ctx, ...at);
  // PyTorch's avg_pool2d: divisorOverride, else the window clipped to the padded input (all of it but a
  // ceil-mode window hanging past the end) when padding counts, or only the taps inside the input.
  const inPadded = (Math.min(top + a.kernel[0], h + a.padding[0]) - top) * (Math.min(left + a.kernel[1], w + a.padding[1]) - left);
  const divisor = a.divisor || (a.countIncludePad ? inPadded : ys.length * xs.length);
  return pooled('mean', c, ys, xs, divisor, ctx, ...at);
};

const adaptive: Rule = (m, ctx) => {
  const [, h, w] = ctx.shape as [number, number, number];
  const [oh, ow] = pair('unitInputs', 'outputSize', (m as AdaptiveAvgPool2d).outputSize);
  const [c, y, x] = ctx.unit as [number, number, number];
  // PyTorch's bins: [floor(o*n/m), ceil((o+1)*n/m)).
  const bin = (o: number, n: number, k: number): number[] => {
    const out: number[] = [];
    for (let i = Math.floor((o * n) / k); i < Math.ceil(((o + 1) * n) / k); i++) out.push(i);
    return out;
  };
  const ys = bin(y, h, oh), xs = bin(x, w, ow);
  return pooled('mean', c, ys, xs, ys.length * xs.length, ctx, ys[0]!, xs[0]!, [ys.length, xs.length]);
};

const linear: Rule = (m, { input, shape, unit }) => {
  const l = m as Linear;
  const o = unit[0]!;
  const n = l.inFeatures;
  const wd = l.weight.data;
  const inputs: UnitInput[] = [];
  for (let i = 0; i < n; i++) {
    const value = input[i]!, weight = wd[o * n + i]!;
    inputs.push({ ...position(shape, i), index: i, value, weight, contribution: value * weight });
  }
  const bias = l.bias ? l.bias.data[o]! : 0;
  return { kind: 'linear', inputs, windows: [], inChannels: [], bias, total: inputs.reduce((s, i) => s + i.contribution, bias) };
};

/** The one input at the unit's own flat position (pointwise layers keep the shape; Flatten keeps the order). */
function same(kind: 'pointwise' | 'reshape'): Rule {
  return (_m, { input, shape, unit, outShape }) => {
    const index = outShape.length === 3 ? (unit[0]! * outShape[1]! + unit[1]!) * outShape[2]! + unit[2]! : unit[0]!;
    const p = position(shape, index);
    const value = input[index]!;
    const windows = shape.length === 3 ? box(p.channel, [p.y], [p.x], 1, 1) : [];
    return { kind, inputs: [{ ...p, index, value, weight: 1, contribution: value }], windows, inChannels: shape.length === 3 ? [p.channel] : [], bias: 0, total: value };
  };
}
const pointwise = same('pointwise');

/** The rule of each layer type that is not pointwise (pointwise layers, by their trait, read the value at their own position). */
const RULES: Record<string, Rule> = {
  Conv2d: conv,
  MaxPool2d: pool,
  AvgPool2d: pool,
  SumPool2d: pool,
  AdaptiveAvgPool2d: adaptive,
  Linear: linear,
  Flatten: same('reshape'),
};
