// The fuzz runner itself: each kind of failure is reported as what it is, and
// the run goes on after a hang (the worker is replaced).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from './run-fuzz.js';

test('the runner reports crashes, lies, leaked internals and hangs, and goes on after each', async () => {
  const r = await runFuzz('self-test', new URL('./self-test.cases.js', import.meta.url), { seed: 1, rounds: 1, caseTimeoutMs: 2000 });
  assert.equal(r.inputs, 8);
  assert.equal(r.errors, 1);
  assert.equal(r.results, 1);
  assert.deepEqual(r.failures.map((f) => [f.name, f.kind]), [
    ['crash', 'crash'],
    ['accepted what must be refused', 'lie'],
    ['leaks an internal', 'lie'],
    ['does not name the file', 'lie'],
    ['hang', 'hang'],
    ['wrong result', 'lie'],
  ]);
  assert.match(r.failures[0]!.detail, /^TypeError: Cannot read properties of null/);
  assert.match(r.failures[2]!.detail, /leaks an internal \('is not a function'\)/);
  assert.match(r.failures[4]!.detail, /no answer in 2 s/);
});
