// The command line as a user runs it: a real process, real files, real exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../test/fixtures/images/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-cli-'));
const model = join(dir, 'small.fovea');

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, FOVEA_DATA: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('train --json trains, evaluates on the test set and writes the model file', () => {
  const r = fovea('train', '--model', 'lenet', '--epochs', '2', '--limit', '2000', '--batch-size', '16', '--seed', '7', '--out', model, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.history.length, 2);
  assert.ok(out.history[1].valAccuracy > 0.7, JSON.stringify(out.history));
  assert.equal(out.test.count, 10000);
  assert.ok(out.test.accuracy > 0.7);
  assert.ok(existsSync(model));
  assert.match(r.stderr, /epoch 2\/2 .*val acc/);
});

test('eval reports accuracy, per-class accuracy and the confusion matrix', () => {
  const r = fovea('eval', model, '--json', '--top', '3');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.count, 10000);
  assert.ok(out.accuracy > 0.7 && out.topKAccuracy >= out.accuracy);
  assert.equal(Object.keys(out.perClassAccuracy).length, 10);
  assert.equal(out.confusion.flat().reduce((a: number, b: number) => a + b, 0), 10000);
  const text = fovea('eval', model);
  assert.match(text.stdout, /confusion matrix/);
});

test('predict reads PNG and JPEG and ranks the right digit first', () => {
  const r = fovea('predict', model, join(fixtures, 'digit7.png'), join(fixtures, 'digit7.jpg'), '--top', '3', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.results.length, 2);
  for (const res of out.results) {
    assert.equal(res.top.length, 3);
    assert.equal(res.top[0].class, '7');
    const p = res.top.map((t: { probability: number }) => t.probability);
    assert.ok(p[0] >= p[1] && p[1] >= p[2]);
  }
});

test('summary lists layers, shapes and parameter counts', () => {
  const r = fovea('summary', model, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.totalParameters, 61706);
  assert.deepEqual(out.layers[0], { name: 'features.0', type: 'Conv2d', outputShape: [1, 6, 28, 28], params: 156 });
  assert.match(fovea('summary', '--model', 'classic').stdout, /total parameters/);
});

test('bench prints JSON lines in the peer harness shape', () => {
  const r = fovea('bench', '--workloads', 'lenet', '--modes', 'train,latency', '--train-s', '0.2', '--latency-s', '0.1', '--max-s', '2');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const train = lines.find((l) => l.mode === 'train');
  assert.equal(train.peer, 'fovea');
  assert.equal(train.workload, 'lenet');
  assert.equal(train.batch, 64);
  assert.ok(train.images_per_s > 0 && train.ms_per_batch > 0);
  assert.equal(lines.find((l) => l.mode === 'latency').batch, 1);
});

test('verify checks every kernel and gradient on every backend', () => {
  const r = fovea('verify', '--json');
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  assert.ok(out.backends.includes('js'));
  assert.ok(out.kernels.length >= 30);
  for (const row of out.kernels) for (const b of out.backends) assert.ok(['pass', 'missing'].includes(row[b]), `${row.kernel} on ${b}: ${row[b]}`);
  assert.match(fovea('verify').stdout, /^conv2d\s+pass/m);
});

test('bad input gets a clear message and a non-zero exit code', () => {
  const missing = fovea('eval', join(dir, 'nope.fovea'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.fovea: no such file/);
  const junk = join(dir, 'junk.fovea');
  writeFileSync(junk, 'hello, this is not a model');
  assert.match(fovea('summary', junk).stderr, /junk\.fovea/);
  const noData = fovea('train', '--dataset', 'fashion-mnist', '--data', join(dir, 'empty'));
  assert.equal(noData.code, 1);
  assert.match(noData.stderr, /empty/);
  assert.equal(fovea('frobnicate').code, 2);
  assert.match(fovea('train', '--epochs', 'ten').stderr, /--epochs: expected an integer >= 1, got 'ten'/);
  const notImage = fovea('predict', model, junk);
  assert.equal(notImage.code, 1);
  assert.match(notImage.stderr, /junk\.fovea/);
});
