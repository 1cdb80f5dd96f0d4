import { withModule } from '../tensor/context.js';
import type { Tensor } from '../tensor/tensor.js';
import { fusedBlockLength, runFusedBlock } from './fusion.js';
import { Module, type ModuleConfig } from './module.js';

/**
 * A chain of modules, PyTorch's nn.Sequential. Children are named '0', '1', ...
 * or by the keys of an object, so parameters get PyTorch's names
 * (`features.0.weight`).
 *
 * Shape: the input shape of the first module → the output shape of the last.
 *
 * @example
 * const model = new Sequential({
 *   features: new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2)),
 *   classifier: new Sequential(new Flatten(), new Linear(6 * 14 * 14, 10)),
 * });
 */
export class Sequential extends Module {
  static override readonly type = 'Sequential';
  static override readonly traits = { container: true };

  constructor(...layers: Module[] | [Record<string, Module>]) {
    super();
    const first = layers[0];
    if (layers.length === 1 && first && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, m);
    } else {
      (layers as Module[]).forEach((m, i) => this.registerModule(String(i), m));
    }
  }

  /** Appends a module (named by its index). */
  append(m: Module): this {
    this.registerModule(String([...this.children()].length), m);
    return this;
  }

  /** The i-th child (negative counts from the end). */
  at(i: number): Module | undefined {
    const list = [...this.children()];
    return list[i < 0 ? list.length + i : i];
  }

  get length(): number {
    return [...this.children()].length;
  }

  forward(x: Tensor): Tensor {
    const layers = [...this.children()];
    let y = x;
    for (let i = 0; i < layers.length;) {
      // without autograd, Conv2d → ReLU (→ MaxPool2d(2)) runs as one kernel (see fusion.ts)
      const fused = fusedBlockLength(layers, i);
      if (fused) y = runFusedBlock(layers, i, fused, y);
      else y = layers[i]!.forward(y);
      i += fused || 1;
    }
    return y;
  }

  outputShape(inputShape: readonly number[]): number[] {
    let s = [...inputShape];
    // walk children with the module stack set, so errors name the layer path
    withModule(this, () => {
      for (const m of this.children()) s = withModule(m, () => m.outputShape(s));
    });
    return s;
  }

  static override fromConfig(_c: ModuleConfig, children: [string, Module][]): Sequential {
    return new Sequential(Object.fromEntries(children));
  }
}
