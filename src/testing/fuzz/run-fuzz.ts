/**
 * The fuzz runner: one category's cases in a worker thread, each case under
 * a timeout (a hang), the worker's heap capped (out of memory), a worker that
 * dies or is stopped replaced by a fresh one that continues with the next
 * case. Seeded: FOVEA_FUZZ_SEED (default 14) and FOVEA_FUZZ_ROUNDS (default
 * 1; `npm run fuzz` runs more) choose the inputs, so a failure reproduces.
 */
import { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Verdict } from './fuzz-case.js';
import type { WorkerInput, WorkerMessage } from './fuzz-worker.js';

export interface FuzzReport {
  category: string;
  seed: number;
  rounds: number;
  /** Inputs tried. */
  inputs: number;
  /** Refused with a clean error. */
  errors: number;
  /** Accepted with a correct result. */
  results: number;
  failures: { name: string; kind: string; detail: string }[];
}

export const fuzzSeed = (): number => Number(process.env['FOVEA_FUZZ_SEED'] ?? 14);
export const fuzzRounds = (): number => Math.max(1, Number(process.env['FOVEA_FUZZ_ROUNDS'] ?? 1));

/** Runs the cases that `moduleUrl` exports (as `cases(random, rounds)`). */
export async function runFuzz(category: string, moduleUrl: URL, o: { seed?: number; rounds?: number; caseTimeoutMs?: number } = {}): Promise<FuzzReport> {
  const seed = o.seed ?? fuzzSeed(), rounds = o.rounds ?? fuzzRounds(), timeout = o.caseTimeoutMs ?? 20_000;
  const report: FuzzReport = { category, seed, rounds, inputs: 0, errors: 0, results: 0, failures: [] };
  const record = (name: string, v: Verdict): void => {
    report.inputs++;
    if (v.kind === 'error') report.errors++;
    else if (v.kind === 'result') report.results++;
    else report.failures.push({ name, kind: v.kind, detail: 'detail' in v ? v.detail : '' });
  };
  let startAt = 0;
  for (;;) {
    const ended = await new Promise<boolean>((resolve) => {
      const input: WorkerInput = { module: moduleUrl.href, seed, rounds, startAt };
      const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData: input, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
      let current: { i: number; name: string } | null = null, timer: NodeJS.Timeout | undefined, settled = false;
      const finish = (end: boolean, v?: Verdict): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (v && current) {
          record(current.name, v);
          startAt = current.i + 1;
        } else if (v) report.failures.push({ name: `(between cases, after ${startAt} inputs)`, kind: v.kind, detail: 'detail' in v ? v.detail : '' });
        void worker.terminate();
        resolve(end || (v !== undefined && current === null));
      };
      // Between cases (starting the worker, building the next input) the clock runs too: a worker
      // stuck there (every libuv thread blocked on a FIFO, say) is a hang, not a silent stall.
      const between = (): void => {
        timer = setTimeout(() => finish(false, { kind: 'hang', detail: `no sign of life for ${(3 * timeout) / 1000} s between cases` }), 3 * timeout);
      };
      between();
      worker.on('message', (m: WorkerMessage) => {
        clearTimeout(timer);
        if (m.type === 'start') {
          current = { i: m.i, name: m.name };
          timer = setTimeout(() => finish(false, { kind: 'hang', detail: `no answer in ${timeout / 1000} s` }), timeout);
        } else if (m.type === 'done') {
          current = null;
          record(m.name, m.verdict);
          startAt = m.i + 1;
          between();
        } else finish(true);
      });
      worker.on('error', (e: Error & { code?: string }) => {
        const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(false, { kind: oom ? 'oom' : 'crash', detail: `the worker died: ${e.message}`.slice(0, 300) });
      });
      worker.on('exit', () => finish(false, { kind: 'crash', detail: 'the worker exited in the middle of a case' }));
    });
    if (ended) return report;
  }
}

/** Runs a category as a test: its figures as a diagnostic line, every failure listed if any. */
export async function fuzzTest(t: TestContext, category: string, moduleUrl: URL, o: { caseTimeoutMs?: number } = {}): Promise<void> {
  const r = await runFuzz(category, moduleUrl, o);
  t.diagnostic(`fuzz ${category} (seed ${r.seed}, ${r.rounds} round${r.rounds === 1 ? '' : 's'}): ${r.inputs} inputs, ${r.errors} clean errors, ${r.results} correct results, ${r.failures.length} failures`);
  assert.ok(r.inputs > 0, 'no inputs were tried');
  assert.deepEqual(r.failures.map((f) => `${f.kind}: ${f.name}: ${f.detail}`), [], `${category}: ${r.failures.length} of ${r.inputs} inputs failed`);
}
