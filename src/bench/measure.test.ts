// The harness's timing rules and line shape, as the browser page and `fovea
// bench` share them. No timed assertion: counts of calls and arithmetic only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { benchLine, budgetsOf, measureCalls, QUICK_BUDGETS, DEFAULT_BUDGETS } from './measure.js';
import { checkWorkloadFile, forwardFlops } from './workload-spec.js';
import { benchBatch } from './run-bench.js';

test('measureCalls: one warm-up call at least, then at least minIters timed calls', () => {
  let calls = 0;
  const st = measureCalls(() => void calls++, 0, { ...QUICK_BUDGETS, warmupS: 0, minIters: 5 });
  assert.equal(st.iters, 5);
  assert.equal(calls, 6);
  assert.ok(st.minMs <= st.medianMs && st.medianMs >= 0);
});

test('benchLine: images per second from the median call, GFLOP/s from FLOPs per image x factor', () => {
  const line = benchLine({ peer: 'p', threads: 2, workload: 'w', mode: 'train' }, 64, { medianMs: 8, meanMs: 9, minMs: 7, iters: 10, timedS: 0.09 }, 1e6, 3);
  assert.deepEqual(line, { peer: 'p', threads: 2, workload: 'w', mode: 'train', batch: 64, images_per_s: 8000, ms_per_batch: 8,
    mean_ms_per_batch: 9, min_ms_per_batch: 7, iters: 10, timed_s: 0.09, gflops: 24 });
  assert.equal(benchLine({}, 1, { medianMs: 2, meanMs: 2, minMs: 2, iters: 3, timedS: 0.006 }, 1, 1, 1.234)['loadavg1'], 1.2);
});

test('the quick budgets are the harness\'s QUICK=1 ones, shorter than the full ones', () => {
  assert.deepEqual([QUICK_BUDGETS.trainS, QUICK_BUDGETS.inferS, QUICK_BUDGETS.latencyS, QUICK_BUDGETS.maxS], [1, 0.5, 0.3, 5]);
  assert.ok(QUICK_BUDGETS.trainS < DEFAULT_BUDGETS.trainS);
});

test('budgetsOf: the preset (full or quick), with the budgets given by hand in its place', () => {
  assert.deepEqual(budgetsOf(false), DEFAULT_BUDGETS);
  assert.deepEqual(budgetsOf(true), QUICK_BUDGETS);
  assert.deepEqual(budgetsOf(true, { trainS: 2, maxS: undefined }), { ...QUICK_BUDGETS, trainS: 2 });
  assert.deepEqual(budgetsOf(false, { inferS: 1, latencyS: 0.5, maxS: 9 }), { ...DEFAULT_BUDGETS, inferS: 1, latencyS: 0.5, maxS: 9 });
});

test('forwardFlops gives the harness README\'s FLOPs per image (0.83 M, 22.19 M, 51.06 M)', () => {
  const spec = checkWorkloadFile(JSON.parse(readFileSync(new URL('../../bench/workloads.json', import.meta.url), 'utf8')), 'bench/workloads.json');
  const m = (name: string): number => Math.round(forwardFlops(spec.workloads[name]!) / 1e4) / 100;
  assert.deepEqual([m('lenet'), m('convnet'), m('cifar')], [0.83, 22.19, 51.06]);
});

test('benchBatch: the same inputs and labels for the same seed, NCHW-sized, labels in range', () => {
  const w = { input: [3, 4, 5] as [number, number, number], classes: 7, layers: [] };
  const a = benchBatch(w, 2), b = benchBatch(w, 2);
  assert.equal(a.x.length, 2 * 3 * 4 * 5);
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.labels, b.labels);
  assert.ok([...a.labels].every((l) => l >= 0 && l < 7));
  assert.notDeepEqual(benchBatch(w, 2, 99).x, a.x);
});
