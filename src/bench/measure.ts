/**
 * The peer harness's timing rules (../shared/bench/lib/common.mjs), in one
 * place for every fovea benchmark: `fovea bench`, bench/peer.mjs, and the
 * browser page of `npm run bench:web`, which times fovea and TF.js's wasm
 * backend with these same rules. Platform-free: no Node built-in.
 */

/** Time budgets in seconds (and the fewest timed calls) of one measurement. */
export interface Budgets {
  trainS: number; inferS: number; latencyS: number; maxS: number; warmupS: number; minIters: number; sanityMaxS: number;
}

/** The harness's full budgets (its defaults: `run-all.sh` without QUICK). */
export const DEFAULT_BUDGETS: Budgets = { trainS: 5, inferS: 3, latencyS: 2, maxS: 20, warmupS: 0.5, minIters: 3, sanityMaxS: 30 };

/** The harness's `QUICK=1` budgets: train 1 s, infer 0.5 s, latency 0.3 s, cap 5 s. */
export const QUICK_BUDGETS: Budgets = { trainS: 1, inferS: 0.5, latencyS: 0.3, maxS: 5, warmupS: 0.3, minIters: 3, sanityMaxS: 15 };

/**
 * The full or QUICK budgets with some of them set by hand (`fovea bench
 * --quick --train-s 2`): a budget left undefined keeps its preset.
 * @example
 * budgetsOf(true, { trainS: 2 }); // QUICK_BUDGETS with a 2 s training budget
 */
export function budgetsOf(quick: boolean, set: { trainS?: number | undefined; inferS?: number | undefined; latencyS?: number | undefined; maxS?: number | undefined } = {}): Budgets {
  const b = quick ? QUICK_BUDGETS : DEFAULT_BUDGETS;
  return { ...b, trainS: set.trainS ?? b.trainS, inferS: set.inferS ?? b.inferS, latencyS: set.latencyS ?? b.latencyS, maxS: set.maxS ?? b.maxS };
}

/** Milliseconds per call of one measurement. */
export interface BenchStats { medianMs: number; meanMs: number; minMs: number; iters: number; timedS: number }

/**
 * Times `fn` with the harness's rules: warm-up (at least one call, up to 3
 * calls or `budgets.warmupS`), then one timed call after another until
 * `minTimeS` of timed calls and `budgets.minIters` calls, or `budgets.maxS`
 * in all. `fn` must finish its work (read its result back) before returning.
 * @example
 * const st = measureCalls(() => void model.forward(x).data[0], QUICK_BUDGETS.inferS, QUICK_BUDGETS);
 * st.medianMs; // milliseconds per call, the median of st.iters timed calls
 */
export function measureCalls(fn: () => void, minTimeS: number, budgets: Budgets): BenchStats {
  const t0 = performance.now();
  let warm = 0;
  do { fn(); warm++; } while (warm < 3 && performance.now() - t0 < budgets.warmupS * 1000);
  const t1 = performance.now();
  const times: number[] = [];
  for (;;) {
    const a = performance.now();
    fn();
    const e = performance.now();
    times.push(e - a);
    if (((e - t1) / 1000 >= minTimeS && times.length >= budgets.minIters) || (e - t0) / 1000 >= budgets.maxS) break;
  }
  const sorted = [...times].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    medianMs: median, meanMs: times.reduce((x, y) => x + y, 0) / times.length, minMs: sorted[0]!,
    iters: times.length, timedS: (performance.now() - t1) / 1000,
  };
}

/**
 * `x` to `sig` significant digits (0 and non-finite numbers unchanged), as
 * the benchmark lines print their figures.
 * @example
 * roundSig(21917.33); // 21920
 * roundSig(0.0123456, 3); // 0.0123
 */
export function roundSig(x: number, sig = 4): number {
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(sig));
}

/**
 * One measurement as the harness prints it: `base` (peer, threads, workload,
 * mode) and the batch, images per second and milliseconds per batch of the
 * median call, and GFLOP/s from the forward FLOPs per image times
 * `flopsFactor` (3 for training: forward and backward, 1 for inference).
 * `loadavg1` is added where the platform can tell the machine's load.
 * @example
 * benchLine({ peer: 'fovea', threads: 1, workload: 'lenet', mode: 'infer' }, 64, st, forwardFlops(w), 1);
 * // { peer: 'fovea', …, batch: 64, images_per_s: 21500, ms_per_batch: 2.977, … }
 */
export function benchLine(base: Record<string, unknown>, batch: number, st: BenchStats, flopsPerImage: number, flopsFactor: number,
  loadavg1?: number): Record<string, unknown> {
  const ips = batch / (st.medianMs / 1000);
  return {
    ...base, batch, images_per_s: roundSig(ips), ms_per_batch: roundSig(st.medianMs),
    mean_ms_per_batch: roundSig(st.meanMs), min_ms_per_batch: roundSig(st.minMs), iters: st.iters,
    timed_s: roundSig(st.timedS, 3), gflops: roundSig((ips * flopsPerImage * flopsFactor) / 1e9),
    ...(loadavg1 === undefined ? {} : { loadavg1: roundSig(loadavg1, 2) }),
  };
}
