/**
 * Rebuilding modules from their specs (the architecture stored in a model
 * file). Layer types are registered by name; users register their own
 * module classes with `registerModuleType` so their models can be saved too.
 */
import { FoveaError } from '../errors.js';
import { ELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activation.js';
import { BatchNorm2d } from './batch-norm2d.js';
import { Conv2d } from './conv2d.js';
import { ConvTranspose2d } from './conv-transpose2d.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { graphModuleFromSpec } from './graph-module.js';
import { Linear } from './linear.js';
import { ConstantPad2d } from './pad2d.js';
import type { Module, ModuleSpec } from './module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from './pooling.js';
import { Residual } from './residual.js';
import { Sequential } from './sequential.js';

type Factory = (args: Record<string, unknown>, children: [string, Module][]) => Module;

/* eslint-disable @typescript-eslint/no-explicit-any */
const a = (args: Record<string, unknown>, k: string): any => args[k];

const factories = new Map<string, Factory>([
  ['Conv2d', (g) => new Conv2d(a(g, 'inChannels'), a(g, 'outChannels'), a(g, 'kernelSize'), a(g, 'options') ?? {})],
  ['ConvTranspose2d', (g) => new ConvTranspose2d(a(g, 'inChannels'), a(g, 'outChannels'), a(g, 'kernelSize'), a(g, 'options') ?? {})],
  ['Linear', (g) => new Linear(a(g, 'inFeatures'), a(g, 'outFeatures'), { bias: a(g, 'bias') ?? true })],
  ['MaxPool2d', (g) => new MaxPool2d(a(g, 'kernelSize'), a(g, 'options') ?? {})],
  ['AvgPool2d', (g) => new AvgPool2d(a(g, 'kernelSize'), a(g, 'options') ?? {})],
  ['SumPool2d', (g) => new SumPool2d(a(g, 'kernelSize'), a(g, 'options') ?? {})],
  ['AdaptiveAvgPool2d', (g) => new AdaptiveAvgPool2d(a(g, 'outputSize'))],
  ['Flatten', (g) => new Flatten(a(g, 'startDim') ?? 1, a(g, 'endDim') ?? -1)],
  ['ReLU', () => new ReLU()],
  ['LeakyReLU', (g) => new LeakyReLU(a(g, 'negativeSlope') ?? 0.01)],
  ['Tanh', () => new Tanh()],
  ['Sigmoid', () => new Sigmoid()],
  ['Softmax', (g) => new Softmax(a(g, 'dim') ?? 1)],
  ['LogSoftmax', (g) => new LogSoftmax(a(g, 'dim') ?? 1)],
  ['Hardtanh', (g) => new Hardtanh(a(g, 'minVal') ?? null, a(g, 'maxVal') ?? null)],
  ['ELU', (g) => new ELU(a(g, 'alpha') ?? 1)],
  ['ConstantPad2d', (g) => new ConstantPad2d(a(g, 'pads'), Number(a(g, 'value') ?? 0))],
  ['GraphModule', graphModuleFromSpec],
  ['Dropout', (g) => new Dropout(a(g, 'p') ?? 0.5)],
  ['BatchNorm2d', (g) => new BatchNorm2d(a(g, 'numFeatures'), a(g, 'options') ?? {})],
  ['Sequential', (_g, ch) => new Sequential(Object.fromEntries(ch))],
  ['Residual', (g, ch) => {
    const body = ch.find(([n]) => n === 'body')?.[1];
    if (!body) throw new FoveaError('Residual spec has no body child');
    return new Residual(body, ch.find(([n]) => n === 'shortcut')?.[1] ?? null, a(g, 'reluAfter') ?? false);
  }],
]);

/** Makes a user-defined module type loadable from model files. */
export function registerModuleType(type: string, factory: Factory): void {
  factories.set(type, factory);
}

/** Builds a module from a spec; errors name the path of the offending entry. */
export function moduleFromSpec(spec: ModuleSpec, path = ''): Module {
  if (!spec || typeof spec !== 'object' || typeof spec.type !== 'string') {
    throw new FoveaError(`invalid module spec at '${path || '<root>'}': expected an object with a string 'type'`);
  }
  const f = factories.get(spec.type);
  if (!f) {
    throw new FoveaError(`unknown module type '${spec.type}' at '${path || '<root>'}'; known: ${[...factories.keys()].join(', ')} (register your own with registerModuleType)`);
  }
  const children = (spec.children ?? []).map(([n, c]): [string, Module] => [n, moduleFromSpec(c, path ? `${path}.${n}` : n)]);
  try {
    return f(spec.args ?? {}, children);
  } catch (e) {
    throw new FoveaError(`cannot build '${spec.type}' at '${path || '<root>'}': ${(e as Error).message}`);
  }
}
