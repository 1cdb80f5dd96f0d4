/**
 * What the benchmark asks of its host that only Node can tell: the machine's
 * load average (each line's `loadavg1`), the process's resident memory
 * (the 'soak' mode) and fovea's version (read from package.json). `fovea bench` and bench/peer.mjs pass these to runBench.
 */
import { loadavg } from 'node:os';
import { FOVEA_VERSION } from '../version.js';
import type { BenchOptions } from './run-bench.js';

/**
 * Node's answers to runBench's host questions.
 * @example
 * runBench({ spec, workloads: ['lenet'], modes: ['train'], budgets: DEFAULT_BUDGETS, peer: 'fovea', threads: 2, emit, ...nodeBenchHost });
 */
export const nodeBenchHost: Required<Pick<BenchOptions, 'loadavg' | 'residentBytes' | 'version'>> = {
  loadavg: () => loadavg()[0] ?? 0,
  residentBytes: () => process.memoryUsage().rss,
  version: FOVEA_VERSION,
};
