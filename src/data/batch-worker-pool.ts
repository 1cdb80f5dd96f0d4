/**
 * The worker threads of a DataLoader with `numWorkers > 0`: each worker
 * reads the dataset's bytes from shared memory (or decodes image files
 * itself), augments and normalises whole batches and writes them into a
 * ring of shared float buffers; the loader hands the batches out in order.
 * Only small messages cross threads: "build batch b into slot s from these
 * indices" and "done".
 *
 * Workers are Node worker_threads (via process.getBuiltinModule, so this file
 * has no static Node import and the main entry stays platform-free); another
 * platform passes its own `spawn`.
 */
import { FoveaError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { Batch } from './batch-source.js';
import { DataLoaderWorkerError } from './data-loader-worker-error.js';
import type { ImageDecodeOptions } from './image-folder.js';
import type { SampleNormalization } from './sample-pipeline.js';
import type { TransformSpec } from './transforms/transform.js';

/** How a worker opens the dataset: plain data (shared memory crosses threads without a copy). */
export type WorkerDatasetSource =
  | { kind: 'bytes'; images: Uint8Array; shape: readonly [number, number, number] }
  | { kind: 'image-files'; files: readonly string[]; shape: readonly [number, number, number]; decode: ImageDecodeOptions };

/** What a worker is started with. */
export interface BatchWorkerInit {
  source: WorkerDatasetSource;
  transform: TransformSpec | null;
  norm: SampleNormalization;
  /** The ring: `slots` batches of `slotFloats` floats each. */
  ring: SharedArrayBuffer;
  slotFloats: number;
  /** [C, H, W] of every sample the loader expects (the transform's output). */
  sampleShape: readonly [number, number, number];
}

/** "Build the batch of these dataset indices (epoch positions first, first + 1, ...) into slot `slot`." */
export interface BatchJob {
  job: number;
  slot: number;
  indices: Int32Array;
  first: number;
  epochSeed: number;
}

/** "Finish the job in hand, skip the rest, and exit." */
export interface BatchStop {
  stop: true;
}

/** A worker's answer to a job. */
export type BatchReply =
  | { job: number; ok: true }
  | { job: number; ok: false; index: number; position: number; name: string; message: string; stack?: string };

export interface BatchWorkerEvents {
  message(reply: BatchReply): void;
  /** An uncaught exception in the worker (it stops). */
  error(err: unknown): void;
  exit(code: number): void;
}

export interface BatchWorkerHandle {
  postMessage(message: BatchJob | BatchStop): void;
  /** Stops the thread at once (only when it did not exit within a while of a stop message). */
  terminate(): unknown;
  /** Keep the process alive while the worker has work (Node); no-ops elsewhere. */
  ref(): void;
  unref(): void;
}

/** Starts one DataLoader worker. */
export type SpawnBatchWorker = (init: BatchWorkerInit, events: BatchWorkerEvents) => BatchWorkerHandle;

// Not a literal in `new URL(...)`: bundlers would copy the Node-only worker into browser builds.
const WORKER_FILE = './batch-worker.js';

/**
 * The default spawner: Node's worker_threads running batch-worker.js beside
 * this file, or null on a platform without them.
 *
 * @example
 * // count the workers a loader starts
 * const base = nodeBatchWorkerSpawner()!;
 * let started = 0;
 * const loader = new DataLoader(ds, { numWorkers: 2, spawn: (init, events) => (started++, base(init, events)) });
 */
export function nodeBatchWorkerSpawner(): SpawnBatchWorker | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown; execArgv?: string[] } }).process;
  type NodeWorker = BatchWorkerHandle & { on(e: string, f: (x: never) => void): void };
  const wt = proc?.getBuiltinModule?.('node:worker_threads') as { Worker: new (url: URL, opts: { workerData: unknown; execArgv: string[] }) => NodeWorker } | undefined;
  if (!wt) return null;
  // A worker inherits the process's flags; `--input-type` (node -e with ESM) makes it refuse its own module file.
  const execArgv = (proc?.execArgv ?? []).filter((a, i, all) => !a.startsWith('--input-type') && all[i - 1] !== '--input-type');
  return (init, events) => {
    const w = new wt.Worker(new URL(WORKER_FILE, import.meta.url), { workerData: init, execArgv });
    w.on('message', (m: BatchReply) => events.message(m));
    w.on('error', (e: unknown) => events.error(e));
    w.on('exit', (code: number) => events.exit(code));
    return w;
  };
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
  worker: number;
  batch: number;
}

interface WorkerState {
  handle: BatchWorkerHandle;
  pending: number;
  exited: Promise<void>;
}

/** How long close() waits for a worker to finish its job in hand before terminating it. */
const STOP_WAIT_MS = 10_000;

/**
 * Worker threads plus the ring they write into. One epoch at a time:
 * {@link BatchWorkerPool.epoch} yields batches in order while up to
 * `slots - 1` later ones are being built.
 */
export class BatchWorkerPool {
  readonly slots: number;
  private readonly ring: SharedArrayBuffer;
  private readonly slotFloats: number;
  private readonly sampleShape: readonly [number, number, number];
  private readonly workers: WorkerState[] = [];
  private readonly jobs = new Map<number, Deferred>();
  private nextJob = 0;
  private busy = false;
  private dead: unknown = null;
  private closing = false;

  constructor(
    init: Omit<BatchWorkerInit, 'ring' | 'slotFloats'>,
    numWorkers: number,
    prefetchFactor: number,
    private readonly batchSize: number,
    spawn: SpawnBatchWorker,
  ) {
    // numWorkers * prefetchFactor batches in flight, plus the one the caller is using
    this.slots = numWorkers * prefetchFactor + 1;
    this.sampleShape = init.sampleShape;
    const [c, h, w] = init.sampleShape;
    this.slotFloats = batchSize * c * h * w;
    this.ring = new SharedArrayBuffer(this.slots * this.slotFloats * 4);
    for (let k = 0; k < numWorkers; k++) {
      let exited!: () => void;
      const state: WorkerState = {
        pending: 0,
        exited: new Promise<void>((resolve) => (exited = resolve)),
        handle: spawn({ ...init, ring: this.ring, slotFloats: this.slotFloats }, {
          message: (reply) => this.onReply(state, reply),
          error: (err) => this.fail(k, err),
          exit: (code) => {
            exited();
            this.fail(k, new FoveaError(`exited with code ${code}`));
          },
        }),
      };
      state.handle.unref();
      this.workers.push(state);
    }
  }

  /**
   * The batches `start..length-1` of one epoch, in order. Batch b holds the
   * examples `order[b * batchSize ...]`, sample k augmented with the seed of
   * position `b * batchSize + k`. A batch's `x` is a view of the ring: valid
   * until the next batch is requested.
   */
  async *epoch(order: Int32Array, labels: ArrayLike<number>, epochSeed: number, start: number, length: number): AsyncGenerator<Batch, void, undefined> {
    if (this.busy) throw new FoveaError('DataLoader: an epoch with worker threads is still being iterated; finish it (or break out of its loop) before starting another');
    this.busy = true;
    const [c, h, w] = this.sampleShape;
    const n = order.length;
    const inFlight = new Map<number, Deferred>();
    let next = start;
    const dispatch = (): void => {
      const b = next++;
      const slot = (b - start) % this.slots;
      const indices = order.slice(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize));
      inFlight.set(b, this.post({ job: this.nextJob++, slot, indices, first: b * this.batchSize, epochSeed }, b));
    };
    let finished = false;
    try {
      while (next < length && next < start + this.slots) dispatch();
      for (let b = start; b < length; b++) {
        const d = inFlight.get(b)!;
        await d.promise;
        inFlight.delete(b);
        const lo = b * this.batchSize, count = Math.min(n, lo + this.batchSize) - lo;
        const slot = (b - start) % this.slots;
        const x = new Float32Array(this.ring, slot * this.slotFloats * 4, count * c * h * w);
        const indices = order.slice(lo, lo + count);
        yield { x: new Tensor(x, [count, c, h, w]), y: Int32Array.from(indices, (i) => labels[i]!), indices };
        // the caller is back for the next batch: batch b's slot is free again
        if (next < length) dispatch();
      }
      finished = true;
    } finally {
      this.busy = false;
      // Left early (an error, a break): jobs may still be writing into the ring; stop the workers.
      if (!finished || inFlight.size > 0) await this.close();
    }
  }

  private post(job: BatchJob, batch: number): Deferred {
    if (this.dead !== null || this.closing) {
      // the caller meets the error of the earliest batch first (already in flight, with its own message)
      const failed = deferred(-1, batch);
      failed.reject(this.dead ?? new FoveaError('DataLoader: the worker threads were closed'));
      return failed;
    }
    // the worker with the fewest jobs queued (all build bit-identical batches)
    let k = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.workers[i]!.pending < this.workers[k]!.pending) k = i;
    const wk = this.workers[k]!;
    const d = deferred(k, batch);
    this.jobs.set(job.job, d);
    if (wk.pending++ === 0) wk.handle.ref(); // keep the process alive while a worker has work
    wk.handle.postMessage(job);
    return d;
  }

  private onReply(wk: WorkerState, reply: BatchReply): void {
    const d = this.jobs.get(reply.job);
    if (!d) return;
    this.jobs.delete(reply.job);
    if (--wk.pending === 0) wk.handle.unref();
    if (reply.ok) d.resolve();
    else {
      const cause = Object.assign(new Error(reply.message), { name: reply.name, ...(reply.stack ? { stack: reply.stack } : {}) });
      d.reject(new DataLoaderWorkerError(
        `DataLoader worker ${d.worker}: sample ${reply.index} (position ${reply.position} of the epoch, batch ${d.batch}) failed: ${reply.name}: ${reply.message}`,
        reply.index, { cause }));
    }
  }

  /** A worker died: every job still pending fails with the reason; the pool is unusable. */
  private fail(k: number, err: unknown): void {
    if (this.closing) return;
    const why = err instanceof Error ? err.message : String(err);
    this.dead ??= new DataLoaderWorkerError(`DataLoader worker ${k} stopped: ${why}`, -1, { cause: err });
    for (const [id, d] of this.jobs) {
      this.jobs.delete(id);
      d.reject(d.worker === k
        ? new DataLoaderWorkerError(`DataLoader worker ${k} stopped while building batch ${d.batch}: ${why}`, -1, { cause: err })
        : this.dead);
    }
    void this.close();
  }

  /** Whether the pool can build more batches (no worker died, not closed). */
  get usable(): boolean {
    return this.dead === null && !this.closing;
  }

  /**
   * Stops every worker: each finishes the job in hand (a thread is never
   * killed in the middle of a native decode), skips the rest and exits;
   * one still running after 10 s is terminated.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const [id, d] of this.jobs) {
      this.jobs.delete(id);
      d.reject(new FoveaError('DataLoader: the worker threads were closed'));
    }
    for (const wk of this.workers) {
      wk.handle.ref(); // awaited below: an unreferenced worker would let the event loop end under us
      wk.handle.postMessage({ stop: true });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_WAIT_MS);
      (timer as { unref?: () => void }).unref?.();
    });
    await Promise.all(this.workers.map(async (wk) => {
      if ((await Promise.race([wk.exited, late])) === 'late') await wk.handle.terminate();
    }));
    clearTimeout(timer);
  }
}

function deferred(worker: number, batch: number): Deferred {
  let resolve!: () => void, reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // handled here so that a failure nobody awaits any more (the epoch was left) is no unhandled rejection
  promise.catch(() => {});
  return { promise, resolve, reject, worker, batch };
}
