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
import { ELU, Hardtanh, ReLU, LeakyReLU, Sigmoid, Softmax, Tanh } from '../nn/activation.js';
import { ConvTranspose2d } from '../nn/conv-transpose2d.js';
import { ConstantPad2d } from '../nn/pad2d.js';
import { BatchNorm2d } from '../nn/batch-norm2d.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../nn/pooling.js';
import { Residual } from '../nn/residual.js';
import { Sequential } from '../nn/sequential.js';
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
  if (m instanceof Sequential) {
    let s = inShape;
    for (const [name, child] of m.namedChildren()) {
      const p = path ? `${path}.${name}` : name;
      if (p === target || target.startsWith(`${p}.`)) return trace(child, p, s, target, steps);
      steps.push({ module: child, inShape: s });
      s = child.outputShape(s);
    }
    return false;
  }
  if (m instanceof Residual) {
    // A unit inside the body (or shortcut) sees the block's input through that branch only.
    for (const [name, child] of m.namedChildren()) {
      const p = path ? `${path}.${name}` : name;
      if (p === target || target.startsWith(`${p}.`)) return trace(child, p, inShape, target, steps);
    }
    return false;
  }
  if ([...m.namedChildren()].length) {
    throw new ValueError(`receptiveField: cannot trace into ${m.constructor.name} '${path}' (only Sequential and Residual containers are known)`);
  }
  return false;
}

/** Maps the reach at a module's output back to its input. */
function back(m: Module, inShape: number[], reach: Reach): Reach {
  if (reach === 'all') return 'all';
  const [h, w] = [inShape[2]!, inShape[3]!];
  if (m instanceof Sequential) {
    const shapes: number[][] = [];
    let s = inShape;
    for (const c of m.children()) (shapes.push(s), (s = c.outputShape(s)));
    const kids = [...m.children()];
    for (let i = kids.length - 1; i >= 0; i--) reach = back(kids[i]!, shapes[i]!, reach);
    return reach;
  }
  if (m instanceof Residual) {
    const a = back(m.body, inShape, reach);
    const b = m.shortcut ? back(m.shortcut, inShape, reach) : reach;
    if (a === 'all' || b === 'all') return 'all';
    return { ys: a.ys.map((v, i) => v | b.ys[i]!), xs: a.xs.map((v, i) => v | b.xs[i]!) };
  }
  if (m instanceof Conv2d) {
    const a = conv2dAttrs('receptiveField', m.kernelSize, m.options);
    return {
      ys: window(reach.ys, h, m.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0]),
      xs: window(reach.xs, w, m.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1]),
    };
  }
  if (m instanceof ConvTranspose2d) {
    const a = m.attrs();
    return {
      ys: transposedWindow(reach.ys, h, m.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0]),
      xs: transposedWindow(reach.xs, w, m.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1]),
    };
  }
  if (m instanceof ConstantPad2d) {
    const [top, left] = m.pads;
    return { ys: shifted(reach.ys, h, top), xs: shifted(reach.xs, w, left) };
  }
  if (m instanceof MaxPool2d || m instanceof AvgPool2d || m instanceof SumPool2d) {
    const a = pool2dAttrs('receptiveField', m.kernelSize, m.options);
    return {
      ys: window(reach.ys, h, a.kernel[0], a.stride[0], a.padding[0], 1),
      xs: window(reach.xs, w, a.kernel[1], a.stride[1], a.padding[1], 1),
    };
  }
  if (m instanceof AdaptiveAvgPool2d) {
    const [oh, ow] = pair('receptiveField', 'outputSize', m.outputSize);
    return { ys: adaptive(reach.ys, h, oh), xs: adaptive(reach.xs, w, ow) };
  }
  if (m instanceof Softmax) {
    // Softmax over a spatial dim mixes that whole axis; over channels it is per pixel.
    const d = m.dim < 0 ? m.dim + inShape.length : m.dim;
    return { ys: d === 2 ? new Uint8Array(h).fill(1) : reach.ys, xs: d === 3 ? new Uint8Array(w).fill(1) : reach.xs };
  }
  if (m instanceof ReLU || m instanceof LeakyReLU || m instanceof Hardtanh || m instanceof ELU || m instanceof Tanh || m instanceof Sigmoid || m instanceof Dropout || m instanceof BatchNorm2d) {
    return reach;
  }
  if (m instanceof Flatten || m instanceof Linear) return 'all';
  throw new ValueError(`receptiveField: don't know how ${m.constructor.name} maps pixels; known: Conv2d, ConvTranspose2d, ConstantPad2d, pooling, element-wise layers, Flatten, Linear, Sequential, Residual`);
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
