// A hand-written training loop, as PyTorch users write it, without scope():
// `opt.zeroGrad(); loss.backward(); opt.step()`. zeroGrad() drops the
// gradients; their memory must go back, or the wasm heap grows by one set of
// gradients per step (247 KB a step for LeNet, issue 14). A small CNN keeps
// the test quick: the heap must not grow by a single byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBackend } from '../backend/configure.js';
import type { WasmHeap } from '../backend/wasm/wasm-heap.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { ReLU } from '../nn/activation.js';
import { randn } from '../tensor/ops/creation.js';
import { crossEntropy } from '../tensor/ops/loss.js';
import { manualSeed } from '../util/random.js';
import { SGD } from './sgd.js';

const small = (): Sequential => new Sequential(new Conv2d(1, 4, 3), new ReLU(), new Flatten(), new Linear(4 * 6 * 6, 10));
const heap = (getBackend() as { heap?: WasmHeap }).heap;

for (const where of ['optimizer', 'module'] as const) {
  test(`${where}.zeroGrad() in a loop without scope() keeps the wasm heap flat over 3,000 steps`, { skip: !heap && 'the wasm backend is not in use' }, () => {
    manualSeed(4);
    const model = small();
    const opt = new SGD(model.parameters(), { lr: 0.01 });
    const x = randn([2, 1, 8, 8]);
    const y = new Int32Array([3, 7]);
    const step = (): void => {
      if (where === 'optimizer') opt.zeroGrad();
      else model.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    };
    for (let i = 0; i < 20; i++) step(); // pools settle
    const used = heap!.usedBytes, high = heap!.highWater;
    const kept = model.parameters()[0]!.grad!; // a dropped gradient stays readable
    const keptValues = [...kept.data];
    for (let i = 0; i < 3000; i++) step();
    assert.equal(heap!.usedBytes, used, `the heap grew by ${((heap!.usedBytes - used) / 3000).toFixed(0)} bytes a step`);
    assert.equal(heap!.highWater, high);
    assert.deepEqual([...kept.data], keptValues);
    // and training still trains: the gradients of the last step are those of the last backward
    assert.ok(model.parameters().every((p) => p.grad !== null && p.grad.data.every(Number.isFinite)));
  });
}

test('zeroGrad(false) zero-fills the gradients in place', () => {
  const model = small();
  crossEntropy(model.forward(randn([1, 1, 8, 8])), new Int32Array([1])).backward();
  const g = model.parameters()[0]!.grad!;
  new SGD(model.parameters(), { lr: 0.1 }).zeroGrad(false);
  assert.equal(model.parameters()[0]!.grad, g);
  assert.ok(g.data.every((v) => v === 0));
  model.zeroGrad();
  assert.equal(model.parameters()[0]!.grad, null);
});
