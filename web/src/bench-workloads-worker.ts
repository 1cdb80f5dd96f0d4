/**
 * The workloads benchmark's worker (bench-workloads.ts starts it): fovea's
 * wasm backend (on the threads asked for), then TF.js's wasm backend (on
 * one thread: bench-tfjs.ts says why), timed on the peer harness's
 * workloads with the harness's rules. In a worker because a page's main
 * thread may not block in Atomics.wait: there fovea's caller thread would
 * spin while its workers compute, stealing a core from them; a worker
 * waits as Node does (the app trains in a worker for the same reason).
 *
 * In: a `BenchRequest`. Out: `{ line }` per measurement, then `{ done: true }`.
 */
import { configureBackend, fromWorkload, getBackend, noGrad, runBench, scope, Tensor, type Budgets, type WasmBackend, type WorkloadFile } from 'fovea';
import { runTfjsBench, startTfjsWasm } from './bench-tfjs.js';

export interface BenchRequest { spec: WorkloadFile; threads: number; budgets: Budgets; workloads: string[]; peers: string[] }
export type BenchReply = { line: Record<string, unknown> } | { done: true };

const THREADS_START_MS = 10_000;
const TFJS_START_MS = 60_000;

const worker = globalThis as unknown as { onmessage: ((e: MessageEvent<BenchRequest>) => void) | null; postMessage(m: BenchReply): void };
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * fovea's worker threads start only once this thread returns to its event
 * loop (until then it runs every slice itself): run one batch that uses the
 * pool, then wait for every thread to check in, so that the timed calls run
 * on all of them.
 */
async function startFoveaThreads(spec: WorkloadFile): Promise<void> {
  const w = spec.workloads['convnet'] ?? Object.values(spec.workloads)[0]!;
  const model = fromWorkload(w.layers).eval();
  noGrad(() => scope(() => void model.forward(new Tensor(new Float32Array(64 * w.input[0] * w.input[1] * w.input[2]), [64, ...w.input])).data[0]));
  const backend = getBackend() as WasmBackend;
  const t0 = performance.now();
  while (!backend.threadsReady()) {
    if (performance.now() - t0 > THREADS_START_MS) throw new Error(`fovea's ${backend.features.threads} wasm threads did not start within ${THREADS_START_MS / 1000} s`);
    await pause(10);
  }
}

/** `p`, or an error naming `what` after `ms` (a backend that never starts must not hang the run). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms))]);
}

async function run(r: BenchRequest): Promise<void> {
  const emit = (line: Record<string, unknown>): void => worker.postMessage({ line });
  if (r.peers.includes('fovea')) {
    const peer = `fovea-browser-t${r.threads}`;
    try {
      const { threads } = configureBackend({ backend: 'wasm', threads: r.threads });
      if (threads > 1) await startFoveaThreads(r.spec);
      runBench({ spec: r.spec, workloads: r.workloads, modes: ['train', 'infer', 'latency'], budgets: r.budgets, peer, threads, emit });
    } catch (e) {
      emit({ peer, mode: 'info', error: (e as Error).message });
    }
    await pause(0);
  }
  if (r.peers.includes('tfjs')) {
    const peer = 'tfjs-wasm-browser';
    try {
      const info = await within(startTfjsWasm(peer), TFJS_START_MS, "TF.js's wasm backend start");
      emit(info);
      runTfjsBench({ spec: r.spec, workloads: r.workloads, budgets: r.budgets, peer, threads: info['threads'] as number, emit });
    } catch (e) {
      emit({ peer, mode: 'info', error: (e as Error).message });
    }
  }
}

worker.onmessage = (e) => {
  void run(e.data).finally(() => worker.postMessage({ done: true }));
};
