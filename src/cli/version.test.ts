// One version everywhere: `fovea --version`, the training metadata in a saved
// model file and the bench's info line all say what package.json says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUDGETS } from '../bench/measure.js';
import { nodeBenchHost } from '../bench/node-host.js';
import { runBench } from '../bench/run-bench.js';
import type { WorkloadFile } from '../bench/workload-spec.js';
import { loadModel } from '../io/model-file-node.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, FOVEA_DATA: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('fovea --version prints package.json\'s version', () => {
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  const r = fovea('--version');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${pkg.version}\n`);
});

test('a model saved by fovea train records package.json\'s version', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-version-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'v.fovea');
  const r = fovea('train', '--epochs', '1', '--limit', '256', '--no-report', '--out', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(loadModel(out).meta.training?.['fovea'], pkg.version);
});

test('the bench\'s info line carries package.json\'s version', () => {
  const lines: Record<string, unknown>[] = [];
  const spec = JSON.parse(readFileSync(new URL('../../bench/workloads.json', import.meta.url), 'utf8')) as WorkloadFile;
  runBench({ spec, workloads: [], modes: [], budgets: DEFAULT_BUDGETS, peer: 'fovea', threads: 1, emit: (l) => lines.push(l), ...nodeBenchHost });
  assert.equal(lines.length, 1, JSON.stringify(lines));
  assert.equal(lines[0]!['mode'], 'info');
  assert.equal(lines[0]!['version'], pkg.version);
});
