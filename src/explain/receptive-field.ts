/**
 * The exact receptive field of a unit: which input pixels can influence the
 * value at (y, x) of a layer's output, with every conv's and pool's kernel,
 * stride, padding and dilation accounted for, computed from the layer
 * settings (no forward pass).
 *
 * Why index sets and not just intervals: a dilated kernel skips pixels, and
 * a tap that lands in the zero padding sees no pixel at all, so the tightest
 * box is found by tracking, per axis, exactly which positions are reached
 * (every layer here acts on rows and columns independently), then taking the
 * bounding box at the input.
 */
import type { ConvTranspose2d } from '../nn/conv-transpose2d.js';
import type { ConstantPad2d } from '../nn/pad2d.js';
import type { Conv2d } from '../nn/conv2d.js';
import { declaredType, moduleLabel, type Module } from '../nn/module.js';
import type { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../nn/pooling.js';
import type { Residual } from '../nn/residual.js';
import type { Softmax } from '../nn/activation.js';
import { ValueError, fmt } from '../errors.js';
import { conv2dAttrs } from '../tensor/ops/conv.js';
import { pool2dAttrs } from '../tensor/ops/pool.js';
import { pair } from '../tensor/ops/util.js';

/**
 * A box of input pixels, inclusive on both ends: rows y0..y1, columns x0..x1.
 * A unit that sees only zero padding has an empty box (y1 < y0).
 */
export interface ReceptiveField {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** Per-axis reach: which rows and which columns of a feature map are touched, or everything. */
type Reach = { ys: Uint8Array; xs: Uint8Array } | 'all';
interface Step { module: Module; inShape: number[] }

/**
 * The input pixels that unit `[y, x]` of layer `layerPath`'s output sees,
 * clipped to the image.
 *
 * Handles Conv2d (stride, padding incl. 'same', dilation), ConvTranspose2d,
 * ConstantPad2d (a unit in the padding sees nothing: the box is empty, y1 <
 * y0), MaxPool2d, AvgPool2d, SumPool2d, AdaptiveAvgPool2d, element-wise
 * layers (activations, BatchNorm2d, Dropout), Sequential and Residual (union
 * of both paths). A unit after Flatten or Linear sees the whole image (and
 * `unit` is ignored).
 *
 * Shape: `inputShape` is [C, H, W] or [N, C, H, W]; `unit` indexes the
 * layer's output [N, C', H', W'] as [y, x] (every channel has the same
 * field). The box is in input pixel coordinates.
 *
 * @throws {ValueError} for an unknown layer path (the message lists the
 *   valid ones), a unit outside the layer's output, or a layer type whose
 *   pixel mapping is unknown.
 * @example
 * receptiveField(lenet(), [1, 28, 28], 'features.3', [0, 0])   // { y0: 0, y1: 11, x0: 0, x1: 11 }
 */
export function receptiveField(model: Module, inputShape: readonly number[], layerPath: string, unit: readonly [y: number, x: number]): ReceptiveField {
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    throw new ValueError(`receptiveField: inputShape must be [C, H, W] or [N, C, H, W], got ${fmt(inputShape)}`);
  }
  const shape = inputShape.length === 3 ? [1, ...inputShape] : [...inputShape];
  const steps: Step[] = [];
  if (!trace(model, '', shape, layerPath, steps)) {
    const paths = [...model.namedModules()].map(([p]) => `'${p}'`).join(', ');
    throw new ValueError(`receptiveField: no layer '${layerPath}' in the model; layers: ${paths}`);
  }
  const last = steps[steps.length - 1]!;
  const outShape = last.module.outputShape(last.inShape);
  let reach: Reach = 'all';
  if (outShape.length === 4) {
    const [, , h, w] = outShape as [number, number, number, number];
    const [y, x] = unit;
    if (!Number.isInteger(y) || !Number.isInteger(x) || y < 0 || x < 0 || y >= h || x >= w) {
      throw new ValueError(`receptiveField: unit [${y}, ${x}] is outside layer '${layerPath}', whose output is ${fmt(outShape)} (rows 0..${h - 1}, columns 0..${w - 1})`);
    }
    reach = { ys: single(h, y), xs: single(w, x) };
  }
  for (let i = steps.length - 1; i >= 0; i--) reach = back(steps[i]!.module, steps[i]!.inShape, reach);
  const [h, w] = [shape[2]!, shape[3]!];
  if (reach === 'all') return { y0: 0, y1: h - 1, x0: 0, x1: w - 1 };
  const [y0, y1] = bounds(reach.ys);
  const [x0, x1] = bounds(reach.xs);
  // A unit in padding sees no pixel: the empty box, as on both axes.
  if (y1 < y0 || x1 < x0) return { y0: h, y1: -1, x0: w, x1: -1 };
  return { y0, y1, x0, x1 };
}

/**
 * Collects, in `steps`, the modules (with their input shapes) whose
 * composition maps the model's input to `target`'s output. False if
 * `target` is not inside `m`.
 */
function trace(m: Module, path: string, inShape: number[], target: string, steps: Step[]): boolean {
  if (path === target) {
    steps.push({ module: m, inShape });
    return true;
  }
  if (path && !target.startsWith(`${path}.`)) return false;
  const type = declaredType(m);
  if (type === 'Sequential') {
    let s = inShape;
    for (const [name, child] of m.namedChildren()) {
      const p = path ? `${path}.${name}` : name;
      if (p === target || target.startsWith(`${p}.`)) return trace(child, p, s, target, steps);
      steps.push({ module: child, inShape: s });
      s = child.outputShape(s);
    }
    return false;
  }
  if (type === 'Residual') {
    // A unit inside the body (or shortcut) sees the block's input through that branch only.
    for (const [name, child] of m.namedChildren()) {
      const p = path ? `${path}.${name}` : name;
      if (p === target || target.startsWith(`${p}.`)) return trace(child, p, inShape, target, steps);
    }
    return false;
  }
  if ([...m.namedChildren()].length) {
    throw new ValueError(`receptiveField: cannot trace into ${moduleLabel(m)} '${path}' (only Sequential and Residual containers are known)`);
  }
  return false;
}

/** How one layer type maps the reach at its output back to its input (h, w: the input's height and width). */
type BackRule = (m: Module, inShape: number[], reach: Exclude<Reach, 'all'>, h: number, w: number) => Reach;

const poolBack: BackRule = (m, _s, reach, h, w) => {
  const p = m as MaxPool2d | AvgPool2d | SumPool2d;
  const a = pool2dAttrs('receptiveField', p.kernelSize, p.options);
  return {
    ys: window(reach.ys, h, a.kernel[0], a.stride[0], a.padding[0], a.dilation[0]),
    xs: window(reach.xs, w, a.kernel[1], a.stride[1], a.padding[1], a.dilation[1]),
  };
};

// Softmax over a spatial dim mixes that whole axis; over channels it is per pixel.
const softmaxBack: BackRule = (m, inShape, reach, h, w) => {
  const dim = (m as Softmax).dim;
  const d = dim < 0 ? dim + inShape.length : dim;
  return { ys: d === 2 ? new Uint8Array(h).fill(1) : reach.ys, xs: d === 3 ? new Uint8Array(w).fill(1) : reach.xs };
};

/** The pixel mapping of each layer type that is not pointwise (pointwise layers, by their trait, pass the reach through). */
const BACK_RULES: Record<string, BackRule> = {
  Sequential: (m, inShape, reach) => {
    const shapes: number[][] = [];
    let s = inShape;
    for (const c of m.children()) (shapes.push(s), (s = c.outputShape(s)));
    const kids = [...m.children()];
    let r: Reach = reach;
    for (let i = kids.length - 1; i >= 0; i--) r = back(kids[i]!, shapes[i]!, r);
    return r;
  },
  Residual: (m, inShape, reach) => {
    const res = m as Residual;
    const a = back(res.body, inShape, reach);
    const b = res.shortcut ? back(res.shortcut, inShape, reach) : reach;
    if (a === 'all' || b === 'all') return 'all';
    return { ys: a.ys.map((v, i) => v | b.ys[i]!), xs: a.xs.map((v, i) => v | b.xs[i]!) };
  },
  Conv2d: (m, _s, reach, h, w) => {
    const c = m as Conv2d;
    const a = conv2dAttrs('receptiveField', c.kernelSize, c.options);
    return {
      ys: window(reach.ys, h, c.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0]),
      xs: window(reach.xs, w, c.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1]),
    };
  },
  ConvTranspose2d: (m, _s, reach, h, w) => {
    const c = m as ConvTranspose2d;
    const a = c.attrs();
    return {
      ys: transposedWindow(reach.ys, h, c.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0]),
      xs: transposedWindow(reach.xs, w, c.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1]),
    };
  },
  ConstantPad2d: (m, _s, reach, h, w) => {
    const [top, left] = (m as ConstantPad2d).pads;
    return { ys: shifted(reach.ys, h, top), xs: shifted(reach.xs, w, left) };
  },
  MaxPool2d: poolBack,
  AvgPool2d: poolBack,
  SumPool2d: poolBack,
  AdaptiveAvgPool2d: (m, _s, reach, h, w) => {
    const [oh, ow] = pair('receptiveField', 'outputSize', (m as AdaptiveAvgPool2d).outputSize);
    return { ys: adaptive(reach.ys, h, oh), xs: adaptive(reach.xs, w, ow) };
  },
  Softmax: softmaxBack,
  LogSoftmax: softmaxBack,
  Flatten: () => 'all',
  Linear: () => 'all',
};

/** Maps the reach at a module's output back to its input. */
function back(m: Module, inShape: number[], reach: Reach): Reach {
  if (reach === 'all') return 'all';
  const type = declaredType(m);
  const rule = type !== undefined && Object.hasOwn(BACK_RULES, type) ? BACK_RULES[type] : undefined;
  if (rule) return rule(m, inShape, reach, inShape[2]!, inShape[3]!);
  if (m.traits.pointwise) return reach;
  throw new ValueError(`receptiveField: don't know how ${moduleLabel(m)} maps pixels; known: ${Object.keys(BACK_RULES).join(', ')} and pointwise layers (activations, BatchNorm2d, Dropout)`);
}

/** Input positions reached from the marked outputs of a sliding window: o*stride - pad + dilation*j, inside [0, n). */
function window(out: Uint8Array, n: number, k: number, stride: number, pad: number, dilation: number): Uint8Array {
  const r = new Uint8Array(n);
  out.forEach((on, o) => {
    if (!on) return;
    for (let j = 0; j < k; j++) {
      const i = o * stride - pad + dilation * j;
      if (i >= 0 && i < n) r[i] = 1;
    }
  });
  return r;
}

/** A transposed convolution scatters input i to outputs i*stride - pad + dilation*j: the inputs that reach a marked output. */
function transposedWindow(out: Uint8Array, n: number, k: number, stride: number, pad: number, dilation: number): Uint8Array {
  const r = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k && !r[i]; j++) {
      const o = i * stride - pad + dilation * j;
      if (o >= 0 && o < out.length && out[o]) r[i] = 1;
    }
  }
  return r;
}

/** Padding (or cropping, when negative) by `before` in front: output o is input o - before. */
function shifted(out: Uint8Array, n: number, before: number): Uint8Array {
  const r = new Uint8Array(n);
  out.forEach((on, o) => {
    const i = o - before;
    if (on && i >= 0 && i < n) r[i] = 1;
  });
  return r;
}

/** AdaptiveAvgPool2d's bins, as PyTorch computes them: [floor(o*n/m), ceil((o+1)*n/m)). */
function adaptive(out: Uint8Array, n: number, m: number): Uint8Array {
  const r = new Uint8Array(n);
  out.forEach((on, o) => {
    if (!on) return;
    for (let i = Math.floor((o * n) / m); i < Math.ceil(((o + 1) * n) / m); i++) r[i] = 1;
  });
  return r;
}

function single(n: number, i: number): Uint8Array {
  const r = new Uint8Array(n);
  r[i] = 1;
  return r;
}

/** First and last marked index; [0, -1] when none is marked. */
function bounds(mask: Uint8Array): [number, number] {
  const first = mask.indexOf(1);
  return first < 0 ? [0, -1] : [first, mask.lastIndexOf(1)];
}
