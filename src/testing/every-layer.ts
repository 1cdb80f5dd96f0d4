/**
 * A model holding every built-in layer type, built from whatever copy of the
 * library is passed in (the compiled `dist/index.js`, or a minified bundle of
 * it), so two copies can be checked to save and load each other's models.
 * No runtime imports: the library is the argument.
 */
import type * as Fovea from '../index.js';

/**
 * Every leaf layer type in one chain, plus Residual and nested Sequentials.
 * Shape: [N, 3, 16, 16] → [N, 5].
 */
export function everyLayerModel(f: typeof Fovea): Fovea.Module {
  return new f.Sequential({
    features: new f.Sequential(
      new f.ConstantPad2d([1, 0, 0, 1], -Infinity),
      new f.MaxPool2d(2, { stride: 1 }),
      new f.Conv2d(3, 8, 3, { padding: 1 }),
      new f.BatchNorm2d(8, { eps: 1e-3 }),
      new f.ReLU(),
      new f.Residual(new f.Sequential(new f.Conv2d(8, 8, 3, { padding: 1, bias: false }), new f.Tanh()), null, true),
      new f.MaxPool2d(2),
      new f.ConvTranspose2d(8, 4, 2, { stride: 2 }),
      new f.LeakyReLU(0.1),
      new f.ELU(0.5),
      new f.Hardtanh(0, 6),
      new f.Sigmoid(),
      new f.AvgPool2d(2),
      new f.SumPool2d(3, { padding: 1 }),
      new f.AdaptiveAvgPool2d(2),
    ),
    classifier: new f.Sequential(
      new f.Flatten(),
      new f.Linear(16, 8),
      new f.Softmax(1),
      new f.Dropout(0.25),
      new f.Linear(8, 5, { bias: false }),
      new f.LogSoftmax(1),
    ),
  });
}

/** The type names `everyLayerModel` uses, so a test can check none is missing. */
export const EVERY_LAYER_TYPES = [
  'Sequential', 'ConstantPad2d', 'MaxPool2d', 'Conv2d', 'BatchNorm2d', 'ReLU', 'Residual', 'Tanh', 'ConvTranspose2d', 'LeakyReLU', 'ELU',
  'Hardtanh', 'Sigmoid', 'AvgPool2d', 'SumPool2d', 'AdaptiveAvgPool2d', 'Flatten', 'Linear', 'Softmax', 'Dropout', 'LogSoftmax',
];

/** A fixed input, the same in every process: [1, 3, 16, 16]. */
export function everyLayerInput(f: typeof Fovea): Fovea.Tensor {
  return f.tensor(Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => Math.sin(i * 0.37) * 2), [1, 3, 16, 16]);
}
