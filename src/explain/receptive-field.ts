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
 * bounding box at the input. Through graphs (GraphModule: ONNX and TF.js
 * imports) the reach is carried over the DAG (receptive-field-graph.ts).
 */
import type { ConvTranspose2d } from '../nn/conv-transpose2d.js';
import type { ConstantPad2d } from '../nn/pad2d.js';
import type { Conv2d } from '../nn/conv2d.js';
import { declaredType, moduleLabel, type Module } from '../nn/module.js';
import type { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../nn/pooling.js';
import type { Residual } from '../nn/residual.js';
import type { Softmax } from '../nn/activation.js';
import type { GraphModule } from '../nn/graph-module.js';
import { ValueError, fmt } from '../errors.js';
import { conv2dAttrs } from '../tensor/ops/conv.js';
import { pool2dAttrs } from '../tensor/ops/pool.js';
import { pair } from '../tensor/ops/util.js';
import { graphBack } from './receptive-field-graph.js';
import { adaptive, bounds, mapRegions, shifted, single, transposedWindow, union, window, type Reach, type Region } from './receptive-field-reach.js';

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

/** Where the target layer is: its output shape, and how a reach at its output maps back to the model's input. */
interface Located {
  outShape: number[];
  toInput: (reach: Reach) => Reach;
}

/**
 * The input pixels that unit `[y, x]` of layer `layerPath`'s output sees,
 * clipped to the image.
 *
 * Handles Conv2d (stride, padding incl. 'same', dilation), ConvTranspose2d,
 * ConstantPad2d (a unit in the padding sees nothing: the box is empty, y1 <
 * y0), MaxPool2d, AvgPool2d, SumPool2d, AdaptiveAvgPool2d, element-wise
 * layers (activations, BatchNorm2d, Dropout), Sequential, Residual (union
 * of both paths) and GraphModule, the graph ONNX and TF.js imports build:
 * element-wise nodes (add, sub, mul, div, with broadcasting), concat (along
 * channels, or along H or W, where each input owns a slice), reshapes that
 * keep H and W, permutes of H and W, and the union over every path that
 * joins (residual adds, branches). A node that merges H and W (a flattening
 * reshape, matmul) and a unit after Flatten or Linear see the whole image
 * (and `unit` is ignored).
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
 * const { model } = loadOnnx(bytes, 'resnet.onnx');
 * receptiveField(model, [3, 32, 32], 'layer1_conv2_Conv', [0, 0])   // through the graph's adds
 */
export function receptiveField(model: Module, inputShape: readonly number[], layerPath: string, unit: readonly [y: number, x: number]): ReceptiveField {
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    throw new ValueError(`receptiveField: inputShape must be [C, H, W] or [N, C, H, W], got ${fmt(inputShape)}`);
  }
  const shape = inputShape.length === 3 ? [1, ...inputShape] : [...inputShape];
  const found = locate(model, '', shape, layerPath);
  if (!found) {
    const paths = [...model.namedModules()].map(([p]) => `'${p}'`).join(', ');
    throw new ValueError(`receptiveField: no layer '${layerPath}' in the model; layers: ${paths}`);
  }
  const outShape = found.outShape;
  let reach: Reach = 'all';
  if (outShape.length === 4) {
    const [, , h, w] = outShape as [number, number, number, number];
    const [y, x] = unit;
    if (!Number.isInteger(y) || !Number.isInteger(x) || y < 0 || x < 0 || y >= h || x >= w) {
      throw new ValueError(`receptiveField: unit [${y}, ${x}] is outside layer '${layerPath}', whose output is ${fmt(outShape)} (rows 0..${h - 1}, columns 0..${w - 1})`);
    }
    reach = [{ ys: single(h, y), xs: single(w, x) }];
  }
  reach = found.toInput(reach);
  const [h, w] = [shape[2]!, shape[3]!];
  if (reach === 'all') return { y0: 0, y1: h - 1, x0: 0, x1: w - 1 };
  // The bounding box of the union; no region at all: the unit sees only padding, the empty box.
  const box = { y0: h, y1: -1, x0: w, x1: -1 };
  for (const r of reach) {
    const [y0, y1] = bounds(r.ys);
    const [x0, x1] = bounds(r.xs);
    box.y0 = Math.min(box.y0, y0); box.y1 = Math.max(box.y1, y1);
    box.x0 = Math.min(box.x0, x0); box.x1 = Math.max(box.x1, x1);
  }
  return box;
}

/**
 * Finds `target` inside `m` (at `path`, fed `inShape`): its output shape and
 * the map from a reach at its output back to `m`'s input. Null if `target`
 * is not inside `m`.
 */
function locate(m: Module, path: string, inShape: number[], target: string): Located | null {
  if (path === target) return { outShape: m.outputShape(inShape), toInput: (r) => back(m, inShape, r) };
  if (path && !target.startsWith(`${path}.`)) return null;
  const childPath = (name: string) => (path ? `${path}.${name}` : name);
  const holds = (p: string) => p === target || target.startsWith(`${p}.`);
  const type = declaredType(m);
  if (type === 'Sequential') {
    const before: [Module, number[]][] = [];
    let s = inShape;
    for (const [name, child] of m.namedChildren()) {
      if (holds(childPath(name))) {
        const inner = locate(child, childPath(name), s, target);
        return inner && { outShape: inner.outShape, toInput: (r) => before.reduceRight((acc, [c, cs]) => back(c, cs, acc), inner.toInput(r)) };
      }
      before.push([child, s]);
      s = child.outputShape(s);
    }
    return null;
  }
  if (type === 'Residual') {
    // A unit inside the body (or shortcut) sees the block's input through that branch only.
    for (const [name, child] of m.namedChildren()) if (holds(childPath(name))) return locate(child, childPath(name), inShape, target);
    return null;
  }
  if (type === 'GraphModule') {
    // A unit inside a module node sees the graph's input through every path into that node's input.
    const g = m as GraphModule;
    const node = g.graph.nodes.find((n) => n.op === 'module' && holds(childPath(n.name)));
    if (!node) return null;
    const shapes = g.valueShapes(inShape);
    const inner = locate(g.module(node.name), childPath(node.name), [...shapes.get(node.inputs[0]!)!], target);
    return inner && { outShape: inner.outShape, toInput: (r) => graphBack(g, shapes, node.inputs[0]!, inner.toInput(r), back) };
  }
  if ([...m.namedChildren()].length) {
    throw new ValueError(`receptiveField: cannot trace into ${moduleLabel(m)} '${path}' (only Sequential, Residual and GraphModule containers are known)`);
  }
  return null;
}

/** How one layer type maps a region at its output back to its input (h, w: the input's height and width). */
type BackRule = (m: Module, inShape: readonly number[], region: Region, h: number, w: number) => Reach;

const poolBack: BackRule = (m, _s, r, h, w) => {
  const p = m as MaxPool2d | AvgPool2d | SumPool2d;
  const a = pool2dAttrs('receptiveField', p.kernelSize, p.options);
  return [{
    ys: window(r.ys, h, a.kernel[0], a.stride[0], a.padding[0], a.dilation[0]),
    xs: window(r.xs, w, a.kernel[1], a.stride[1], a.padding[1], a.dilation[1]),
  }];
};

// Softmax over H or W mixes that whole axis; over channels (or the batch) it is per pixel.
const softmaxBack: BackRule = (m, inShape, r, h, w) => {
  const dim = (m as Softmax).dim;
  const d = dim < 0 ? dim + inShape.length : dim;
  const rank = inShape.length;
  return [{ ys: d === rank - 2 ? new Uint8Array(h).fill(1) : r.ys, xs: d === rank - 1 ? new Uint8Array(w).fill(1) : r.xs }];
};

/** The pixel mapping of each layer type that is not pointwise (pointwise layers, by their trait, pass the reach through). */
const BACK_RULES: Record<string, BackRule> = {
  Sequential: (m, inShape, r) => {
    const shapes: (readonly number[])[] = [];
    let s = inShape;
    for (const c of m.children()) (shapes.push(s), (s = c.outputShape(s)));
    const kids = [...m.children()];
    let reach: Reach = [r];
    for (let i = kids.length - 1; i >= 0; i--) reach = back(kids[i]!, shapes[i]!, reach);
    return reach;
  },
  Residual: (m, inShape, r) => {
    const res = m as Residual;
    return union(back(res.body, inShape, [r]), res.shortcut ? back(res.shortcut, inShape, [r]) : [r]);
  },
  GraphModule: (m, inShape, r) => {
    const g = m as GraphModule;
    return graphBack(g, g.valueShapes(inShape), g.graph.output, [r], back);
  },
  Conv2d: (m, _s, r, h, w) => {
    const c = m as Conv2d;
    const a = conv2dAttrs('receptiveField', c.kernelSize, c.options);
    return [{
      ys: window(r.ys, h, c.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0]),
      xs: window(r.xs, w, c.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1]),
    }];
  },
  ConvTranspose2d: (m, _s, r, h, w) => {
    const c = m as ConvTranspose2d;
    const a = c.attrs();
    return [{
      ys: transposedWindow(r.ys, h, c.kernelSize[0], a.stride[0], a.padding[0], a.dilation[0]),
      xs: transposedWindow(r.xs, w, c.kernelSize[1], a.stride[1], a.padding[1], a.dilation[1]),
    }];
  },
  ConstantPad2d: (m, _s, r, h, w) => {
    const [top, left] = (m as ConstantPad2d).pads;
    return [{ ys: shifted(r.ys, h, top), xs: shifted(r.xs, w, left) }];
  },
  MaxPool2d: poolBack,
  AvgPool2d: poolBack,
  SumPool2d: poolBack,
  AdaptiveAvgPool2d: (m, _s, r, h, w) => {
    const [oh, ow] = pair('receptiveField', 'outputSize', (m as AdaptiveAvgPool2d).outputSize);
    return [{ ys: adaptive(r.ys, h, oh), xs: adaptive(r.xs, w, ow) }];
  },
  Softmax: softmaxBack,
  LogSoftmax: softmaxBack,
  Flatten: () => 'all',
  Linear: () => 'all',
};

/** Maps the reach at a module's output back to its input. */
function back(m: Module, inShape: readonly number[], reach: Reach): Reach {
  if (reach === 'all') return 'all';
  const type = declaredType(m);
  const rule = type !== undefined && Object.hasOwn(BACK_RULES, type) ? BACK_RULES[type] : undefined;
  if (rule) return mapRegions(reach, (r) => rule(m, inShape, r, inShape[inShape.length - 2]!, inShape[inShape.length - 1]!));
  if (m.traits.pointwise) return reach;
  throw new ValueError(`receptiveField: don't know how ${moduleLabel(m)} maps pixels; known: ${Object.keys(BACK_RULES).join(', ')} and pointwise layers (activations, BatchNorm2d, Dropout)`);
}
