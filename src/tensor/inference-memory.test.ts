// Inference without scope(): `noGrad(() => model.forward(x))` in a loop runs in flat memory
// (a forward at top level runs in an implicit scope; only its output outlives it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { configureBackend, getBackend } from '../backend/configure.js';
import type { WasmHeap } from '../backend/wasm/wasm-heap.js';
import { lenet } from '../nn/models.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed } from '../util/random.js';
import { noGrad } from './grad-mode.js';
import { randn } from './ops/creation.js';
import { crossEntropy } from './ops/loss.js';
import { scope } from './scope.js';
import { recordActivations as activations } from '../explain/activations.js';
import type { Tensor } from './tensor.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heapOf = (): WasmHeap | undefined => (getBackend() as { heap?: WasmHeap }).heap;

function withBackend(name: 'js' | 'wasm', fn: () => void | Promise<void>): () => Promise<void> {
  return async () => {
    const prev = getBackend().name;
    configureBackend({ backend: name });
    try {
      await fn();
    } finally {
      configureBackend({ backend: prev });
    }
  };
}

const wasm = heapOf() !== undefined;

test('wasm: 100,000 synchronous predictions without scope() leave the heap flat', { skip: !wasm }, withBackend('wasm', () => {
  manualSeed(1);
  const model = lenet().eval();
  const x = randn([1, 1, 28, 28]);
  const heap = heapOf()!;
  const first = noGrad(() => model.forward(x));
  const firstValues = first.toArray();
  for (let i = 0; i < 200; i++) noGrad(() => model.forward(x)); // warm-up: pools settle
  gc();
  const used = heap.usedBytes, high = heap.highWater, bytes = heap.memory.buffer.byteLength, rss = process.memoryUsage().rss;
  const n = 100_000;
  let y: Tensor = first;
  for (let i = 0; i < n; i++) y = noGrad(() => model.forward(x));
  const perPrediction = (heap.usedBytes - used) / n;
  assert.ok(perPrediction < 1, `wasm heap grew by ${perPrediction.toFixed(2)} bytes per prediction`);
  // Loosely: the process as a whole (the outputs are garbage-collected memory); the leak was 60 KB a prediction.
  gc();
  const rssPerPrediction = (process.memoryUsage().rss - rss) / n;
  assert.ok(rssPerPrediction < 1024, `RSS grew by ${rssPerPrediction.toFixed(0)} bytes per prediction`);
  assert.equal(heap.highWater, high);
  assert.equal(heap.memory.buffer.byteLength, bytes);
  // Outputs stay valid: the first one, kept all along, and the last one.
  assert.deepEqual(first.toArray(), firstValues);
  assert.deepEqual(y.toArray(), firstValues);
}));

test('wasm: 2,000 awaited predictions without scope() leave the heap flat', { skip: !wasm }, withBackend('wasm', async () => {
  manualSeed(2);
  const model = lenet().eval();
  const x = randn([1, 1, 28, 28]);
  const heap = heapOf()!;
  for (let i = 0; i < 50; i++) noGrad(() => model.forward(x).softmax(1));
  const used = heap.usedBytes, high = heap.highWater;
  const n = 2_000;
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setImmediate(r)); // a server between requests
    noGrad(() => model.forward(x).softmax(1)); // a top-level op after the forward: garbage-collected memory
  }
  const perPrediction = (heap.usedBytes - used) / n;
  assert.ok(perPrediction < 1, `wasm heap grew by ${perPrediction.toFixed(2)} bytes per prediction`);
  assert.equal(heap.highWater, high);
}));

// A PyTorch user's other loops: the tape left on, a hook that records activations, the result of a scope.
test('wasm: 5,000 dropped forwards with gradients on leave the heap flat; a kept one still backpropagates', { skip: !wasm }, withBackend('wasm', () => {
  manualSeed(6);
  const model = lenet().eval();
  const x = randn([1, 1, 28, 28]);
  const heap = heapOf()!;
  for (let i = 0; i < 50; i++) model.forward(x);
  const used = heap.usedBytes, high = heap.highWater;
  const n = 5_000;
  let y = model.forward(x);
  for (let i = 0; i < n; i++) y = model.forward(x); // no noGrad, no scope: each graph is garbage once dropped
  const perPrediction = (heap.usedBytes - used) / n;
  assert.ok(perPrediction < 1, `wasm heap grew by ${perPrediction.toFixed(2)} bytes per prediction`);
  assert.equal(heap.highWater, high);
  y.sum().backward();
  const w = model.parameters()[0]!;
  assert.ok(w.grad && w.grad.toArray().some((v) => v !== 0));
}));

test('wasm: 2,000 activations() calls (forward hooks that copy) leave the heap flat', { skip: !wasm }, withBackend('wasm', () => {
  manualSeed(7);
  const model = lenet().eval();
  const x = randn([1, 1, 28, 28]);
  const heap = heapOf()!;
  const want = activations(model, x);
  for (let i = 0; i < 50; i++) activations(model, x);
  const used = heap.usedBytes;
  const n = 2_000;
  let got = want;
  for (let i = 0; i < n; i++) got = activations(model, x);
  const perCall = (heap.usedBytes - used) / n;
  assert.ok(perCall < 1, `wasm heap grew by ${perCall.toFixed(2)} bytes per call`);
  assert.deepEqual(got.layers.map((l) => Array.from(l.data)), want.layers.map((l) => Array.from(l.data)));
  assert.deepEqual(got.output.toArray(), want.output.toArray());
}));

test('wasm: 10,000 results returned from a top-level scope() leave the heap flat', { skip: !wasm }, withBackend('wasm', () => {
  manualSeed(8);
  const model = lenet().eval();
  const x = randn([1, 1, 28, 28]);
  const heap = heapOf()!;
  const first = scope(() => noGrad(() => model.forward(x)));
  const want = first.toArray();
  const used = heap.usedBytes;
  const n = 10_000;
  let y = first;
  for (let i = 0; i < n; i++) y = scope(() => noGrad(() => model.forward(x)));
  const perCall = (heap.usedBytes - used) / n;
  assert.ok(perCall < 1, `wasm heap grew by ${perCall.toFixed(2)} bytes per call`);
  assert.deepEqual(first.toArray(), want);
  assert.deepEqual(y.toArray(), want);
}));

test('js: 10,000 predictions without scope() keep the JS heap flat', withBackend('js', () => {
  manualSeed(3);
  const model = lenet().eval();
  const x = randn([1, 1, 28, 28]);
  // warm up past the JIT's tiers (optimised code and feedback count as heap), so only a leak remains to measure
  for (let i = 0; i < 1000; i++) noGrad(() => model.forward(x));
  gc();
  const m0 = process.memoryUsage();
  const n = 10_000;
  const kept: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const y = noGrad(() => model.forward(x));
    if (i % 1000 === 0) kept.push(y);
  }
  gc();
  const m1 = process.memoryUsage();
  const perPrediction = (m1.heapUsed + m1.arrayBuffers - m0.heapUsed - m0.arrayBuffers) / n;
  assert.ok(perPrediction < 256, `JS memory grew by ${perPrediction.toFixed(0)} bytes per prediction`);
  for (const y of kept) assert.deepEqual(y.toArray(), kept[0]!.toArray());
}));

for (const backend of ['js', 'wasm'] as const) {
  test(`${backend}: a forward hook that keeps activations sees them stay valid`, { skip: backend === 'wasm' && !wasm }, withBackend(backend, () => {
    manualSeed(4);
    const model = lenet().eval();
    const x = randn([1, 1, 28, 28]);
    const seen: { t: Tensor; data: Float32Array; copy: number[] }[] = [];
    const h = [...model.modulesIter()][1]!.registerForwardHook((_m, input, out) => {
      seen.push({ t: out, data: out.data, copy: out.toArray() });
      seen.push({ t: input, data: input.data, copy: input.toArray() });
    });
    for (let i = 0; i < 5; i++) noGrad(() => model.forward(x));
    h.remove();
    for (let i = 0; i < 200; i++) noGrad(() => model.forward(randn([1, 1, 28, 28])));
    assert.equal(seen.length, 10);
    for (const s of seen) {
      assert.deepEqual(s.t.toArray(), s.copy);
      assert.deepEqual(Array.from(s.data), s.copy);
    }
  }));

  test(`${backend}: a top-level forward with gradients on keeps its tape; scoped training is unchanged`, { skip: backend === 'wasm' && !wasm }, withBackend(backend, () => {
    const run = (implicitFirst: boolean): number[] => {
      manualSeed(5);
      const model = lenet();
      const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      const x = randn([4, 1, 28, 28]);
      if (implicitFirst) for (let i = 0; i < 20; i++) noGrad(() => model.forward(x));
      const y = model.forward(x); // top level, grad on: the tape must survive
      crossEntropy(y, [1, 2, 3, 4]).backward();
      opt.step();
      for (let i = 0; i < 3; i++) {
        scope(() => {
          opt.zeroGrad();
          crossEntropy(model.forward(x), [1, 2, 3, 4]).backward();
          opt.step();
        });
      }
      return model.parameters().flatMap((p) => p.toArray());
    };
    assert.deepEqual(run(true), run(false));
  }));
}
