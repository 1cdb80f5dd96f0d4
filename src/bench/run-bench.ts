/**
 * The benchmark behind `fovea bench`, bench/peer.mjs and the browser page of
 * `npm run bench:web`: the fixed workloads of the peer harness
 * (../shared/bench/workloads.json), timed with the harness's rules
 * (measure.ts), printed as one JSON line per measurement in the harness's
 * shape. Platform-free: what only Node can tell (the load average, resident
 * memory, fovea's version from package.json) comes in through
 * `BenchOptions` (node-host.ts has Node's).
 */
import { fromWorkload } from '../nn/models.js';
import { SGD } from '../optim/sgd.js';
import { Generator } from '../util/random.js';
import { noGrad } from '../tensor/grad-mode.js';
import { crossEntropy } from '../tensor/ops/loss.js';
import { scope } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';
import { getBackend } from '../backend/configure.js';
import { profileKernels } from './profile.js';
import { benchLine, measureCalls, roundSig as round, type BenchStats, type Budgets } from './measure.js';
import { forwardFlops, type Workload, type WorkloadFile } from './workload-spec.js';

/** What a measurement times. */
export const BENCH_MODES = ['train', 'infer', 'latency', 'sanity', 'soak'] as const;
export type BenchMode = (typeof BENCH_MODES)[number];

function randomInputs(n: number, seed: number): Float32Array {
  const g = new Generator(seed);
  return Float32Array.from({ length: n }, () => g.normal());
}

function randomLabels(n: number, classes: number, seed: number): Int32Array {
  const g = new Generator(seed);
  return Int32Array.from({ length: n }, () => g.randint(classes));
}

/**
 * The batch a workload is timed on: random normal pixels (seed) and random
 * labels (seed + 1), the same numbers on every platform, so a peer timed
 * beside fovea (TF.js in the browser page) can run on the very same inputs.
 *
 * Shape: x is [batch, C, H, W] (NCHW, flattened), labels [batch].
 * @example
 * const { x, labels } = benchBatch(spec.workloads['lenet']!, 64);
 * new Tensor(x, [64, 1, 28, 28]);
 */
export function benchBatch(w: Workload, batch: number, seed = 1234): { x: Float32Array; labels: Int32Array } {
  return { x: randomInputs(batch * w.input[0] * w.input[1] * w.input[2], seed), labels: randomLabels(batch, w.classes, seed + 1) };
}

export interface BenchOptions {
  spec: WorkloadFile;
  workloads: string[];
  modes: BenchMode[];
  budgets: Budgets;
  peer: string;
  threads: number;
  emit: (line: Record<string, unknown>) => void;
  /** Training steps of the 'soak' mode (memory over a long run). */
  soakSteps?: number;
  /** Also time every kernel of each measured step and emit a 'profile' line. */
  profile?: boolean;
  /** The machine's 1-minute load average, added to each line as `loadavg1` (Node: os.loadavg). */
  loadavg?: () => number;
  /** Resident memory in bytes, for the 'soak' mode's start and end (Node: process.memoryUsage().rss). */
  residentBytes?: () => number;
  /** fovea's version for the 'info' line (Node reads it from package.json; version.ts). */
  version?: string;
}

/**
 * Runs every selected workload x mode on the active backend and emits the
 * harness's JSON lines: first an 'info' line (version, backend), then one
 * line per measurement, or `{ …, error }` where a measurement failed.
 *
 * Shape: train and infer run on [settings.train_batch / infer_batch, C, H, W]
 * random normal inputs (fixed seeds), latency on [latency_batch, C, H, W].
 * @example
 * runBench({ spec, workloads: ['lenet'], modes: ['infer'], budgets: QUICK_BUDGETS, peer: 'fovea', threads: 1,
 *   emit: (line) => console.log(JSON.stringify(line)) });
 */
export function runBench(o: BenchOptions): void {
  const S = o.spec.settings;
  const base = { peer: o.peer, threads: o.threads };
  o.emit({ ...base, mode: 'info', ...(o.version === undefined ? {} : { version: o.version }), backend: getBackend().name });
  for (const name of o.workloads) {
    const w = o.spec.workloads[name];
    if (!w) {
      o.emit({ ...base, workload: name, mode: 'train', error: `unknown workload '${name}'` });
      continue;
    }
    const flops = forwardFlops(w);
    const size = w.input[0] * w.input[1] * w.input[2];
    const line = (mode: BenchMode, batch: number, st: BenchStats, factor: number): Record<string, unknown> =>
      benchLine({ ...base, workload: name, mode }, batch, st, flops, factor, o.loadavg?.());
    for (const mode of o.modes) {
      try {
        if (mode === 'train') {
          const model = fromWorkload(w.layers);
          const opt = new SGD(model.parameters(), { lr: S.lr, momentum: S.momentum });
          const { x: pixels, labels: y } = benchBatch(w, S.train_batch);
          const x = new Tensor(pixels, [S.train_batch, ...w.input]);
          const step = (): void => {
            scope(() => {
              opt.zeroGrad(false);
              const loss = crossEntropy(model.forward(x), y);
              loss.backward();
              opt.step();
              loss.item();
            });
          };
          o.emit(line('train', S.train_batch, measureCalls(step, o.budgets.trainS, o.budgets), 3));
          if (o.profile) o.emit({ ...base, workload: name, mode: 'profile', of: 'train', batch: S.train_batch, ...profileLine(step) });
        } else if (mode === 'infer' || mode === 'latency') {
          const batch = mode === 'infer' ? S.infer_batch : S.latency_batch;
          const model = fromWorkload(w.layers).eval();
          const x = new Tensor(benchBatch(w, batch).x, [batch, ...w.input]);
          const fwd = (): void => {
            noGrad(() => scope(() => void model.forward(x).data[0]));
          };
          o.emit(line(mode, batch, measureCalls(fwd, mode === 'infer' ? o.budgets.inferS : o.budgets.latencyS, o.budgets), 1));
          if (o.profile) o.emit({ ...base, workload: name, mode: 'profile', of: mode, batch, ...profileLine(fwd) });
        } else if (mode === 'soak') {
          o.emit({ ...base, ...soak(w, S, o.soakSteps ?? 10000, o.residentBytes), workload: name, mode: 'soak' });
        } else if (mode === 'sanity' && name === S.sanity.workload) {
          const model = fromWorkload(w.layers);
          const opt = new SGD(model.parameters(), { lr: S.lr, momentum: S.momentum });
          const b = S.sanity.batch;
          const x = new Tensor(randomInputs(b * size, 4321), [b, ...w.input]);
          const y = randomLabels(b, w.classes, 4322);
          const losses: number[] = [];
          const t0 = performance.now();
          for (let s = 0; s < S.sanity.steps && performance.now() - t0 < o.budgets.sanityMaxS * 1000; s++) {
            losses.push(scope(() => {
              opt.zeroGrad(false);
              const loss = crossEntropy(model.forward(x), y);
              loss.backward();
              opt.step();
              return loss.item();
            }));
          }
          const first = losses[0] ?? NaN, last = losses[losses.length - 1] ?? NaN;
          o.emit({ ...base, mode: 'sanity', workload: name, batch: b, steps: losses.length, initial_loss: round(first), final_loss: round(last),
            pass: last < first * S.sanity.pass_if_final_below_fraction_of_initial });
        }
      } catch (e) {
        o.emit({ ...base, workload: name, mode, error: (e as Error).message });
      }
    }
  }
}

/**
 * Memory over a long run: `steps` training steps of batch 64 on one batch,
 * resident set size (where the host tells it) and the wasm heap at the start (after 100 warm-up
 * steps) and at the end. Flat memory means the two agree.
 */
function soak(w: Workload, S: WorkloadFile['settings'], steps: number, residentBytes?: () => number): Record<string, unknown> {
  const model = fromWorkload(w.layers);
  const opt = new SGD(model.parameters(), { lr: S.lr, momentum: S.momentum });
  const size = w.input[0] * w.input[1] * w.input[2];
  const x = new Tensor(randomInputs(S.train_batch * size, 99), [S.train_batch, ...w.input]);
  const y = randomLabels(S.train_batch, w.classes, 98);
  const step = (): number => scope(() => {
    opt.zeroGrad(false);
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  });
  const mb = (b: number): number => round(b / 2 ** 20, 4);
  const heap = (): number => (getBackend() as { heap?: { highWater: number } }).heap?.highWater ?? 0;
  for (let i = 0; i < 100; i++) step();
  const rss0 = residentBytes?.(), heap0 = heap();
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = step();
  return {
    steps, seconds: round((performance.now() - t0) / 1000), final_loss: round(loss),
    ...(rss0 === undefined || !residentBytes ? {} : { rss_start_mb: mb(rss0), rss_end_mb: mb(residentBytes()) }),
    wasm_heap_start_mb: mb(heap0), wasm_heap_end_mb: mb(heap()),
  };
}

function profileLine(fn: () => void): Record<string, unknown> {
  const p = profileKernels(fn, 10);
  return {
    ms_per_call: round(p.totalMs),
    kernels: p.kernels.slice(0, 12).map((k) => ({ kernel: k.kernel, detail: k.detail, ms: round(k.msPerCall, 3), share: round(k.share, 3) })),
  };
}
