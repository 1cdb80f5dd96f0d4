/**
 * Worker threads for the wasm backend: every worker instantiates the same
 * module on the same shared WebAssembly.Memory, and the calling thread hands
 * out a job by writing its arguments to shared memory and bumping a sequence
 * number (Atomics.notify). The caller runs slice 0 itself, then waits for the
 * others (Atomics.wait). No message passing on the hot path.
 *
 * Workers are Node worker_threads (via process.getBuiltinModule, so this file
 * has no static Node import); a browser build passes its own `spawn`.
 */
import { FoveaError } from '../../errors.js';
import { ARG_FLOATS, ARG_SCRATCH, CTRL_INTS, Job, MAX_THREADS, runJob } from './parallel.js';
import type { WasmExports } from './wasm-exports.js';
import type { WasmHeap } from './wasm-heap.js';

export interface WorkerHandle {
  terminate(): void;
}

/** Starts one worker running worker.js with the given init data. */
export type SpawnWorker = (init: WorkerInit) => WorkerHandle;

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrlPtr: number;
  argsPtr: number;
  tid: number;
  /** The control block's sequence number when the worker was spawned. */
  seq0: number;
}

/** Default spawner: Node's worker_threads, when available. */
export function nodeSpawner(): SpawnWorker | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown } }).process;
  const wt = proc?.getBuiltinModule?.('node:worker_threads') as
    | { Worker: new (url: URL, opts: { workerData: unknown }) => WorkerHandle & { unref(): void; on(e: string, f: (x: unknown) => void): void } }
    | undefined;
  if (!wt) return null;
  return (init) => {
    const w = new wt.Worker(new URL('./worker.js', import.meta.url), { workerData: init });
    w.unref();
    w.on('error', () => {}); // reported through the control block / watchdog instead
    return w;
  };
}

/**
 * Web Workers in a browser (the page must be cross-origin isolated for shared
 * memory): the worker module is loaded beside this file and receives its
 * init object as the first message.
 */
export function browserSpawner(): SpawnWorker | null {
  if (typeof Worker === 'undefined') return null;
  return (init) => {
    // written literally so that bundlers (Vite, webpack) recognise and bundle the worker
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.postMessage(init);
    return { terminate: () => w.terminate() };
  };
}

/** Node's worker_threads where available, else Web Workers, else none (one thread). */
export function defaultSpawner(): SpawnWorker | null {
  return nodeSpawner() ?? browserSpawner();
}

/** A browser page's main thread may not block in Atomics.wait; workers and Node may. */
const canBlock = typeof (globalThis as { document?: unknown }).document === 'undefined';

const SPIN = 20000;
const WATCHDOG_MS = 30000;


export class ThreadPool {
  readonly ctrl: Int32Array;
  readonly args: Float64Array;
  private readonly workers: WorkerHandle[] = [];
  private readonly scratch: number[] = [];
  private readonly scratchBytes: number[] = [];
  private broken: string | null = null;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly heap: WasmHeap,
    private readonly exports: WasmExports,
    readonly threads: number,
    private readonly spawn: SpawnWorker,
    /** A job not finished by every worker within this time fails (a dead or stuck worker), default 30 s. */
    private readonly watchdogMs = WATCHDOG_MS,
  ) {
    if (threads < 2 || threads > MAX_THREADS) throw new FoveaError(`threads must be between 2 and ${MAX_THREADS}, got ${threads}`);
    const ctrlPtr = heap.allocRaw(CTRL_INTS * 4);
    const argsPtr = heap.allocRaw(ARG_FLOATS * 8);
    this.ctrl = new Int32Array(heap.memory.buffer, ctrlPtr, CTRL_INTS);
    this.args = new Float64Array(heap.memory.buffer, argsPtr, ARG_FLOATS);
    for (let t = 1; t < threads; t++) {
      this.scratch[t] = 0;
      this.scratchBytes[t] = 0;
      this.workers.push(this.spawn({ module, memory: heap.memory, ctrlPtr, argsPtr, tid: t, seq0: Atomics.load(this.ctrl, 0) }));
    }
  }

  /** Makes sure every worker has `bytes` of private scratch. */
  private ensureScratch(bytes: number): void {
    for (let t = 1; t < this.threads; t++) {
      if (this.scratchBytes[t]! >= bytes) continue;
      if (this.scratchBytes[t]) this.heap.freeRange(this.scratch[t]!, this.scratchBytes[t]!);
      const size = Math.ceil((bytes * 1.25) / 65536) * 65536;
      this.scratch[t] = this.heap.allocRaw(size);
      this.scratchBytes[t] = size;
    }
  }

  /** Pointer to worker t's scratch (valid after run's ensureScratch). */
  scratchOf(t: number): number {
    return this.scratch[t]!;
  }

  /**
   * Runs a job on all threads: `params` (from index 1 of the argument block),
   * each worker getting `scratchBytes` of private scratch, the caller using `ownScratch`.
   */
  /** Returns the number of slices computed (partial results live in the workers' scratch). */
  run(job: Job, params: readonly number[], scratchBytes: number, ownScratch: number): number {
    if (this.broken) throw new FoveaError(`wasm thread pool is unusable: ${this.broken}`);
    this.ensureScratch(scratchBytes);
    if (!this.ready) {
      // Workers start asynchronously (a browser starts them only once this thread returns to its
      // event loop): until all of them have checked in, this thread runs every slice itself, in
      // the workers' scratch, so that results (e.g. the order weight-gradient partials are
      // summed in) are bit-identical to a threaded run.
      const a = this.args;
      a[0] = job;
      for (let i = 0; i < params.length; i++) a[i + 1] = params[i]!;
      for (let t = 0; t < this.threads; t++) runJob(this.exports, a, t, this.threads, t === 0 ? ownScratch : this.scratch[t]!);
      return this.threads;
    }
    const a = this.args;
    a[0] = job;
    for (let i = 0; i < params.length; i++) a[i + 1] = params[i]!;
    for (let t = 1; t < this.threads; t++) a[ARG_SCRATCH + t] = this.scratch[t]!;
    const c = this.ctrl;
    Atomics.store(c, 3, 0);
    Atomics.store(c, 4, 0);
    Atomics.store(c, 2, this.threads);
    Atomics.add(c, 0, 1);
    Atomics.notify(c, 0);
    let error: unknown = null;
    try {
      runJob(this.exports, a, 0, this.threads, ownScratch);
    } catch (e) {
      error = e;
    }
    this.waitForWorkers();
    if (error) throw error;
    return this.threads;
  }

  private waitForWorkers(): void {
    const c = this.ctrl;
    const others = this.threads - 1;
    for (let i = 0; i < SPIN && Atomics.load(c, 3) < others; i++);
    const start = Date.now();
    let done: number;
    while ((done = Atomics.load(c, 3)) < others) {
      if (canBlock) Atomics.wait(c, 3, done, 100);
      if (Date.now() - start > this.watchdogMs) {
        this.broken = `a worker thread did not finish a job within ${this.watchdogMs / 1000} s`;
        this.terminate();
        throw new FoveaError(`${this.broken}; the wasm backend will restart its threads on the next call`);
      }
    }
    if (Atomics.load(c, 4) !== 0) {
      throw new FoveaError('a wasm worker thread failed while running a kernel (see its error above)');
    }
  }

  /** True once every worker has started and checked in. */
  get ready(): boolean {
    return Atomics.load(this.ctrl, 5) >= this.threads - 1;
  }

  get isBroken(): boolean {
    return this.broken !== null;
  }

  terminate(): void {
    this.args[0] = Job.Stop;
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
