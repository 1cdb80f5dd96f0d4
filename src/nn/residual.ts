import { FoveaError, ShapeError, fmt } from '../errors.js';
import { withModule } from '../tensor/context.js';
import { add, relu } from '../tensor/ops/elementwise.js';
import { currentPath } from '../tensor/ops/util.js';
import type { Tensor } from '../tensor/tensor.js';
import { ReLU } from './activation.js';
import { BatchNorm2d } from './batch-norm2d.js';
import { Conv2d } from './conv2d.js';
import { Module, type ModuleConfig } from './module.js';
import { Sequential } from './sequential.js';

/**
 * A residual connection: y = body(x) + shortcut(x) (identity shortcut when
 * none is given), optionally followed by ReLU, as in ResNet.
 *
 * Shape: body and shortcut must map the input to the same shape.
 * @example
 * new Residual(new Sequential(new Conv2d(16, 16, 3, { padding: 1 }), new ReLU(), new Conv2d(16, 16, 3, { padding: 1 })))
 */
export class Residual extends Module {
  static override readonly type = 'Residual';
  static override readonly traits = { container: true };
  readonly body: Module;
  readonly shortcut: Module | null;

  constructor(body: Module, shortcut: Module | null = null, readonly reluAfter = false) {
    super();
    this.body = this.registerModule('body', body);
    this.shortcut = shortcut ? this.registerModule('shortcut', shortcut) : null;
  }

  forward(x: Tensor): Tensor {
    const y = this.body.forward(x);
    const s = this.shortcut ? this.shortcut.forward(x) : x;
    if (y.numel() !== s.numel()) {
      throw new ShapeError('residual', `body output ${fmt(y.shape)} and shortcut ${fmt(s.shape)} differ; give a shortcut module that matches`, currentPath());
    }
    const sum = add(y, s);
    return this.reluAfter ? relu(sum) : sum;
  }

  outputShape(s: readonly number[]): number[] {
    const b = withModule(this, () => withModule(this.body, () => this.body.outputShape(s)));
    const sc = this.shortcut ? withModule(this, () => withModule(this.shortcut!, () => this.shortcut!.outputShape(s))) : [...s];
    if (fmt(b) !== fmt(sc)) throw new ShapeError('residual', `body output ${fmt(b)} and shortcut ${fmt(sc)} differ`, currentPath());
    return b;
  }

  override config() {
    return { reluAfter: this.reluAfter };
  }

  static override fromConfig(c: ModuleConfig, children: [string, Module][]): Residual {
    const body = children.find(([n]) => n === 'body')?.[1];
    if (!body) throw new FoveaError('Residual spec has no body child');
    return new Residual(body, children.find(([n]) => n === 'shortcut')?.[1] ?? null, (c as ReturnType<Residual['config']>).reluAfter ?? false);
  }
}

/**
 * ResNet's basic block (torchvision's BasicBlock): conv3x3-BN-ReLU-conv3x3-BN
 * plus a shortcut (1x1 conv + BN when the stride or the width changes), then ReLU.
 * Shape: [N, inPlanes, H, W] → [N, planes, H / stride, W / stride].
 */
export function basicBlock(inPlanes: number, planes: number, stride = 1): Residual {
  const body = new Sequential(
    new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false }),
    new BatchNorm2d(planes),
    new ReLU(),
    new Conv2d(planes, planes, 3, { padding: 1, bias: false }),
    new BatchNorm2d(planes),
  );
  const shortcut = stride !== 1 || inPlanes !== planes
    ? new Sequential(new Conv2d(inPlanes, planes, 1, { stride, bias: false }), new BatchNorm2d(planes))
    : null;
  return new Residual(body, shortcut, true);
}
