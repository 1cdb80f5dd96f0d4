/**
 * One forward pass with every layer's input and output recorded, through the
 * public `registerForwardHook` (no internal fields), in the order the layers
 * ran. The page's layer views, traces and layout all come from this.
 */
import { Sequential, noGrad, scope, tensor, type Module } from 'fovea';
import type { LayerRecord } from './unit-arithmetic.js';

/** A recorded layer: its dotted path (`features.0`) and class name, plus its input and output. */
export interface RecordedLayer extends LayerRecord {
  path: string;
  type: string;
}

/**
 * Layer type names from `spec().type` ('Conv2d', 'ReLU' …), not
 * `constructor.name`, which a minifying bundler renames.
 */
const typeNames = new WeakMap<Module, string>();

export interface ForwardRecord {
  layers: RecordedLayer[];
  /** The model's output for the one image (logits for a classifier). */
  output: Float32Array;
}

/**
 * Runs `model` on one image (eval mode, no gradients, memory released when
 * done; the training mode is restored) and returns every layer's input and
 * output. Sequential containers are not recorded (their output is their last
 * child's); every other module is, containers such as Residual included.
 *
 * Shape: `image` is C*H*W values (already normalised), `inputShape` [C, H, W];
 * recorded shapes leave out the batch dim.
 *
 * @example
 * const { layers, output } = recordForward(model, x, [1, 28, 28]);
 * layers.map((l) => `${l.path} ${l.type} ${l.outShape}`);   // features.0 Conv2d 6,28,28 ...
 */
export function recordForward(model: Module, image: Float32Array, inputShape: readonly number[]): ForwardRecord {
  const layers: RecordedLayer[] = [];
  const typeOf = (m: Module): string => {
    let t = typeNames.get(m);
    if (t === undefined) typeNames.set(m, (t = m.spec().type));
    return t;
  };
  const handles = [...model.namedModules()]
    // A container's output is its last layer's: Sequential containers, and a root container of another kind (an ONNX graph), are left out.
    .filter(([path, m]) => !(m instanceof Sequential) && !(path === '' && [...m.children()].length > 0))
    .map(([path, m]) => m.registerForwardHook((mod, x, y) => {
      layers.push({
        path, type: typeOf(mod), module: mod,
        inShape: x.shape.slice(1), outShape: y.shape.slice(1),
        input: x.data.slice(), output: y.data.slice(),
      });
    }));
  const wasTraining = model.training;
  model.eval();
  try {
    const output = scope(() => noGrad(() => model.forward(tensor(image, [1, ...inputShape])).data.slice()));
    return { layers, output };
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
}
