/**
 * Rebuilding modules from their specs (the architecture stored in a model
 * file). One registry maps each layer's stable type name (its
 * `static readonly type`) to its class, whose `fromConfig` rebuilds it;
 * users register their own module classes with `registerModuleType` so
 * their models can be saved and loaded too.
 */
import { FoveaError } from '../errors.js';
import { ELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activation.js';
import { BatchNorm2d } from './batch-norm2d.js';
import { Conv2d } from './conv2d.js';
import { ConvTranspose2d } from './conv-transpose2d.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { GraphModule } from './graph-module.js';
import { Linear } from './linear.js';
import { ConstantPad2d } from './pad2d.js';
import type { Module, ModuleClass, ModuleConfig, ModuleSpec } from './module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SumPool2d } from './pooling.js';
import { Residual } from './residual.js';
import { Sequential } from './sequential.js';

/** Builds a module from its spec's args and its rebuilt children. */
export type ModuleFactory = (args: ModuleConfig, children: [string, Module][]) => Module;

/** fovea's own layer classes: each is registered under the type name it declares. */
export const LAYER_CLASSES: readonly (ModuleClass & { readonly type: string })[] = [
  Conv2d, ConvTranspose2d, Linear, MaxPool2d, AvgPool2d, SumPool2d, AdaptiveAvgPool2d, Flatten,
  ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax, Hardtanh, ELU,
  ConstantPad2d, GraphModule, Dropout, BatchNorm2d, Sequential, Residual,
];

const factories = new Map<string, ModuleFactory>(LAYER_CLASSES.map((c) => [c.type, (args, children) => c.fromConfig(args, children)]));

/**
 * Makes a user-defined module type loadable from model files: a class that
 * declares `static readonly type` and `static fromConfig(config, children)`
 * (and `config()` for its settings), or a type name and a factory.
 * @example
 * class Swish extends Module { static override readonly type = 'Swish'; ... }
 * registerModuleType(Swish);
 */
export function registerModuleType(cls: ModuleClass): void;
export function registerModuleType(type: string, factory: ModuleFactory): void;
export function registerModuleType(typeOrClass: string | ModuleClass, factory?: ModuleFactory): void {
  if (typeof typeOrClass === 'string') {
    if (!factory) throw new FoveaError(`registerModuleType('${typeOrClass}'): give a factory (args, children) => module`);
    factories.set(typeOrClass, factory);
    return;
  }
  const cls = typeOrClass;
  if (typeof cls.type !== 'string' || !cls.type) {
    throw new FoveaError(`registerModuleType: the class declares no type name; add \`static override readonly type = '...'\` to it`);
  }
  factories.set(cls.type, (args, children) => cls.fromConfig(args, children));
}

/** Builds a module from a spec; errors name the path of the offending entry. */
export function moduleFromSpec(spec: ModuleSpec, path = '', depth = 0): Module {
  const at = path || '<root>';
  if (!spec || typeof spec !== 'object' || typeof spec.type !== 'string') {
    throw new FoveaError(`invalid module spec at '${at}': expected an object with a string 'type'`);
  }
  // Real networks nest a few levels; a spec thousands deep is damage or an attack (and would overflow the stack).
  if (depth > MAX_SPEC_DEPTH) throw new FoveaError(`invalid module spec at '${at}': nested more than ${MAX_SPEC_DEPTH} levels deep`);
  const f = factories.get(spec.type);
  if (!f) {
    throw new FoveaError(`unknown module type '${spec.type}' at '${at}'; known: ${[...factories.keys()].join(', ')} (register your own with registerModuleType)`);
  }
  const kids: unknown = spec.children ?? [];
  const isPair = (c: unknown): c is [string, ModuleSpec] => Array.isArray(c) && c.length === 2 && typeof c[0] === 'string';
  if (!Array.isArray(kids) || !kids.every(isPair)) {
    throw new FoveaError(`invalid module spec at '${at}': 'children' must be a list of [name, spec] pairs, got ${JSON.stringify(kids).slice(0, 80)}`);
  }
  const args: unknown = spec.args ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new FoveaError(`invalid module spec at '${at}': '${spec.type}' args must be an object, got ${JSON.stringify(args).slice(0, 80)}`);
  }
  const children = kids.map(([n, c]): [string, Module] => [n, moduleFromSpec(c, path ? `${path}.${n}` : n, depth + 1)]);
  try {
    return f(args as ModuleConfig, children);
  } catch (e) {
    // Our own checks say what is wrong; a JavaScript error from args of the wrong shape would not, so name the args instead.
    const why = e instanceof FoveaError ? e.message : `its args ${JSON.stringify(args).slice(0, 120)} do not describe a ${spec.type}`;
    throw new FoveaError(`cannot build '${spec.type}' at '${at}': ${why}`);
  }
}

/** How deep module specs may nest (Sequential in Sequential ...). */
export const MAX_SPEC_DEPTH = 256;
