/**
 * The benchmark behind `fovea bench` and bench/peer.mjs: the fixed workloads
 * of the peer harness (../shared/bench/workloads.json), timed with the
 * harness's rules (warm-up, then repeated calls until a time budget, median
 * per batch), printed as one JSON line per measurement in the harness's shape.
 */
import { loadavg } from 'node:os';
import { fromWorkload, type WorkloadLayer } from '../nn/models.js';
import { SGD } from '../optim/sgd.js';
import { Generator } from '../util/random.js';
import { noGrad } from '../tensor/grad-mode.js';
import { crossEntropy } from '../tensor/ops/loss.js';
import { scope } from '../tensor/scope.js';
import { Tensor } from '../tensor/tensor.js';
import { getBackend } from '../backend/configure.js';
import { profileKernels } from './profile.js';
import { FOVEA_VERSION } from '../version.js';

export interface Workload {
  input: [number, number, number];
  classes: number;
  layers: WorkloadLayer[];
}

export interface WorkloadFile {
  settings: { train_batch: number; infer_batch: number; latency_batch: number; lr: number; momentum: number;
    sanity: { workload: string; batch: number; steps: number; pass_if_final_below_fraction_of_initial: number } };
  workloads: Record<string, Workload>;
}

export interface Budgets {
  trainS: number; inferS: number; latencyS: number; maxS: number; warmupS: number; minIters: number; sanityMaxS: number;
}

export const DEFAULT_BUDGETS: Budgets = { trainS: 5, inferS: 3, latencyS: 2, maxS: 20, warmupS: 0.5, minIters: 3, sanityMaxS: 30 };

/** What a measurement times. */
export const MODES = ['train', 'infer', 'latency', 'sanity', 'soak'] as const;
export type Mode = (typeof MODES)[number];

/** Forward FLOPs per image: 2 x multiply-adds of conv and linear layers (the harness's count). */
export function forwardFlops(w: Workload): number {
  let [c, h, wd] = w.input;
  let flat = 0;
  let flops = 0;
  for (const l of w.layers) {
    if (l.type === 'conv2d') {
      const ho = h + 2 * (l.pad ?? 0) - l.kernel! + 1;
      const wo = wd + 2 * (l.pad ?? 0) - l.kernel! + 1;
      flops += 2 * l.out! * ho * wo * l.in! * l.kernel! * l.kernel!;
      [c, h, wd] = [l.out!, ho, wo];
    } else if (l.type === 'maxpool') {
      h = Math.floor(h / (l.size ?? 2));
      wd = Math.floor(wd / (l.size ?? 2));
    } else if (l.type === 'flatten') flat = c * h * wd;
    else if (l.type === 'linear') {
      flops += 2 * l.in! * l.out!;
      flat = l.out!;
    }
  }
  void flat;
  return flops;
}

interface Stats { medianMs: number; meanMs: number; minMs: number; iters: number; timedS: number }

/** Warm up (3 calls or warmupS), then time calls until minTime and minIters, or maxTime in all. */
export function measure(fn: () => void, minTime: number, b: Budgets): Stats {
  const t0 = performance.now();
  let warm = 0;
  do { fn(); warm++; } while (warm < 3 && performance.now() - t0 < b.warmupS * 1000);
  const t1 = performance.now();
  const times: number[] = [];
  for (;;) {
    const a = performance.now();
    fn();
    const e = performance.now();
    times.push(e - a);
    if (((e - t1) / 1000 >= minTime && times.length >= b.minIters) || (e - t0) / 1000 >= b.maxS) break;
  }
  const sorted = [...times].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    medianMs: median, meanMs: times.reduce((x, y) => x + y, 0) / times.length, minMs: sorted[0]!,
    iters: times.length, timedS: (performance.now() - t1) / 1000,
  };
}

const round = (x: number, sig = 4): number => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(sig)));

function randomInputs(n: number, seed: number): Float32Array {
  const g = new Generator(seed);
  return Float32Array.from({ length: n }, () => g.normal());
}

function randomLabels(n: number, classes: number, seed: number): Int32Array {
  const g = new Generator(seed);
  return Int32Array.from({ length: n }, () => g.randint(classes));
}

export interface BenchOptions {
  spec: WorkloadFile;
  workloads: string[];
  modes: Mode[];
  budgets: Budgets;
  peer: string;
  threads: number;
  emit: (line: Record<string, unknown>) => void;
  /** Training steps of the 'soak' mode (memory over a long run). */
  soakSteps?: number;
  /** Also time every kernel of each measured step and emit a 'profile' line. */
  profile?: boolean;
}

/** Runs every selected workload x mode and emits the harness's JSON lines. */
export function runBench(o: BenchOptions): void {
  const S = o.spec.settings;
  const base = { peer: o.peer, threads: o.threads };
  o.emit({ ...base, mode: 'info', version: FOVEA_VERSION, backend: getBackend().name });
  for (const name of o.workloads) {
    const w = o.spec.workloads[name];
    if (!w) {
      o.emit({ ...base, workload: name, mode: 'train', error: `unknown workload '${name}'` });
      continue;
    }
    const flops = forwardFlops(w);
    const size = w.input[0] * w.input[1] * w.input[2];
    const line = (mode: Mode, batch: number, st: Stats, factor: number): Record<string, unknown> => {
      const ips = batch / (st.medianMs / 1000);
      return {
        ...base, workload: name, mode, batch, images_per_s: round(ips), ms_per_batch: round(st.medianMs),
        mean_ms_per_batch: round(st.meanMs), min_ms_per_batch: round(st.minMs), iters: st.iters,
        timed_s: round(st.timedS, 3), gflops: round((ips * flops * factor) / 1e9), loadavg1: round(loadavg()[0] ?? 0, 2),
      };
    };
    for (const mode of o.modes) {
      try {
        if (mode === 'train') {
          const model = fromWorkload(w.layers);
          const opt = new SGD(model.parameters(), { lr: S.lr, momentum: S.momentum });
          const x = new Tensor(randomInputs(S.train_batch * size, 1234), [S.train_batch, ...w.input]);
          const y = randomLabels(S.train_batch, w.classes, 1235);
          const step = (): void => {
            scope(() => {
              opt.zeroGrad(false);
              const loss = crossEntropy(model.forward(x), y);
              loss.backward();
              opt.step();
              loss.item();
            });
          };
          o.emit(line('train', S.train_batch, measure(step, o.budgets.trainS, o.budgets), 3));
          if (o.profile) o.emit({ ...base, workload: name, mode: 'profile', of: 'train', batch: S.train_batch, ...profileLine(step) });
        } else if (mode === 'infer' || mode === 'latency') {
          const batch = mode === 'infer' ? S.infer_batch : S.latency_batch;
          const model = fromWorkload(w.layers).eval();
          const x = new Tensor(randomInputs(batch * size, 1234), [batch, ...w.input]);
          const fwd = (): void => {
            noGrad(() => scope(() => void model.forward(x).data[0]));
          };
          o.emit(line(mode, batch, measure(fwd, mode === 'infer' ? o.budgets.inferS : o.budgets.latencyS, o.budgets), 1));
          if (o.profile) o.emit({ ...base, workload: name, mode: 'profile', of: mode, batch, ...profileLine(fwd) });
        } else if (mode === 'soak') {
          o.emit({ ...base, ...soak(w, S, o.soakSteps ?? 10000), workload: name, mode: 'soak' });
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
 * resident set size (and the wasm heap) at the start (after 100 warm-up
 * steps) and at the end. Flat memory means the two agree.
 */
function soak(w: Workload, S: WorkloadFile['settings'], steps: number): Record<string, unknown> {
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
  const rss0 = process.memoryUsage().rss, heap0 = heap();
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = step();
  return {
    steps, seconds: round((performance.now() - t0) / 1000), final_loss: round(loss),
    rss_start_mb: mb(rss0), rss_end_mb: mb(process.memoryUsage().rss), wasm_heap_start_mb: mb(heap0), wasm_heap_end_mb: mb(heap()),
  };
}

function profileLine(fn: () => void): Record<string, unknown> {
  const p = profileKernels(fn, 10);
  return {
    ms_per_call: round(p.totalMs),
    kernels: p.kernels.slice(0, 12).map((k) => ({ kernel: k.kernel, detail: k.detail, ms: round(k.msPerCall, 3), share: round(k.share, 3) })),
  };
}
