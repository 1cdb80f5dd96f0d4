/**
 * Every layer's activations for an input, recorded with forward hooks (the
 * public `registerForwardHook`, not internal fields), so it works for any
 * model built from Modules, in execution order.
 */
import { moduleLabel, type Module } from '../nn/module.js';
import { Sequential } from '../nn/sequential.js';
import { noGrad } from '../tensor/grad-mode.js';
import { scope } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';

/** One layer's output (and, when asked, its input) for the input. */
export interface LayerActivation {
  /** Dotted module path as in parameter names (`features.0`). */
  path: string;
  /** The layer's type name as saved in model files (`Conv2d`, `ReLU`, `MaxPool2d`, …), the `static type` its class declares: minifiers cannot rename it. */
  type: string;
  /** The output shape, batch dim included (`[1, 6, 28, 28]`). */
  shape: number[];
  /** A copy of the output values (safe to keep after the forward). */
  data: Float32Array;
  /** With `inputs: true`: the input's shape (batch dim included) and a copy of its values. */
  inputShape?: number[];
  input?: Float32Array;
  module: Module;
}

/** Options for {@link recordActivations}. */
export interface ActivationsOptions {
  /**
   * Which modules to record: by default every module except containers whose
   * output is a child's (Sequential, and the model itself when it has
   * children, such as an imported ONNX or TF.js graph). A predicate overrides.
   */
  include?: (path: string, module: Module) => boolean;
  /** Also copy each recorded layer's input (default false): what a per-unit arithmetic view needs. */
  inputs?: boolean;
}

/**
 * Runs `model` on `input` (in eval mode, without gradients, its buffers
 * released when it returns; the training mode is restored afterwards) and
 * returns each recorded module's output, in the order the outputs were
 * produced, plus a copy of the model's output. Works through forward hooks,
 * so on any model built from Modules: built-in, ONNX and TF.js imports.
 *
 * Shape: `input` is the model's input, e.g. [1, C, H, W]; each activation
 * keeps its module's output shape, batch dim included.
 *
 * @example
 * const { layers, output } = recordActivations(model, x);
 * for (const a of layers) console.log(a.path, a.type, a.shape);   // features.0 Conv2d [1, 6, 28, 28] …
 */
export function recordActivations(model: Module, input: Tensor, o: ActivationsOptions = {}): { layers: LayerActivation[]; output: Tensor } {
  const include = o.include ?? ((path: string, m: Module) => !(m instanceof Sequential) && !(path === '' && [...m.children()].length > 0));
  const layers: LayerActivation[] = [];
  const handles = [...model.namedModules()]
    .filter(([path, m]) => include(path, m))
    .map(([path, m]) => m.registerForwardHook((mod, x, y) => {
      layers.push({
        path, type: moduleLabel(mod), shape: [...y.shape], data: y.data.slice(), module: mod,
        ...(o.inputs ? { inputShape: [...x.shape], input: x.data.slice() } : {}),
      });
    }));
  const wasTraining = model.training;
  model.eval();
  try {
    const out = scope(() => noGrad(() => {
      const y = model.forward(input);
      return { shape: [...y.shape], data: y.data.slice() };
    }));
    return { layers, output: new Tensor(out.data, out.shape) };
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
}
