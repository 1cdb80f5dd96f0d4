/**
 * `fovea bench`: the peer harness's workloads, one JSON line per measurement.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_BUDGETS, runBench, type Mode, type WorkloadFile } from '../../bench/run-bench.js';
import { configureBackend } from '../../backend/configure.js';
import { UsageError } from '../cli-error.js';
import { num, parse, positive, str, type Options } from '../options.js';

export const benchHelp = `fovea bench [options]

Times the benchmark workloads (lenet, convnet, cifar of ../shared/bench) and prints
one JSON line per measurement, in the shape of the peer harness.

  --workloads LIST   comma list (default lenet,convnet,cifar)
  --modes LIST       train,infer,latency,sanity,soak (default train,infer,latency)
  --steps N          training steps of the soak mode (memory over a long run; default 10000)
  --profile          also print a 'profile' line per measurement: milliseconds per kernel and shape
  --spec FILE        a workloads.json (default: the copy in this package)
  --train-s X        timing budget per train measurement in seconds (default 5)
  --infer-s X        (default 3)
  --latency-s X      (default 2)
  --max-s X          cap per measurement (default 20)
  --backend NAME     wasm (default where WebAssembly SIMD is available) or js
  --threads N        wasm threads (default: every core)
  --peer NAME        the "peer" field of each line (default fovea)`;

const options: Options = {
  workloads: { type: 'string' }, modes: { type: 'string' }, spec: { type: 'string' },
  'train-s': { type: 'string' }, 'infer-s': { type: 'string' }, 'latency-s': { type: 'string' }, 'max-s': { type: 'string' },
  backend: { type: 'string' }, threads: { type: 'string' }, peer: { type: 'string' }, steps: { type: 'string' }, profile: { type: 'boolean' },
};

export async function benchCommand(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, options, 'bench');
  const specPath = str(v, 'spec', new URL('../../../bench/workloads.json', import.meta.url).pathname);
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as WorkloadFile;
  const modes = str(v, 'modes', 'train,infer,latency').split(',') as Mode[];
  for (const m of modes) if (!['train', 'infer', 'latency', 'sanity', 'soak'].includes(m)) throw new UsageError(`--modes: unknown mode '${m}'`);
  const threadsArg = v['threads'] === undefined ? undefined : num(v, 'threads', 1, (x) => Number.isInteger(x) && x >= 1 && x <= 16);
  const { threads } = configureBackend({
    ...(typeof v['backend'] === 'string' ? { backend: v['backend'] } : {}),
    ...(threadsArg !== undefined ? { threads: threadsArg } : {}),
  });
  runBench({
    spec,
    workloads: str(v, 'workloads', 'lenet,convnet,cifar').split(','),
    modes,
    budgets: {
      ...DEFAULT_BUDGETS,
      trainS: num(v, 'train-s', DEFAULT_BUDGETS.trainS, positive),
      inferS: num(v, 'infer-s', DEFAULT_BUDGETS.inferS, positive),
      latencyS: num(v, 'latency-s', DEFAULT_BUDGETS.latencyS, positive),
      maxS: num(v, 'max-s', DEFAULT_BUDGETS.maxS, positive),
    },
    soakSteps: num(v, 'steps', 10000, (x) => Number.isInteger(x) && x >= 1),
    profile: v['profile'] === true,
    peer: str(v, 'peer', 'fovea'),
    threads,
    emit: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  });
}
