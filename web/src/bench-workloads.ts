/**
 * The workloads benchmark page (bench-workloads.html): the peer harness's
 * three fixed workloads (bench/workloads.json: lenet, convnet, cifar) timed
 * in the browser, fovea's wasm backend beside TF.js's wasm backend, with the
 * harness's rules and line shape (fovea's `runBench`, `measureCalls`,
 * `benchLine`). scripts/bench-web.mjs opens it in headless Chromium.
 *
 * Query: `threads` (fovea's wasm threads, default 1; TF.js runs on one), `budgets`
 * (`quick`, the default: the harness's QUICK=1 budgets; or `full`),
 * `workloads` (comma list), `peers` (`fovea,tfjs`, the default, or one).
 *
 * The timing runs in a worker (bench-workloads-worker.ts), as the app's
 * training does. Results: one JSON line per measurement in #result, the array in its
 * data-result attribute once done (data-done), and each line as it comes to
 * `foveaBenchEmit` where the driving script exposes one.
 */
import './styles.css';
import { budgetsOf, checkWorkloadFile, QUICK_BUDGETS, type WorkloadFile } from 'fovea';
import specText from '../../bench/workloads.json?raw';
import { byId } from './dom.js';
import type { BenchReply, BenchRequest } from './bench-workloads-worker.js';

type Line = Record<string, unknown>;

const SPEC_FILE = 'bench/workloads.json';

/** The run's settings from the page's query, or an error naming the parameter. */
function request(spec: WorkloadFile): BenchRequest {
  const q = new URLSearchParams(location.search);
  const threads = Number(q.get('threads') ?? '1');
  if (!Number.isInteger(threads) || threads < 1 || threads > 16) throw new Error(`threads=${q.get('threads')}: expected an integer from 1 to 16`);
  const b = q.get('budgets') ?? 'quick';
  if (b !== 'quick' && b !== 'full') throw new Error(`budgets=${b}: expected quick or full`);
  const budgets = budgetsOf(b === 'quick');
  const workloads = q.get('workloads')?.split(',') ?? Object.keys(spec.workloads);
  const unknown = workloads.filter((w) => !(w in spec.workloads));
  if (unknown.length) throw new Error(`workloads=${unknown.join(',')}: ${SPEC_FILE} has ${Object.keys(spec.workloads).join(', ')}`);
  const peers = q.get('peers')?.split(',') ?? ['fovea', 'tfjs'];
  const badPeer = peers.filter((p) => p !== 'fovea' && p !== 'tfjs');
  if (badPeer.length) throw new Error(`peers=${badPeer.join(',')}: expected fovea, tfjs or both`);
  return { spec, threads, budgets, workloads, peers };
}

async function main(): Promise<void> {
  const result = byId('result');
  const lines: Line[] = [];
  const emit = (line: Line): void => {
    lines.push(line);
    result.textContent = lines.map((l) => JSON.stringify(l)).join('\n');
    (globalThis as { foveaBenchEmit?: (l: Line) => unknown }).foveaBenchEmit?.(line);
  };
  try {
    if (!crossOriginIsolated) throw new Error('this page is not cross-origin isolated (no SharedArrayBuffer): open it from `fovea serve` or `npm run dev:web`');
    const r = request(checkWorkloadFile(JSON.parse(specText), SPEC_FILE));
    byId('settings').textContent = `${r.threads} thread(s), ${r.budgets.trainS === QUICK_BUDGETS.trainS ? 'quick' : 'full'} budgets, ${r.workloads.join(', ')}`;
    const worker = new Worker(new URL('./bench-workloads-worker.ts', import.meta.url), { type: 'module', name: 'fovea-bench' });
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<BenchReply>): void => ('line' in e.data ? emit(e.data.line) : resolve());
      worker.onerror = (e): void => reject(new Error(`the benchmark worker failed: ${e.message}`));
      worker.postMessage(r);
    });
    worker.terminate();
  } catch (e) {
    emit({ mode: 'info', error: (e as Error).message });
  }
  result.dataset['result'] = JSON.stringify(lines);
  result.dataset['done'] = '1';
}

await main();
