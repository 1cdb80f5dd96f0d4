/**
 * Built-in models. Each returns logits (apply softmax for probabilities; the
 * cross-entropy loss does it internally), with `features` / `classifier`
 * submodules so parameter names read like torchvision's
 * (`features.0.weight`, `classifier.1.weight`).
 */
import { FoveaError } from '../errors.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';

export interface ModelOptions {
  /** Input [channels, height, width]; default [1, 28, 28]. */
  inputShape?: readonly [number, number, number];
  numClasses?: number;
}

function flatSize(features: Module, inputShape: readonly number[]): number {
  const s = features.outputShape([1, ...inputShape]);
  return s.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * LeNet-5 as in the benchmark workload: conv5x5(1→6, pad 2), ReLU, maxpool2,
 * conv5x5(6→16), ReLU, maxpool2, fc 400→120, ReLU, fc 120→84, ReLU, fc 84→10.
 */
export function lenet(o: ModelOptions = {}): Sequential {
  const shape = o.inputShape ?? [1, 28, 28];
  const features = new Sequential(
    new Conv2d(shape[0], 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
  );
  const flat = flatSize(features, shape);
  return new Sequential({
    features,
    classifier: new Sequential(
      new Flatten(), new Linear(flat, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, o.numClasses ?? 10),
    ),
  });
}

/**
 * The benchmark's "convnet": conv3x3(1→32), ReLU, conv3x3(32→32), ReLU,
 * maxpool2, conv3x3(32→64), ReLU, maxpool2 (all pad 1), fc 3136→10.
 */
export function convnet(o: ModelOptions = {}): Sequential {
  const shape = o.inputShape ?? [1, 28, 28];
  const features = new Sequential(
    new Conv2d(shape[0], 32, 3, { padding: 1 }), new ReLU(),
    new Conv2d(32, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
  );
  return new Sequential({
    features,
    classifier: new Sequential(new Flatten(), new Linear(flatSize(features, shape), o.numClasses ?? 10)),
  });
}

/**
 * The classic tutorial chain: Input → Conv → ReLU → Conv → ReLU → Pool →
 * Conv → ReLU → Pool → Fully connected → (softmax, applied by the loss and by predict).
 */
export function classic(o: ModelOptions = {}): Sequential {
  const shape = o.inputShape ?? [1, 28, 28];
  const features = new Sequential(
    new Conv2d(shape[0], 16, 3, { padding: 1 }), new ReLU(),
    new Conv2d(16, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(16, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
  );
  return new Sequential({
    features,
    classifier: new Sequential(new Flatten(), new Linear(flatSize(features, shape), o.numClasses ?? 10)),
  });
}

export const MODELS = { lenet, convnet, classic } as const;
export type ModelName = keyof typeof MODELS;

/** A built-in model by name. */
export function buildModel(name: string, o: ModelOptions = {}): Sequential {
  const f = (MODELS as Record<string, (o: ModelOptions) => Sequential>)[name];
  if (!f) throw new FoveaError(`unknown model '${name}'; built-in models: ${Object.keys(MODELS).join(', ')}`);
  return f(o);
}

/** A layer entry of ../shared/bench/workloads.json. */
export interface WorkloadLayer {
  type: 'conv2d' | 'relu' | 'maxpool' | 'flatten' | 'linear';
  in?: number; out?: number; kernel?: number; pad?: number; size?: number;
}

/** Builds a flat Sequential from the benchmark harness's layer list. */
export function fromWorkload(layers: readonly WorkloadLayer[]): Sequential {
  return new Sequential(...layers.map((l): Module => {
    switch (l.type) {
      case 'conv2d': return new Conv2d(l.in!, l.out!, l.kernel!, { padding: l.pad ?? 0 });
      case 'relu': return new ReLU();
      case 'maxpool': return new MaxPool2d(l.size ?? 2);
      case 'flatten': return new Flatten();
      case 'linear': return new Linear(l.in!, l.out!);
      default: throw new FoveaError(`unknown workload layer type '${(l as { type: string }).type}'`);
    }
  }));
}
