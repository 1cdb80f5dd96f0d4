/**
 * A wasm backend worker thread: instantiates the kernels on the shared memory
 * and runs its slice of every job the main thread posts (see thread-pool.ts).
 */
import { ARG_FLOATS, ARG_SCRATCH, CTRL_INTS, Job, runJob } from './parallel.js';
import type { WorkerInit } from './thread-pool.js';
import type { WasmExports } from './wasm-exports.js';

const SPIN = 200000;

function serve(init: WorkerInit): void {
  const { module, memory, ctrlPtr, argsPtr, tid } = init;
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error('wasm kernel aborted'); } } });
  const w = instance.exports as unknown as WasmExports;
  const ctrl = new Int32Array(memory.buffer, ctrlPtr, CTRL_INTS);
  const args = new Float64Array(memory.buffer, argsPtr, ARG_FLOATS);
  // jobs posted before this thread started count too: start from the pool's initial sequence number
  let seen = init.seq0;
  // tell the pool this thread is up; until every worker is, the caller computes alone
  Atomics.add(ctrl, 5, 1);
  for (;;) {
    // spin briefly (jobs come in quick succession during a step), then sleep
    let i = 0;
    while (Atomics.load(ctrl, 0) === seen && i++ < SPIN);
    while (Atomics.load(ctrl, 0) === seen) Atomics.wait(ctrl, 0, seen);
    seen = Atomics.load(ctrl, 0);
    if (args[0] === Job.Stop) return;
    const threads = Atomics.load(ctrl, 2);
    try {
      if (tid < threads) runJob(w, args, tid, threads, args[ARG_SCRATCH + tid]!);
    } catch (e) {
      Atomics.store(ctrl, 4, 1);
      console.error(`fovea wasm worker ${tid}:`, e);
    }
    Atomics.add(ctrl, 3, 1);
    Atomics.notify(ctrl, 3);
  }
}

const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
const wt = proc?.getBuiltinModule?.('node:worker_threads') as { workerData: WorkerInit } | undefined;
if (wt?.workerData) serve(wt.workerData);
else {
  // browser Web Worker: the init arrives as the first message
  (globalThis as unknown as { onmessage: ((e: { data: WorkerInit }) => void) | null }).onmessage = (e) => serve(e.data);
}
