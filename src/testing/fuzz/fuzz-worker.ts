/**
 * Runs one category's fuzz cases in a worker thread, reporting each case's
 * start and verdict, so the runner in the main thread can time each one out
 * (a hang in synchronous code cannot be interrupted from within) and see an
 * out-of-memory death as what it is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FuzzRandom, judge, type FuzzCase } from './fuzz-case.js';

/** Memory (resident set) above which a case counts as out of memory even if it did not die. */
const RSS_LIMIT = 2 * 2 ** 30;

export interface WorkerInput { module: string; seed: number; rounds: number; startAt: number }
export type WorkerMessage =
  | { type: 'start'; i: number; name: string }
  | { type: 'done'; i: number; name: string; verdict: import('./fuzz-case.js').Verdict }
  | { type: 'end' };

type Cases = (r: FuzzRandom, rounds: number) => Iterable<FuzzCase> | AsyncIterable<FuzzCase>;

const { module, seed, rounds, startAt } = workerData as WorkerInput;
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
const { cases } = (await import(module)) as { cases: Cases };
let i = 0;
for await (const c of cases(new FuzzRandom(seed), rounds)) {
  if (i >= startAt) {
    post({ type: 'start', i, name: c.name });
    let verdict = await judge(c);
    const rss = process.memoryUsage().rss;
    if (rss > RSS_LIMIT) verdict = { kind: 'oom', detail: `resident memory reached ${(rss / 2 ** 30).toFixed(1)} GiB` };
    post({ type: 'done', i, name: c.name, verdict });
  }
  i++;
}
post({ type: 'end' });
