// The wasm backend's own behaviour beyond kernel values (those are in the
// conformance suite): threads agree with one thread, faults give clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { conv2d } from '../../tensor/ops/conv.js';
import { randn } from '../../tensor/ops/creation.js';
import { getBackend } from '../configure.js';
import { registerBackend, setBackend } from '../registry.js';
import { FoveaError } from '../../errors.js';
import { createWasmBackend, wasmSimdSupported } from './wasm-backend.js';
import { slice } from './parallel.js';
import type { WorkerInit } from './thread-pool.js';
import { empty } from '../../tensor/tensor.js';
import { scope } from '../../tensor/scope.js';
import { conformanceCases, runConformance } from '../conformance.js';
import { createJsBackend } from '../js/index.js';
import type { KernelTable } from '../kernels.js';

const skip = !wasmSimdSupported() && 'no WebAssembly SIMD here';

/** Polls `cond` (worker start-up takes longer on a loaded machine), failing after 20 s. */
async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 20000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the worker threads to start');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('slices cover the range exactly, in grains', () => {
  for (const [n, t, g] of [[10, 3, 1], [64, 2, 4], [5, 4, 4], [1, 2, 1]] as const) {
    const parts = Array.from({ length: t }, (_, i) => slice(n, i, t, g));
    assert.equal(parts[0]![0], 0);
    assert.equal(parts[t - 1]![1], n);
    for (let i = 1; i < t; i++) assert.equal(parts[i]![0], parts[i - 1]![1]);
  }
});

test('two threads give the same convolution as one', { skip }, () => {
  const x = randn([8, 3, 12, 12]), w = randn([16, 3, 3, 3]), b = randn([16]);
  const run = (threads: number): number[] => {
    const backend = createWasmBackend({ threads });
    registerBackend(backend);
    setBackend('wasm');
    try {
      return conv2d(x, w, b, { padding: 1, stride: 1 }).toArray();
    } finally {
      backend.shutdown();
    }
  };
  const prev = getBackend().name;
  const one = run(1), two = run(2);
  setBackend(prev);
  assert.deepEqual(two, one);
});

test('with two threads, the convolution kernels (forward and both gradients) pass the conformance suite', { skip }, async () => {
  // the cases big enough to split run across both threads: the weight gradient sums per-thread partials
  const backend = createWasmBackend({ threads: 2 });
  try {
    const reference = createJsBackend().kernels as KernelTable;
    const run = () => runConformance(backend.kernels, reference, {
      cases: conformanceCases(), kernels: ['conv2d', 'conv2dFused', 'conv2dBackwardInput', 'conv2dBackwardWeight'],
    });
    run(); // starts the pool (computed alone until its workers check in)
    await until(() => backend.threadsReady());
    const results = run();
    for (const r of results) assert.equal(r.status, 'pass', `${r.kernel}: ${r.failures.map((f) => `${f.case}: ${f.message}`).join('; ')}`);
  } finally {
    backend.shutdown();
  }
});

test('with two threads, large element-wise passes and bias sums (split across threads) equal the js reference', { skip }, async () => {
  const backend = createWasmBackend({ threads: 2 });
  try {
    const ref = createJsBackend().kernels as KernelTable;
    const k = backend.kernels as KernelTable;
    const n = (1 << 20) + 37; // past the split threshold, not a multiple of the 16-float grain
    const x = new Float32Array(n).map((_, i) => Math.sin(i * 0.37) * 3);
    const dy = new Float32Array(n).map((_, i) => Math.cos(i * 0.11));
    const run = (f: (t: KernelTable) => Float32Array): void => {
      const want = f(ref), got = f(k);
      for (let i = 0; i < n; i++) if (Math.abs(got[i]! - want[i]!) > 1e-6 * (1 + Math.abs(want[i]!))) assert.fail(`index ${i}: ${got[i]} vs ${want[i]}`);
    };
    k.relu(x, new Float32Array(n)); // starts the pool
    await until(() => backend.threadsReady());
    run((t) => { const o = new Float32Array(n); t.relu(x, o); return o; });
    run((t) => { const o = new Float32Array(n); t.sigmoid(x, o); return o; });
    run((t) => { const o = new Float32Array(n); t.reluBackward(dy, x, o); return o; });
    // a conv bias gradient: [64, 33, 500] summed over 0 and 2
    const shape = [64, 33, 500];
    const big = new Float32Array(64 * 33 * 500).map((_, i) => Math.sin(i));
    const want = new Float32Array(33), got = new Float32Array(33);
    ref.sum(big, shape, [0, 2], want);
    k.sum(big, shape, [0, 2], got);
    for (let c = 0; c < 33; c++) assert.ok(Math.abs(got[c]! - want[c]!) <= 1e-4 * (1 + Math.abs(want[c]!)), `channel ${c}: ${got[c]} vs ${want[c]}`);
  } finally {
    backend.shutdown();
  }
});

test('a worker that dies fails the step with a clear error, and the next step does not hang', { skip }, async () => {
  // workers that check in with the pool and then exit, as if they had crashed mid-run
  const dead = (init: WorkerInit) => {
    const w = new Worker(
      `const { workerData: d } = require('node:worker_threads');
       Atomics.add(new Int32Array(d.memory.buffer, d.ctrlPtr, 8), 5, 1);
       process.exit(0);`,
      { eval: true, workerData: init },
    );
    w.unref();
    return w;
  };
  const backend = createWasmBackend({ threads: 2, spawn: dead, watchdogMs: 300 });
  const prev = getBackend().name;
  registerBackend(backend);
  setBackend('wasm');
  try {
    const x = randn([8, 3, 16, 16]), w = randn([8, 3, 3, 3]);
    for (let attempt = 0; attempt < 2; attempt++) {
      // (re)starts the pool, computed alone until its workers check in; they check in, then die
      conv2d(x, w, null, { padding: 1 });
      await until(() => backend.threadsReady());
      assert.throws(() => conv2d(x, w, null, { padding: 1 }), (e: Error) => e instanceof FoveaError && /worker thread did not finish/.test(e.message));
    }
  } finally {
    backend.shutdown();
    setBackend(prev);
  }
});

test('while workers start, the caller computes every slice itself: the same bits as a threaded run', { skip }, async () => {
  const never = () => ({ terminate: () => {} });
  const x = randn([8, 3, 16, 16]), w = randn([8, 3, 3, 3]);
  const run = (): number[][] => {
    const xi = x.detach().requiresGrad_(), wi = w.detach().requiresGrad_();
    const y = conv2d(xi, wi, null, { padding: 1 });
    y.sum().backward();
    return [y.toArray(), xi.grad!.toArray(), wi.grad!.toArray()];
  };
  const prev = getBackend().name;
  const threaded = createWasmBackend({ threads: 2 });
  registerBackend(threaded);
  setBackend('wasm');
  run(); // starts the workers
  await until(() => threaded.threadsReady());
  const want = run();
  const starting = createWasmBackend({ threads: 2, spawn: never, watchdogMs: 300 });
  registerBackend(starting);
  setBackend('wasm');
  try {
    // forward, input gradient and weight gradient (summed from per-slice partials in a fixed order)
    for (let i = 0; i < 3; i++) assert.deepEqual(run(), want);
  } finally {
    starting.shutdown();
    threaded.shutdown();
    setBackend(prev);
  }
});

test('a tensor too large for wasm memory is refused with its shape and size', { skip }, () => {
  const backend = createWasmBackend({ threads: 1 });
  const prev = getBackend().name;
  registerBackend(backend);
  setBackend('wasm');
  try {
    // in a scope: outside every scope a tensor lives in garbage-collected memory, not in the wasm heap
    assert.throws(() => scope(() => empty([40000, 40000])), /cannot allocate a tensor of shape \[40000, 40000\] \(6103\.5 MiB\).*out of memory/);
    // and the backend still works afterwards
    assert.equal(conv2d(randn([1, 1, 4, 4]), randn([1, 1, 3, 3])).numel(), 4);
  } finally {
    backend.shutdown();
    setBackend(prev);
  }
});
