// `npm run fuzz`: the fuzz suite of `npm test` (dist/testing/fuzz), longer:
// more rounds of mutated inputs, under several seeds. Usage:
//   node scripts/fuzz.mjs [--rounds N] [--seeds 14,15,16]
// A failure prints the seed and the input, so FOVEA_FUZZ_SEED=S FOVEA_FUZZ_ROUNDS=N
// node --test dist/testing/fuzz/ reproduces it.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '10' }, seeds: { type: 'string', default: '14,15,16' } } });
const rounds = Number(values.rounds);
const seeds = values.seeds.split(',').map(Number);
if (!(Number.isInteger(rounds) && rounds >= 1) || !seeds.every(Number.isInteger)) {
  console.error(`fuzz: --rounds must be an integer >= 1 and --seeds a comma list of integers, got '${values.rounds}' and '${values.seeds}'`);
  process.exit(2);
}
let failed = 0;
for (const seed of seeds) {
  console.log(`fuzz: seed ${seed}, ${rounds} rounds`);
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', 'dist/testing/fuzz/'], {
    stdio: 'inherit', env: { ...process.env, FOVEA_FUZZ_SEED: String(seed), FOVEA_FUZZ_ROUNDS: String(rounds) },
  });
  if (r.status !== 0) failed++;
}
console.log(failed ? `fuzz: ${failed} of ${seeds.length} seeds had failures` : `fuzz: all ${seeds.length} seeds passed`);
process.exit(failed ? 1 : 0);
