/**
 * PyTorch export: a fovea model → a self-contained `model.py` (an nn.Module
 * of the same structure, built from torch.nn layers under the same names, so
 * `load_state_dict(strict=True)` takes fovea's weights as they are) and
 * `model.safetensors` (the state dict). The preprocessing (input size,
 * mean/std, fit, class names) are constants in model.py. Platform-free: the
 * files are returned, savePyTorch (export-pytorch-node.ts) writes them.
 *
 * Like ONNX export, it is driven by the layers' self-description: one table
 * maps each layer type name to the Python expression that builds its twin.
 */
import type { ELU, Hardtanh, LeakyReLU, LogSoftmax, Softmax } from '../../nn/activation.js';
import type { BatchNorm2d } from '../../nn/batch-norm2d.js';
import type { Conv2d } from '../../nn/conv2d.js';
import type { ConvTranspose2d } from '../../nn/conv-transpose2d.js';
import type { Dropout } from '../../nn/dropout.js';
import type { Flatten } from '../../nn/flatten.js';
import type { GraphModule } from '../../nn/graph-module.js';
import type { Linear } from '../../nn/linear.js';
import { declaredType, moduleLabel, type Module } from '../../nn/module.js';
import type { ConstantPad2d } from '../../nn/pad2d.js';
import type { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from '../../nn/pooling.js';
import type { Residual } from '../../nn/residual.js';
import { ModelFileError } from '../io-error.js';
import type { ModelMeta } from '../model-file.js';
import { encodeSafetensors, type SafetensorsInput } from '../safetensors.js';
import { PY_HELPERS, PY_RUNTIME, pyNum, pyPair, pyStr, type PyHelper } from './python-source.js';

/** What `exportPyTorch` returns: file name → contents. */
export interface PyTorchExport {
  /** The nn.Module, `load()`, the preprocessing constants and helpers; needs torch and numpy only. */
  'model.py': string;
  /** The state dict (float32, PyTorch names), as safetensors. */
  'model.safetensors': Uint8Array;
}

export interface ExportPyTorchOptions {
  /** Where the model came from, for model.py's docstring and for error messages (e.g. 'lenet.fovea'). */
  source?: string;
  /** fovea's version, for the docstring. */
  producerVersion?: string;
}

/** While emitting: the helper classes used so far, and the indentation. */
interface Ctx {
  helpers: Set<PyHelper>;
  source: string;
}

/** The Python expression that builds the twin of layer `m` (at `path`), indented by `ind`. */
type Emitter = (m: Module, path: string, ind: string, ctx: Ctx) => string;
const emitter = <M extends Module>(f: (m: M, path: string, ind: string, ctx: Ctx) => string): Emitter => f as Emitter;

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);
/** Python keyword arguments, leaving out those that are undefined. */
const kwargs = (pairs: [string, string | undefined][]): string => pairs.filter(([, v]) => v !== undefined).map(([k, v]) => `, ${k}=${v}`).join('');
const opt = (v: number | readonly number[] | undefined): string | undefined => (v === undefined ? undefined : pyPair(v));
const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** A container's children as `(name, expr)` lines of an OrderedDict. */
function childList(children: [string, Module][], path: string, ind: string, ctx: Ctx): string {
  const inner = `${ind}    `;
  return children.map(([name, child]) => `${inner}(${pyStr(name)}, ${emit(child, join(path, name), inner, ctx)}),\n`).join('');
}

const emitPool = emitter<MaxPool2d | AvgPool2d | SumPool2d>((m, _path, _ind, ctx) => {
  const type = declaredType(m)!;
  const o = m.options as AvgPool2d['options'];
  const common = `${pyPair(m.kernelSize)}${kwargs([['stride', opt(o.stride)], ['padding', opt(o.padding)]])}`;
  if (type === 'MaxPool2d') return `nn.MaxPool2d(${common})`;
  if (type === 'SumPool2d') {
    ctx.helpers.add('SumPool2d');
    return `SumPool2d(${common})`;
  }
  return `nn.AvgPool2d(${common}${kwargs([['count_include_pad', o.countIncludePad === undefined ? undefined : pyBool(o.countIncludePad)]])})`;
});

/** How each layer type becomes PyTorch code, by the type name the layer declares. */
const EMITTERS: Record<string, Emitter> = {
  Sequential: (m, path, ind, ctx) => {
    const children = [...m.namedChildren()];
    if (!children.length) return 'nn.Sequential()';
    return `nn.Sequential(OrderedDict([\n${childList(children, path, ind, ctx)}${ind}]))`;
  },
  Residual: emitter<Residual>((m, path, ind, ctx) => {
    ctx.helpers.add('Residual');
    const inner = `${ind}    `;
    const shortcut = m.shortcut ? emit(m.shortcut, join(path, 'shortcut'), inner, ctx) : 'None';
    return `Residual(\n${inner}${emit(m.body, join(path, 'body'), inner, ctx)},\n${inner}${shortcut},\n${inner}relu_after=${pyBool(m.reluAfter)})`;
  }),
  GraphModule: emitter<GraphModule>((m, path, ind, ctx) => emitGraph(m, path, ind, ctx)),
  Conv2d: emitter<Conv2d>((m) => {
    const o = m.options;
    const padding = typeof o.padding === 'string' ? pyStr(o.padding) : opt(o.padding);
    return `nn.Conv2d(${m.inChannels}, ${m.outChannels}, ${pyPair(m.kernelSize)}${kwargs([
      ['stride', opt(o.stride)], ['padding', padding], ['dilation', opt(o.dilation)], ['groups', opt(o.groups)], ['bias', m.bias ? undefined : 'False'],
    ])})`;
  }),
  ConvTranspose2d: emitter<ConvTranspose2d>((m) => {
    const a = m.attrs();
    return `nn.ConvTranspose2d(${m.inChannels}, ${m.outChannels}, ${pyPair(m.kernelSize)}, stride=${pyPair(a.stride)}, padding=${pyPair(a.padding)}, output_padding=${pyPair(a.outputPadding)}, groups=${a.groups}, bias=${pyBool(m.bias !== null)}, dilation=${pyPair(a.dilation)})`;
  }),
  Linear: emitter<Linear>((m) => `nn.Linear(${m.inFeatures}, ${m.outFeatures}${kwargs([['bias', m.bias ? undefined : 'False']])})`),
  MaxPool2d: emitPool,
  AvgPool2d: emitPool,
  SumPool2d: emitPool,
  AdaptiveAvgPool2d: emitter<AdaptiveAvgPool2d>((m) => `nn.AdaptiveAvgPool2d(${pyPair(m.outputSize)})`),
  BatchNorm2d: emitter<BatchNorm2d>((m) => `nn.BatchNorm2d(${m.numFeatures}, eps=${pyNum(m.options.eps ?? 1e-5)}, momentum=${pyNum(m.options.momentum ?? 0.1)})`),
  ReLU: () => 'nn.ReLU()',
  LeakyReLU: emitter<LeakyReLU>((m) => `nn.LeakyReLU(${pyNum(m.negativeSlope)})`),
  Tanh: () => 'nn.Tanh()',
  Sigmoid: () => 'nn.Sigmoid()',
  Softmax: emitter<Softmax>((m) => `nn.Softmax(dim=${m.dim})`),
  LogSoftmax: emitter<LogSoftmax>((m) => `nn.LogSoftmax(dim=${m.dim})`),
  // a null bound is no bound: ±inf, which clamp (and so Hardtanh) takes
  Hardtanh: emitter<Hardtanh>((m) => `nn.Hardtanh(${pyNum(m.minVal ?? -Infinity)}, ${pyNum(m.maxVal ?? Infinity)})`),
  ELU: emitter<ELU>((m) => `nn.ELU(alpha=${pyNum(m.alpha)})`),
  Flatten: emitter<Flatten>((m) => `nn.Flatten(${m.startDim}, ${m.endDim})`),
  Dropout: emitter<Dropout>((m) => `nn.Dropout(${pyNum(m.p)})`),
  // fovea's pads are [top, left, bottom, right]; PyTorch's (left, right, top, bottom); negative pads crop in both
  ConstantPad2d: emitter<ConstantPad2d>((m) => {
    const [t, l, b, r] = m.pads;
    return `nn.ConstantPad2d((${l}, ${r}, ${t}, ${b}), ${pyNum(m.value)})`;
  }),
};

/** Module types `exportPyTorch` understands (the keys of its emitter table). */
export const PYTORCH_EXPORTABLE_MODULES: readonly string[] = Object.keys(EMITTERS);

function emit(m: Module, path: string, ind: string, ctx: Ctx): string {
  const type = declaredType(m);
  if (type === undefined || !Object.hasOwn(EMITTERS, type)) {
    throw unsupported(ctx, m, path, `no PyTorch emitter for this layer type; supported: ${PYTORCH_EXPORTABLE_MODULES.join(', ')}`);
  }
  return EMITTERS[type]!(m, path, ind, ctx);
}

/** A GraphModule: FoveaGraph(graph JSON, [(name, child)], [(constant, shape)]). */
function emitGraph(g: GraphModule, path: string, ind: string, ctx: Ctx): string {
  ctx.helpers.add('FoveaGraph');
  const inner = `${ind}    `;
  // fovea's module and buffer names are already what PyTorch takes: non-empty, no '.'
  const children = [...g.namedChildren()];
  const constants = [...g.namedConstants()];
  const mods = children.length ? `[\n${children.map(([n, c]) => `${inner}    (${pyStr(n)}, ${emit(c, join(path, n), `${inner}    `, ctx)}),\n`).join('')}${inner}]` : '[]';
  const consts = `[${constants.map(([n, t]) => `(${pyStr(n)}, [${t.shape.join(', ')}])`).join(', ')}]`;
  return `FoveaGraph(\n${inner}json.loads(${pyStr(JSON.stringify(g.graph))}),\n${inner}${mods},\n${inner}${consts})`;
}

function unsupported(ctx: Ctx, m: Module, path: string, why: string): ModelFileError {
  return new ModelFileError(ctx.source, `cannot export layer '${path || '<root>'}' (${moduleLabel(m)}) to PyTorch: ${why}`);
}

/** model.py's docstring: what it is and how to use it. */
function docstring(source: string, version: string | undefined): string {
  // a backslash or a triple quote in a file name must not end or bend the docstring
  const name = source.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `"""A PyTorch model exported by fovea${version ? ` ${version}` : ''} from ${name}.

Self-contained: needs torch and numpy, not fovea. Beside it: model.safetensors
(the weights under the same names as in fovea).

    import model                      # this file (or: from DIR import model)
    net = model.load()                # build() + strict load_state_dict, eval mode
    x = model.normalize(pixels)       # pixels [N, C, H, W] scaled to [0, 1]
    probabilities = net(x).softmax(1) # classes: model.CLASS_NAMES

Train further (in your own script, under torchrun): net = model.load().train().cuda(),
wrapped in torch.nn.parallel.DistributedDataParallel, fed with model.transform()
(a torchvision transform: the input size, fit and normalisation below).
"""`;
}

/**
 * Exports a model as PyTorch code and weights: `model.py` (an nn.Module with
 * fovea's structure and parameter names, `load()`, the preprocessing
 * constants INPUT_SHAPE, MEAN, STD, FIT, CLASS_NAMES and `normalize`) and
 * `model.safetensors`, its state dict. Every built-in layer type has a
 * PyTorch twin (SumPool2d, Residual and GraphModule as small classes in
 * model.py); a layer of another type is an error naming its path.
 *
 * Shape: model.py's model maps [N, C, H, W] (C, H, W = `meta.inputShape`) to
 * what the fovea model outputs, the same logits within float32 rounding.
 * @example
 * const { model, meta } = loadModel('lenet.fovea');
 * const files = exportPyTorch(model, meta, { source: 'lenet.fovea' });
 * // files['model.py'], files['model.safetensors']; savePyTorch('out', model, meta) writes them
 */
export function exportPyTorch(model: Module, meta: ModelMeta, options: ExportPyTorchOptions = {}): PyTorchExport {
  const source = options.source ?? '<pytorch export>';
  const [c, h, w] = meta.inputShape;
  if (![c, h, w].every((d) => Number.isInteger(d) && d > 0)) throw new ModelFileError(source, `inputShape must be [C, H, W] of positive integers, got [${meta.inputShape.join(', ')}]`);
  if (meta.normalize.mean.length !== c || meta.normalize.std.length !== c) {
    throw new ModelFileError(source, `normalize has ${meta.normalize.mean.length} means and ${meta.normalize.std.length} stds for ${c} input channel(s)`);
  }
  model.outputShape([1, c, h, w]); // a ShapeError naming the layer when the model does not take this input
  const ctx: Ctx = { helpers: new Set(), source };
  const body = emit(model, '', '    ', ctx);
  const helpers = (Object.keys(PY_HELPERS) as PyHelper[]).filter((k) => ctx.helpers.has(k)).map((k) => PY_HELPERS[k]).join('\n');
  const py = `${docstring(source, options.producerVersion)}
import json
import os
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

INPUT_SHAPE = (${c}, ${h}, ${w})  # C, H, W
MEAN = (${meta.normalize.mean.map(pyNum).join(', ')},)  # per channel, on pixels scaled to [0, 1]
STD = (${meta.normalize.std.map(pyNum).join(', ')},)
FIT = ${pyStr(meta.fit ?? 'fill')}  # 'fill': stretched to H x W; 'cover': aspect ratio kept, centre cut out
CLASS_NAMES = [${meta.classNames.map(pyStr).join(', ')}]
${helpers}

def build():
    """The architecture, with fresh (untrained) weights."""
    return ${body}

${PY_RUNTIME}`;
  const tensors: Record<string, SafetensorsInput> = {};
  for (const [name, t] of model.stateDict()) tensors[name] = { shape: t.shape, data: t.data };
  return { 'model.py': py, 'model.safetensors': encodeSafetensors(tensors, { format: 'pt' }) };
}
