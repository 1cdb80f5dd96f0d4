/**
 * Layer fusion: where no forward hook watches, a Sequential (or a
 * GraphModule's straight run) runs Conv2d → ReLU (→ MaxPool2d(2)) as one
 * `conv2dRelu` call. In inference that is one kernel, so the full-size maps
 * between the three layers are never written (ONNX Runtime and PyTorch's
 * inference freezing do the same); in training the pool goes before the
 * ReLU. The rule for which runs of layers fuse lives here, and only here.
 */
import { conv2dRelu } from '../tensor/ops/conv.js';
import { pool2dAttrs } from '../tensor/ops/pool.js';
import { withModule } from '../tensor/context.js';
import { isGradEnabled } from '../tensor/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv2d.js';
import type { Module } from './module.js';
import { MaxPool2d } from './pooling.js';

/** Exactly this class (a subclass may override forward), and no hook that expects to see its output. */
function plain(m: Module | undefined, cls: abstract new (...args: never[]) => Module): boolean {
  return m !== undefined && m.constructor === cls && !m.hasForwardHooks();
}

/** A MaxPool2d that is exactly the 2x2, stride-2, unpadded, floor-mode pool the fused kernel applies. */
function plainMaxPool2x2(m: Module | undefined): m is MaxPool2d {
  if (!plain(m, MaxPool2d)) return false;
  const p = m as MaxPool2d;
  const a = pool2dAttrs('MaxPool2d', p.kernelSize, p.options);
  const is = (v: readonly number[], x: number) => v[0] === x && v[1] === x;
  return is(a.kernel, 2) && is(a.stride, 2) && is(a.padding, 0) && is(a.dilation, 1) && !a.ceilMode;
}

/**
 * How many of `layers` from index i run as one block: 3 (Conv2d, ReLU,
 * MaxPool2d(2)), 2 (Conv2d, ReLU) or 0 (run the layer on its own). Without
 * autograd the block is one fused kernel; under it only the 3-layer block
 * runs as a block, pooling before the ReLU (conv2dRelu: the same values and
 * gradients, ReLU and its backward on a quarter of the pixels).
 */
export function fusedBlockLength(layers: readonly Module[], i: number): number {
  if (!plain(layers[i], Conv2d) || !plain(layers[i + 1], ReLU)) return 0;
  if (plainMaxPool2x2(layers[i + 2])) return 3;
  return isGradEnabled() ? 0 : 2;
}

/** Runs the block fusedBlockLength found at index i (errors name the Conv2d's path). */
export function runFusedBlock(layers: readonly Module[], i: number, length: number, x: Tensor): Tensor {
  const conv = layers[i] as Conv2d;
  return withModule(conv, () => conv2dRelu(x, conv.weight, conv.bias, conv.options, { maxPool: length === 3 }));
}
