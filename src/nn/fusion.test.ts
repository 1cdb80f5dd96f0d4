// Inference fusion in Sequential: Conv2d → ReLU (→ MaxPool2d(2)) runs as one
// conv2dRelu kernel only where nothing can tell the difference: no autograd,
// no forward hook, the exact layer classes, a plain 2x2 pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../errors.js';
import { profileKernels } from '../bench/profile.js';
import { noGrad } from '../tensor/grad-mode.js';
import { randn } from '../tensor/ops/creation.js';
import { conv2d, conv2dRelu } from '../tensor/ops/conv.js';
import { relu } from '../tensor/ops/elementwise.js';
import { maxPool2d } from '../tensor/ops/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { manualSeed } from '../util/random.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { GraphModule } from './graph-module.js';
import { Linear } from './linear.js';
import { MaxPool2d } from './pooling.js';
import { Sequential } from './sequential.js';

/** The kernels `fn` calls, by name. */
function kernelsOf(fn: () => void): string[] {
  return profileKernels(fn, 1).kernels.map((k) => k.kernel).sort();
}

function close(a: Tensor, b: Tensor, tol = 1e-5): void {
  assert.deepEqual(a.shape, b.shape);
  const x = a.data, y = b.data;
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `at ${i}: ${x[i]} vs ${y[i]}`);
}

function lenetLike(): Sequential {
  manualSeed(7);
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Conv2d(16, 8, 3, { padding: 1 }), new ReLU(),
    new Flatten(), new Linear(8 * 5 * 5, 10),
  );
}

test('without autograd, Conv2d → ReLU → MaxPool2d(2) runs as one fused kernel and gives what the three layers give', () => {
  const model = lenetLike().eval();
  const x = randn([3, 1, 28, 28]);
  const unfused = model.forward(x); // grad mode on: every layer on its own
  const fused = noGrad(() => model.forward(x));
  close(fused, unfused);
  const names = kernelsOf(() => void noGrad(() => model.forward(x)));
  assert.equal(names.filter((n) => n === 'conv2dFused').length, 3, names.join(', '));
  assert.ok(!names.includes('maxPool2d') && !names.includes('conv2d'), names.join(', '));
  // with autograd the layers keep their own outputs for backward: no fusion
  assert.ok(!kernelsOf(() => void model.forward(x)).includes('conv2dFused'));
});

test('under autograd the Conv2d → ReLU → MaxPool2d(2) block pools before the ReLU: the same loss and gradients as layer by layer', () => {
  const x = randn([4, 1, 28, 28]);
  const grads = (hooked: boolean): { loss: number; grads: number[][]; names: string[] } => {
    const model = lenetLike();
    // a hook on every layer keeps each on its own (the reference order: conv, relu, pool)
    const hs = hooked ? [...model.children()].map((m) => m.registerForwardHook(() => undefined)) : [];
    let loss = 0;
    const names = kernelsOf(() => {
      const l = model.forward(x).square().sum();
      l.backward();
      loss = l.item();
    });
    hs.forEach((h) => h.remove());
    return { loss, grads: model.parameters().map((p) => Array.from(p.grad!.data)), names };
  };
  const block = grads(false), layers = grads(true);
  assert.ok(Math.abs(block.loss - layers.loss) <= 1e-5 * Math.abs(layers.loss));
  block.grads.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - layers.grads[i]![j]!) <= 1e-5 * (1 + Math.abs(v)), `parameter ${i} [${j}]`)));
  assert.ok(!block.names.includes('conv2dFused'), 'no inference kernel under autograd');
});

test('a forward hook on a layer of the block keeps that layer out of the fusion, so the hook sees its own output', () => {
  const model = lenetLike().eval();
  const x = randn([2, 1, 28, 28]);
  const want = model.forward(x);
  for (const i of [0, 1, 2]) {
    const seen: (readonly number[])[] = [];
    const h = model.at(i)!.registerForwardHook((_m, _x, y) => void seen.push(y.shape));
    const names = kernelsOf(() => void noGrad(() => model.forward(x)));
    const y = noGrad(() => model.forward(x));
    h.remove();
    close(y, want);
    assert.deepEqual(seen.at(-1), [[2, 6, 28, 28], [2, 6, 28, 28], [2, 6, 14, 14]][i]);
    // a hooked conv or ReLU runs layer by layer (the other two blocks still fuse); a hooked pool runs after a fused Conv2d → ReLU
    assert.equal(names.filter((n) => n === 'conv2dFused').length, i === 2 ? 3 : 2, `hook on layer ${i}: ${names.join(', ')}`);
    assert.equal(names.includes('maxPool2d'), true, `hook on layer ${i}: ${names.join(', ')}`);
  }
});

test('only a plain 2x2 stride-2 floor-mode max-pool fuses; other pools run after a fused Conv2d → ReLU', () => {
  const x = randn([2, 3, 9, 9]);
  for (const pool of [new MaxPool2d(2, { ceilMode: true }), new MaxPool2d(3, { stride: 2 }), new MaxPool2d(2, { stride: 1 }), new MaxPool2d(2, { padding: 1 })]) {
    manualSeed(2);
    const model = new Sequential(new Conv2d(3, 8, 3, { padding: 1 }), new ReLU(), pool);
    const names = kernelsOf(() => void noGrad(() => model.forward(x)));
    assert.deepEqual(names, ['conv2dFused', 'maxPool2d'], pool.extraRepr());
    close(noGrad(() => model.forward(x)), model.forward(x));
  }
  manualSeed(2);
  const plain = new Sequential(new Conv2d(3, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d([2, 2], { stride: 2 }));
  assert.deepEqual(kernelsOf(() => void noGrad(() => plain.forward(x))), ['conv2dFused']);
});

test('a subclass of Conv2d or ReLU (which may override forward) is never fused', () => {
  class ShiftedReLU extends ReLU {
    override forward(x: Tensor): Tensor {
      return relu(x.sub(0.5));
    }
  }
  manualSeed(3);
  const model = new Sequential(new Conv2d(2, 4, 3), new ShiftedReLU(), new MaxPool2d(2));
  const x = randn([1, 2, 8, 8]);
  assert.ok(!kernelsOf(() => void noGrad(() => model.forward(x))).includes('conv2dFused'));
  close(noGrad(() => model.forward(x)), model.forward(x));
});

test('a GraphModule (an imported model) fuses a straight run whose inner values nothing else reads', () => {
  manualSeed(5);
  // x → c1 → r1 → p1 → c2 → r2 ─┬→ p2 → flat → fc
  //                              └→ (also read by 'sum': r2 is the end of its run, c2 → r2 still fuses)
  const g = new GraphModule({
    input: 'x', output: 'fc', nodes: [
      { name: 'c1', op: 'module', inputs: ['x'] },
      { name: 'r1', op: 'module', inputs: ['c1'] },
      { name: 'p1', op: 'module', inputs: ['r1'] },
      { name: 'c2', op: 'module', inputs: ['p1'] },
      { name: 'r2', op: 'module', inputs: ['c2'] },
      { name: 'p2', op: 'module', inputs: ['r2'] },
      { name: 'sum', op: 'add', inputs: ['p2', 'p2'] },
      { name: 'also', op: 'add', inputs: ['r2', 'r2'] },
      { name: 'flat', op: 'module', inputs: ['sum'] },
      { name: 'fc', op: 'module', inputs: ['flat'] },
    ],
  }, {
    c1: new Conv2d(1, 4, 3, { padding: 1 }), r1: new ReLU(), p1: new MaxPool2d(2),
    c2: new Conv2d(4, 6, 3, { padding: 1 }), r2: new ReLU(), p2: new MaxPool2d(2),
    flat: new Flatten(), fc: new Linear(6 * 4 * 4, 3),
  });
  const x = randn([2, 1, 16, 16]);
  close(noGrad(() => g.forward(x)), g.forward(x));
  const names = kernelsOf(() => void noGrad(() => g.forward(x)));
  // c1 → r1 → p1 as one; c2 → r2 as one (r2 is read twice, so p2 runs on its own)
  assert.equal(names.filter((n) => n === 'conv2dFused').length, 2, names.join(', '));
  assert.equal(names.filter((n) => n === 'maxPool2d').length, 1, names.join(', '));
  // a hook anywhere in the graph turns the inference path (and its fusion) off
  const h = g.registerForwardHook(() => undefined);
  assert.ok(!kernelsOf(() => void noGrad(() => g.forward(x))).includes('conv2dFused'));
  h.remove();
});

test('conv2dRelu: one kernel without autograd; under it the three ops, with their gradients', () => {
  const x = randn([2, 3, 11, 10]), w = randn([5, 3, 3, 3]).mul(0.3), b = randn([5]);
  const composed = maxPool2d(relu(conv2d(x, w, b, { padding: 1 })), 2);
  close(noGrad(() => conv2dRelu(x, w, b, { padding: 1 }, { maxPool: true })), composed);
  assert.deepEqual(noGrad(() => conv2dRelu(x, w, b, { padding: 1 }, { maxPool: true })).shape, [2, 5, 5, 5]);
  close(noGrad(() => conv2dRelu(x, w, null, { padding: 1 })), relu(conv2d(x, w, null, { padding: 1 })));

  const wg = w.detach().requiresGrad_(), wg2 = w.detach().requiresGrad_();
  conv2dRelu(x, wg, b, { padding: 1 }, { maxPool: true }).sum().backward();
  maxPool2d(relu(conv2d(x, wg2, b, { padding: 1 })), 2).sum().backward();
  close(wg.grad!, wg2.grad!);
});

test('conv2dRelu and a fused block name what was wrong and where', () => {
  const model = new Sequential({ features: new Sequential(new Conv2d(3, 4, 3), new ReLU(), new MaxPool2d(2)) });
  assert.throws(() => noGrad(() => model.forward(randn([1, 1, 8, 8]))), (e: Error) =>
    e instanceof ShapeError && /features\.0/.test(e.message) && /3/.test(e.message));
  assert.throws(() => noGrad(() => conv2dRelu(randn([1, 2, 5, 5]), randn([4, 2, 3, 3]), randn([3]))), /bias \[3\] does not match weight \[4, 2, 3, 3\]/);
});
