// GraphModule in inference frees each activation after its last use, without touching what is still needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBackend } from '../backend/configure.js';
import { noGrad } from '../tensor/grad-mode.js';
import { randn } from '../tensor/ops/creation.js';
import { manualSeed } from '../util/random.js';
import { scope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { GraphModule } from './graph-module.js';
import { Linear } from './linear.js';

// x → conv → relu ─┬→ conv2 → add(relu) → drop (identity in eval) → flatten (a view) → fc
function net(): GraphModule {
  manualSeed(4);
  return new GraphModule({
    input: 'x', output: 'fc', nodes: [
      { name: 'conv', op: 'module', inputs: ['x'] },
      { name: 'relu', op: 'module', inputs: ['conv'] },
      { name: 'conv2', op: 'module', inputs: ['relu'] },
      { name: 'sum', op: 'add', inputs: ['conv2', 'relu'] },
      { name: 'drop', op: 'module', inputs: ['sum'] },
      { name: 'flat', op: 'module', inputs: ['drop'] },
      { name: 'fc', op: 'module', inputs: ['flat'] },
    ],
  }, {
    conv: new Conv2d(2, 8, 3, { padding: 1 }), relu: new ReLU(), conv2: new Conv2d(8, 8, 3, { padding: 1 }),
    drop: new Dropout(0.5), flat: new Flatten(), fc: new Linear(8 * 40 * 40, 3),
  });
}

test('inference frees activations early and gives the same result as a forward with grad', () => {
  const g = net().eval();
  const x = randn([2, 2, 40, 40]);
  const withGrad = g.forward(x).toArray();
  const inference = noGrad(() => scope(() => g.forward(x).toArray()));
  assert.deepEqual(inference, withGrad);
  assert.deepEqual(x.shape, [2, 2, 40, 40]);
  assert.ok(Number.isFinite(x.data[0]!), 'the input is never freed');
});

test('a hook keeps every activation it saw readable', () => {
  const g = net().eval();
  const seen: Tensor[] = [];
  const handles = [...g.children()].map((m) => m.registerForwardHook((_m, _x, y) => void seen.push(y)));
  noGrad(() => g.forward(randn([1, 2, 40, 40])));
  for (const h of handles) h.remove();
  assert.equal(seen.length, 6);
  for (const t of seen) assert.ok(Number.isFinite(t.data[0]!));
});

test('repeated inference reuses the same memory (wasm heap stays flat)', () => {
  const heap = (getBackend() as { heap?: { highWater: number } }).heap;
  if (!heap) return; // the js backend allocates plain arrays
  const g = net().eval();
  const x = randn([16, 2, 40, 40]);
  for (let i = 0; i < 3; i++) noGrad(() => scope(() => void g.forward(x))); // warm-up: pools and free list settle
  const settled = heap.highWater;
  for (let i = 0; i < 30; i++) noGrad(() => scope(() => void g.forward(x)));
  assert.equal(heap.highWater, settled);
});

test('summarize lists every node of a graph with its output shape and parameters', async () => {
  const { summarize } = await import('./summary.js');
  const rows = summarize(net(), [1, 2, 40, 40]);
  assert.deepEqual(rows.map((r) => r.name), ['conv', 'relu', 'conv2', 'sum', 'drop', 'flat', 'fc']);
  assert.deepEqual(rows.find((r) => r.name === 'sum'), { name: 'sum', type: 'add', outputShape: [1, 8, 40, 40], params: 0 });
  assert.equal(rows.find((r) => r.name === 'fc')!.params, 8 * 40 * 40 * 3 + 3);
});
