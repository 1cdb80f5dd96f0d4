/**
 * `fovea bench`: the peer harness's workloads, one JSON line per measurement.
 */
import { budgetsOf, DEFAULT_BUDGETS, QUICK_BUDGETS } from '../../bench/measure.js';
import { nodeBenchHost } from '../../bench/node-host.js';
import { BENCH_MODES, runBench } from '../../bench/run-bench.js';
import { readWorkloadFile } from '../../bench/workload-file.js';
import { UsageError } from '../cli-error.js';
import { flag, helpPage, parseFlags } from '../flags.js';
import { applyBackend, backendFlags } from '../options.js';

export const benchFlags = {
  workloads: flag.list('string', { default: ['lenet', 'convnet', 'cifar'], help: 'comma list' }),
  modes: flag.list(BENCH_MODES, { default: ['train', 'infer', 'latency'], help: BENCH_MODES.join(',') }),
  steps: flag.int({ min: 1, default: 10000, help: 'training steps of the soak mode (memory over a long run)' }),
  profile: flag.boolean({ help: "also print a 'profile' line per measurement: milliseconds per kernel and shape" }),
  spec: flag.string({ arg: 'FILE', help: 'a workloads.json (default: the copy in this package)' }),
  quick: flag.boolean({ help: "the peer harness's QUICK=1 budgets: train 1 s, infer 0.5 s, latency 0.3 s, cap 5 s" }),
  'train-s': flag.number({ above: 0, help: `timing budget per train measurement in seconds (default ${DEFAULT_BUDGETS.trainS}; ${QUICK_BUDGETS.trainS} with --quick)` }),
  'infer-s': flag.number({ above: 0, help: `per infer measurement (default ${DEFAULT_BUDGETS.inferS}; ${QUICK_BUDGETS.inferS} with --quick)` }),
  'latency-s': flag.number({ above: 0, help: `per latency measurement (default ${DEFAULT_BUDGETS.latencyS}; ${QUICK_BUDGETS.latencyS} with --quick)` }),
  'max-s': flag.number({ above: 0, help: `cap per measurement (default ${DEFAULT_BUDGETS.maxS}; ${QUICK_BUDGETS.maxS} with --quick)` }),
  ...backendFlags,
  peer: flag.string({ arg: 'NAME', default: 'fovea', help: 'the "peer" field of each line' }),
};

export const benchHelp = helpPage({
  usage: 'fovea bench [options]',
  flags: benchFlags,
  about: `Times the benchmark workloads (lenet, convnet, cifar of ../shared/bench) and prints
one JSON line per measurement, in the shape of the peer harness.`,
});

export async function benchCommand(argv: string[]): Promise<void> {
  const { values: v } = parseFlags('bench', benchFlags, argv);
  const specPath = v.spec ?? new URL('../../../bench/workloads.json', import.meta.url).pathname;
  const spec = readWorkloadFile(specPath);
  const unknown = v.workloads.filter((w) => !(w in spec.workloads));
  if (unknown.length) throw new UsageError(`--workloads: unknown '${unknown.join(', ')}'; ${specPath} has ${Object.keys(spec.workloads).join(', ')}`);
  const { threads } = await applyBackend(v);
  runBench({
    spec,
    workloads: v.workloads,
    modes: v.modes,
    budgets: budgetsOf(v.quick, { trainS: v.trainS, inferS: v.inferS, latencyS: v.latencyS, maxS: v.maxS }),
    soakSteps: v.steps,
    profile: v.profile,
    peer: v.peer,
    threads,
    emit: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
    ...nodeBenchHost,
  });
}
