/**
 * Module: the base class of every layer and model, with PyTorch's API:
 * `forward`, `parameters()`, `namedParameters()`, `children()`,
 * `train()/eval()`, `zeroGrad()`, `stateDict()/loadStateDict()`,
 * `registerForwardHook()`, and `outputShape(inputShape)` so a model can be
 * laid out without running it.
 */
import { enterModule, exitModule, type PathNode } from '../tensor/context.js';
import { FoveaError, ShapeError, fmt } from '../errors.js';
import { Tensor, clearGrad } from '../tensor/tensor.js';
import { isGradEnabled } from '../tensor/grad-mode.js';
import { implicitScope, inScope, pinStorage } from '../tensor/scope.js';

/** A forward hook: sees (module, input, output); may return a replacement output. */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => Tensor | void;

/** What `registerForwardHook` returns. */
export interface RemovableHandle {
  remove(): void;
}

/** The serialisable description of a module: its type name, constructor arguments (its `config()`), and children. */
export interface ModuleSpec {
  type: string;
  args?: Record<string, unknown>;
  children?: [string, ModuleSpec][];
}

/** A layer's constructor arguments as plain JSON data (Keras's `get_config`): what `fromConfig` rebuilds it from. */
export type ModuleConfig = Record<string, unknown>;

/**
 * Facts a layer declares about itself (`static readonly traits`), read by
 * code that would otherwise keep lists of layer classes.
 */
export interface ModuleTraits {
  /** Each output element depends only on the input element at the same position (activations, dropout, batch norm): receptive fields pass straight through. */
  readonly pointwise?: boolean;
  /** Can be part of a classifier head, the trailing chain `cutBackbone` strips (Linear, Dropout, activations). */
  readonly head?: boolean;
  /** Holds child modules: its spec always lists `children` (Sequential, Residual, GraphModule). */
  readonly container?: boolean;
  /**
   * What the layer does to the sign of its values: 'non-negative' when every
   * output is ≥ 0 whatever the input (ReLU, Sigmoid, Softmax); 'kept' when
   * outputs are inputs moved, picked or averaged, so non-negative inputs give
   * non-negative outputs (pooling, flattening, dropout). Absent: outputs may
   * take either sign. Pictures of activations choose their colour scale by it.
   */
  readonly sign?: 'non-negative' | 'kept';
}

/**
 * What a layer class says about itself: the stable type name saved in model
 * files, its traits, and how to rebuild it from its config and children.
 */
export interface ModuleClass {
  readonly type?: string;
  readonly traits?: ModuleTraits;
  fromConfig(config: ModuleConfig, children: [string, Module][]): Module;
}

/**
 * The stable type name of `m`'s class (`static readonly type = 'Conv2d'`),
 * inherited by subclasses that declare none; undefined when no class in its
 * chain declares one. Never `constructor.name`, which minifiers rename.
 */
export function declaredType(m: Module): string | undefined {
  return (m.constructor as Partial<ModuleClass>).type;
}

/** `m`'s type for messages: its declared type, else its class name marked as undeclared. */
export function moduleLabel(m: Module): string {
  return declaredType(m) ?? `${m.constructor.name} (no static type)`;
}

/** Makes `t` a trainable parameter: requiresGrad, memory owned by the module (never released by scopes). */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad = true;
  return t.keep();
}

export abstract class Module implements PathNode {
  /**
   * The layer's stable type name, saved in model files and used as the key
   * of every table about layers (ONNX export, receptive fields, summaries).
   * Each layer class declares one: `static override readonly type = 'Conv2d'`.
   */
  declare static readonly type?: string;
  /** What the layer is (pointwise, head-like, container); see ModuleTraits. */
  static readonly traits: ModuleTraits = {};

  /**
   * Rebuilds a layer from its `config()` and rebuilt children (Keras's
   * `from_config`). This default calls the constructor with no arguments,
   * which is right for a layer without settings (ReLU, Tanh).
   */
  static fromConfig(this: new () => Module, _config: ModuleConfig, _children: [string, Module][]): Module {
    return new this();
  }

  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly modules = new Map<string, Module>();
  private readonly hooks = new Set<ForwardHook>();

  constructor() {
    // Wrap the subclass's forward so that every call, however it is made,
    // runs the hooks and records the module path for error messages.
    const inner = this.forward;
    const run = (input: Tensor): Tensor => {
      enterModule(this);
      try {
        let out = inner.call(this, input);
        for (const h of this.hooks) {
          // A hook may keep what it sees: no implicit scope releases it.
          pinStorage(input.storageRef);
          pinStorage(out.storageRef);
          const r = h(this, input, out);
          if (r instanceof Tensor) {
            out = r;
            pinStorage(r.storageRef);
          }
        }
        return out;
      } finally {
        exitModule();
      }
    };
    // Inference at top level (no scope, no tape) runs in an implicit scope: only the output outlives
    // the call, so `noGrad(() => model.forward(x))` in a serving loop runs in flat memory.
    this.forward = (input: Tensor): Tensor =>
      !inScope() && !isGradEnabled() ? (implicitScope(() => run(input)) as Tensor) : run(input);
  }

  /** The computation. Shape: see each layer. */
  abstract forward(input: Tensor): Tensor;

  /**
   * The output shape for an input shape (batch dim included), computed
   * without running the module; throws the same ShapeError the forward would.
   */
  abstract outputShape(inputShape: readonly number[]): number[];

  /**
   * The stable type name of this module's class, as saved in model files.
   * @throws {FoveaError} for a class that declares no `static readonly type`
   *   (a custom module must declare one to be saved or looked up by type).
   */
  get typeName(): string {
    const t = declaredType(this);
    if (t === undefined) {
      throw new FoveaError(`${this.constructor.name} declares no type name: add \`static override readonly type = '${this.constructor.name}'\` to the class (a stable name that minifiers cannot rename), and registerModuleType(${this.constructor.name}) to load it back`);
    }
    return t;
  }

  /** The traits the layer's class declares (see ModuleTraits). */
  get traits(): ModuleTraits {
    return (this.constructor as typeof Module).traits;
  }

  /**
   * The layer's constructor arguments as plain JSON data (Keras's
   * `get_config`), saved as the spec's `args`; undefined for a layer
   * without settings. The class's static `fromConfig` reads it back.
   */
  config(): ModuleConfig | undefined {
    return undefined;
  }

  /** The description that `moduleFromSpec` rebuilds this module from: type name, config, children. */
  spec(): ModuleSpec {
    const args = this.config();
    const children = [...this.modules].map(([n, m]): [string, ModuleSpec] => [n, m.spec()]);
    return {
      type: this.typeName,
      ...(args !== undefined ? { args } : {}),
      ...(children.length || this.traits.container ? { children } : {}),
    };
  }

  protected registerParameter(name: string, t: Tensor | null): Tensor | null {
    this.checkName(name);
    this.params.set(name, t ? parameter(t) : null);
    return t;
  }

  /** State that is saved and loaded but not trained (batch norm's running statistics). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName(name);
    this.buffers.set(name, t.keep());
    return t;
  }

  /** Adds a child module under `name` (Sequential uses '0', '1', ...). */
  registerModule(name: string, m: Module): Module {
    this.checkName(name);
    this.modules.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (!name || name.includes('.')) throw new FoveaError(`invalid module/parameter name '${name}': must be non-empty and contain no '.'`);
  }

  /** @internal PathNode: the name of a direct child. */
  childName(child: PathNode): string | undefined {
    for (const [name, m] of this.modules) if (m === child) return name;
    return undefined;
  }

  /** Direct children with their names. */
  *namedChildren(): Generator<[string, Module]> {
    yield* this.modules;
  }

  *children(): Generator<Module> {
    yield* this.modules.values();
  }

  /** This module and every descendant, with dotted names ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, m] of this.modules) yield* m.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  *modulesIter(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Parameters with PyTorch-style dotted names: `features.0.weight`. */
  *namedParameters(prefix = ''): Generator<[string, Tensor]> {
    for (const [name, p] of this.params) if (p) yield [prefix ? `${prefix}.${name}` : name, p];
    for (const [name, m] of this.modules) yield* m.namedParameters(prefix ? `${prefix}.${name}` : name);
  }

  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  *namedBuffers(prefix = ''): Generator<[string, Tensor]> {
    for (const [name, b] of this.buffers) yield [prefix ? `${prefix}.${name}` : name, b];
    for (const [name, m] of this.modules) yield* m.namedBuffers(prefix ? `${prefix}.${name}` : name);
  }

  /** Sets training mode here and in every descendant. */
  train(mode = true): this {
    for (const m of this.modulesIter()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears gradients: to null (default, as PyTorch), or to zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) clearGrad(p, setToNone);
  }

  /** Number of parameter scalars (frozen ones included; `numParameters(true)` counts only those with requiresGrad). */
  numParameters(trainableOnly = false): number {
    return this.parameters().reduce((a, p) => a + (trainableOnly && !p.requiresGrad ? 0 : p.numel()), 0);
  }

  /**
   * Freezes (`false`) or unfreezes (`true`) every parameter of this module
   * and its descendants, PyTorch's `module.requires_grad_()`. Frozen
   * parameters get no gradient, so an optimiser leaves them as they are.
   * @example backbone.requiresGrad_(false); // feature extraction: train only the new head
   */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Parameters and buffers by dotted name (shared tensors, not copies). */
  stateDict(): Map<string, Tensor> {
    const sd = new Map<string, Tensor>();
    for (const [n, p] of this.namedParameters()) sd.set(n, p);
    for (const [n, b] of this.namedBuffers()) sd.set(n, b);
    return sd;
  }

  /**
   * Copies values into this module's parameters and buffers. With `strict`
   * (default) missing or unexpected names and any shape mismatch are errors
   * that list them.
   */
  loadStateDict(state: Map<string, Tensor | { shape: readonly number[]; data: Float32Array }>, strict = true): void {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if (strict && (missing.length || unexpected.length)) {
      throw new FoveaError(
        `loadStateDict: state does not match the model` +
          (missing.length ? `; missing: ${missing.join(', ')}` : '') +
          (unexpected.length ? `; unexpected: ${unexpected.join(', ')}` : ''),
      );
    }
    for (const [name, t] of own) {
      const src = state.get(name);
      if (!src) continue;
      if (src.shape.length !== t.shape.length || src.shape.some((d, i) => d !== t.shape[i])) {
        throw new ShapeError('loadStateDict', `${name}: saved shape ${fmt(src.shape)} does not match the model's ${fmt(t.shape)}`);
      }
      t.data.set(src.data);
    }
  }

  /**
   * Calls `hook(module, input, output)` after every forward of this module.
   * @example
   * const h = model.registerForwardHook((m, x, y) => maps.push(y));
   * model.forward(x); h.remove();
   */
  /** Whether this module or a descendant has a forward hook (which may keep any activation it sees). */
  hasForwardHooks(): boolean {
    for (const m of this.modulesIter()) if (m.hooks.size) return true;
    return false;
  }

  registerForwardHook(hook: ForwardHook): RemovableHandle {
    this.hooks.add(hook);
    return { remove: () => void this.hooks.delete(hook) };
  }

  /** The module's one-line description: class name and non-default settings. */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const head = `${declaredType(this) ?? this.constructor.name}(${this.extraRepr()}`;
    if (this.modules.size === 0) return `${head})`;
    const lines = [...this.modules].map(([n, m]) => `  (${n}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
