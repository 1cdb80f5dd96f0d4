#!/usr/bin/env node
// fovea as a peer of the side-by-side harness in ../shared/bench (see its README,
// "Adding a peer"). The harness runs this from its own folder, e.g. in peers.txt:
//   fovea-t1   node $FOVEA_DIR/bench/peer.mjs --threads 1 --name fovea-t1
//   fovea-t2   node $FOVEA_DIR/bench/peer.mjs --threads 2 --name fovea-t2
//   fovea-js   node $FOVEA_DIR/bench/peer.mjs --backend js --name fovea-js
// It reads the harness's workloads.json (falling back to the copy beside this
// file), the BENCH_* budgets and BENCH_MODES / BENCH_WORKLOADS from the
// environment, and prints the harness's JSON lines on stdout.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const dist = new URL('../dist/bench/run-bench.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('fovea is not built: run `npm install` (or `npm run build`) in the fovea checkout first');
  process.exit(1);
}
const { runBench } = await import(dist.href);
const { DEFAULT_BUDGETS } = await import(new URL('../dist/bench/measure.js', import.meta.url).href);
const { nodeBenchHost } = await import(new URL('../dist/bench/node-host.js', import.meta.url).href);
const { configureBackend } = await import(new URL('../dist/backend/configure.js', import.meta.url).href);

const { values } = parseArgs({ options: { threads: { type: 'string' }, name: { type: 'string' }, backend: { type: 'string' } }, strict: false });
const harnessSpec = resolve(process.cwd(), 'workloads.json');
const specPath = existsSync(harnessSpec) ? harnessSpec : new URL('./workloads.json', import.meta.url);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const env = (k, d) => (process.env[k] !== undefined && process.env[k] !== '' ? Number(process.env[k]) : d);
const modes = (process.env.BENCH_MODES || 'train,infer,latency,sanity').split(',').filter((m) => m !== 'probe');
const workloads = process.env.BENCH_WORKLOADS ? process.env.BENCH_WORKLOADS.split(',') : Object.keys(spec.workloads);
// --threads N (default 1, like the other single-threaded peers); --backend js|wasm (default wasm)
const { backend, threads } = configureBackend({ backend: values.backend ?? 'wasm', threads: Number(values.threads ?? 1) });
console.error(`fovea peer: backend ${backend}, ${threads} thread(s)`);

runBench({
  spec,
  workloads,
  modes,
  budgets: {
    trainS: env('BENCH_TRAIN_S', DEFAULT_BUDGETS.trainS),
    inferS: env('BENCH_INFER_S', DEFAULT_BUDGETS.inferS),
    latencyS: env('BENCH_LAT_S', DEFAULT_BUDGETS.latencyS),
    maxS: env('BENCH_MAX_S', DEFAULT_BUDGETS.maxS),
    warmupS: env('BENCH_WARMUP_S', DEFAULT_BUDGETS.warmupS),
    minIters: env('BENCH_MIN_ITERS', DEFAULT_BUDGETS.minIters),
    sanityMaxS: env('BENCH_SANITY_MAX_S', DEFAULT_BUDGETS.sanityMaxS),
  },
  peer: values.name ?? 'fovea',
  threads,
  emit: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  ...nodeBenchHost,
});
