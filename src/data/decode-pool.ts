/**
 * Worker threads that decode image files into a model's input, a batch of
 * paths at a time, for prediction over folders of any size: each worker
 * decodes and resizes with sharp, normalises, and hands back one float
 * buffer per batch (transferred, not copied); a file that cannot be decoded
 * is reported with its error and leaves zeros, without stopping the batch.
 * The same decoding (readImageChw) and normalisation (writeByteSample) as
 * the DataLoader's workers, so a folder predicts as its training did.
 *
 * Node only in practice (worker_threads through process.getBuiltinModule,
 * like batch-worker-pool.ts); with `numWorkers: 0` it decodes on the calling
 * thread (sharp still decodes on its own native threads).
 */
import { FoveaError } from '../errors.js';
import type { ImageDecodeOptions } from './image-folder.js';
import { writeByteSample, type SampleNormalization } from './sample-pipeline.js';

/** What every worker is started with: plain data. */
export interface DecodeSpec {
  /** [C, H, W] of the model's input (C is 1 or 3). */
  shape: readonly [number, number, number];
  decode: ImageDecodeOptions;
  norm: SampleNormalization;
}

/** A decoded batch: `x` holds `paths.length` samples [C, H, W]; a failed one is zeros with its message in `errors`. */
export interface DecodedBatch {
  paths: string[];
  x: Float32Array;
  /** One per path: null when decoded, else why not, starting with the path ("x.jpg: not a supported image ..."). */
  errors: (string | null)[];
}

interface Job { job: number; paths: string[] }
interface Reply { job: number; x: Float32Array; errors: (string | null)[] }

/** Decodes `paths` into one batch (any thread): all at once, as sharp decodes on its own threads. */
export async function decodeBatch(spec: DecodeSpec, paths: string[]): Promise<DecodedBatch> {
  const { readImageChw } = await import('./image-folder.js'); // loads sharp only where decoding happens
  const [c, h, w] = spec.shape;
  const x = new Float32Array(paths.length * c * h * w);
  const settled = await Promise.allSettled(paths.map((p) => readImageChw(p, spec.shape, spec.decode)));
  const errors = settled.map((r, k) => {
    if (r.status === 'fulfilled') {
      writeByteSample(x, k, r.value, c, h * w, spec.norm);
      return null;
    }
    // ImageError's message starts with the file; any other error gets it in front
    const message = r.reason instanceof Error ? r.reason.message : String(r.reason);
    return message.startsWith(paths[k]!) ? message : `${paths[k]}: ${message}`;
  });
  return { paths, x, errors };
}

type NodeWorker = {
  postMessage(m: unknown): void;
  on(e: string, f: (x: never) => void): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
};

// Not a literal in `new URL(...)`: bundlers would copy the Node-only worker into browser builds.
const WORKER_FILE = './decode-worker.js';

/**
 * A pool of decoding threads. `decode(paths)` resolves to the batch when a
 * worker has built it; the caller bounds how many are in flight.
 *
 * @example
 * const pool = new DecodePool({ shape: [3, 64, 64], decode: { fit: 'cover' }, norm: sampleNormalization(3, meta.normalize) }, 2);
 * const batch = await pool.decode(['a.jpg', 'b.jpg']);   // batch.x: 2 x 3 x 64 x 64 floats
 * await pool.close();
 */
export class DecodePool {
  private readonly workers: { w: NodeWorker; pending: number }[] = [];
  private readonly jobs = new Map<number, { resolve(b: DecodedBatch): void; reject(e: unknown): void; paths: string[]; worker: number }>();
  private nextJob = 0;
  private dead: unknown = null;

  constructor(private readonly spec: DecodeSpec, readonly numWorkers: number) {
    if (numWorkers === 0) return;
    const proc = (globalThis as { process?: { getBuiltinModule?: (m: string) => unknown; execArgv?: string[] } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as { Worker: new (url: URL, opts: { workerData: unknown; execArgv: string[] }) => NodeWorker } | undefined;
    if (!wt) throw new FoveaError('DecodePool: worker threads are not available here; use numWorkers: 0');
    const execArgv = (proc?.execArgv ?? []).filter((a, i, all) => !a.startsWith('--input-type') && all[i - 1] !== '--input-type');
    for (let k = 0; k < numWorkers; k++) {
      const w = new wt.Worker(new URL(WORKER_FILE, import.meta.url), { workerData: spec, execArgv });
      w.on('message', (r: Reply) => this.onReply(k, r));
      w.on('error', (e: unknown) => this.fail(k, e));
      w.on('exit', (code: number) => this.fail(k, new FoveaError(`exited with code ${code}`)));
      w.unref();
      this.workers.push({ w, pending: 0 });
    }
  }

  /** The batch of `paths`, decoded and normalised; a file that fails is reported in `errors`, never thrown. */
  decode(paths: string[]): Promise<DecodedBatch> {
    if (this.numWorkers === 0) return decodeBatch(this.spec, paths);
    if (this.dead !== null) return Promise.reject(this.dead);
    let k = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.workers[i]!.pending < this.workers[k]!.pending) k = i;
    const wk = this.workers[k]!;
    const job = this.nextJob++;
    return new Promise<DecodedBatch>((resolve, reject) => {
      this.jobs.set(job, { resolve, reject, paths, worker: k });
      if (wk.pending++ === 0) wk.w.ref(); // keep the process alive while a worker has work
      wk.w.postMessage({ job, paths } satisfies Job);
    });
  }

  private onReply(k: number, r: Reply): void {
    const d = this.jobs.get(r.job);
    if (!d) return;
    this.jobs.delete(r.job);
    const wk = this.workers[k]!;
    if (--wk.pending === 0) wk.w.unref();
    d.resolve({ paths: d.paths, x: r.x, errors: r.errors });
  }

  /** A worker died: its jobs and every later call fail with the reason. */
  private fail(k: number, err: unknown): void {
    if (this.dead === 'closed') return;
    const why = err instanceof Error ? err.message : String(err);
    this.dead ??= new FoveaError(`image decoding worker ${k} stopped: ${why}`, { cause: err });
    for (const [id, d] of this.jobs) {
      this.jobs.delete(id);
      d.reject(this.dead);
    }
  }

  /** Stops the workers (jobs still pending are rejected). */
  async close(): Promise<void> {
    const pending = [...this.jobs.values()];
    this.jobs.clear();
    this.dead = 'closed';
    for (const d of pending) d.reject(new FoveaError('DecodePool: closed'));
    await Promise.all(this.workers.map((wk) => wk.w.terminate()));
  }
}
