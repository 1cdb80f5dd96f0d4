/**
 * Every layer's activations for an input, recorded with forward hooks (the
 * public `registerForwardHook`, not internal fields), so it works for any
 * model built from Modules, in execution order.
 */
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { noGrad } from '../tensor/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';

/** One layer's output for the input. */
export interface LayerActivation {
  /** Dotted module path as in parameter names (`features.0`); '' for the model itself. */
  path: string;
  /** The module's class name (`Conv2d`, `ReLU`, `MaxPool2d`, …). */
  type: string;
  /** The output shape, batch dim included (`[1, 6, 28, 28]`). */
  shape: number[];
  /** A copy of the output values (safe to keep after the forward). */
  data: Float32Array;
  module: Module;
}

/** Options for {@link activations}. */
export interface ActivationsOptions {
  /**
   * Which modules to record: by default every module except Sequential
   * containers (whose output is their last child's). A predicate overrides.
   */
  include?: (path: string, module: Module) => boolean;
}

/**
 * Runs `model` on `input` (in eval mode, without gradients; the training
 * mode is restored afterwards) and returns each recorded module's output in
 * the order the outputs were produced, plus the model's output.
 *
 * Shape: `input` is the model's input, e.g. [1, C, H, W]; each activation
 * keeps its module's output shape, batch dim included.
 *
 * @example
 * const { layers, output } = activations(model, x);
 * for (const a of layers) console.log(a.path, a.type, a.shape);   // features.0 Conv2d [1, 6, 28, 28] …
 */
export function activations(model: Module, input: Tensor, o: ActivationsOptions = {}): { layers: LayerActivation[]; output: Tensor } {
  const include = o.include ?? ((_path: string, m: Module) => !(m instanceof Sequential));
  const layers: LayerActivation[] = [];
  const handles = [...model.namedModules()]
    .filter(([path, m]) => include(path, m))
    .map(([path, m]) => m.registerForwardHook((mod, _x, y) => {
      layers.push({ path, type: mod.constructor.name, shape: [...y.shape], data: y.data.slice(), module: mod });
    }));
  const wasTraining = model.training;
  model.eval();
  try {
    const output = noGrad(() => model.forward(input));
    return { layers, output };
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
}
