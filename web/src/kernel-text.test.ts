import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatKernel, KERNEL_PRESETS, parseKernel } from './kernel-text.js';

const ok = (r: ReturnType<typeof parseKernel>): number[] => {
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.ok ? Array.from(r.weights) : [];
};

test('rows of numbers in any common spelling: spaces, commas, brackets, semicolons, fractions', () => {
  const sobel = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
  assert.deepEqual(ok(parseKernel('-1 0 1\n-2 0 2\n-1 0 1', 1, 3, 3)), sobel);
  assert.deepEqual(ok(parseKernel('[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]', 1, 3, 3)), sobel);
  assert.deepEqual(ok(parseKernel('-1,0,1; -2,0,2; -1,0,1', 1, 3, 3)), sobel);
  assert.deepEqual(ok(parseKernel('1/4 1/4\n1/4 1/4', 1, 2, 2)), [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual(ok(parseKernel('1e-1 -2.5e0', 1, 1, 2)).map((v) => Math.round(v * 100) / 100), [0.1, -2.5]);
});

test('a smaller kernel is centred in the filter with zeros around it', () => {
  const w = ok(parseKernel(KERNEL_PRESETS['Sobel x (vertical edges)']!, 1, 5, 5));
  assert.deepEqual(w.slice(5, 10), [0, -1, 0, 1, 0]);
  assert.deepEqual(w.slice(0, 5), [0, 0, 0, 0, 0]);
  assert.equal(w.reduce((s, v) => s + Math.abs(v), 0), 8);
});

test('one block serves every input channel; one block per channel is taken as given', () => {
  assert.deepEqual(ok(parseKernel('1 2\n3 4', 2, 2, 2)), [1, 2, 3, 4, 1, 2, 3, 4]);
  assert.deepEqual(ok(parseKernel('1 2\n3 4\n\n5 6\n7 8', 2, 2, 2)), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('what does not fit is refused with a reason', () => {
  const msg = (r: ReturnType<typeof parseKernel>): string => (r.ok ? 'ok' : r.message);
  assert.match(msg(parseKernel('', 1, 3, 3)), /type a kernel/);
  assert.match(msg(parseKernel('1 x 3', 1, 1, 3)), /line 1: 'x' is not a number/);
  assert.match(msg(parseKernel('1 2\n3', 1, 2, 2)), /same number of values/);
  assert.match(msg(parseKernel('1 2\n3 4', 1, 5, 5)), /does not fit this 5x5 filter/);
  assert.match(msg(parseKernel('1 2 3 4 5 6', 1, 5, 5)), /does not fit/);
  assert.match(msg(parseKernel('1\n\n2\n\n3', 2, 1, 1)), /got 3 blocks/);
});

test('formatKernel writes what parseKernel reads back', () => {
  const w = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => (i - 7) / 3);
  const text = formatKernel(w, 2, 3, 3);
  assert.equal(text.split('\n\n').length, 2);
  const back = ok(parseKernel(text, 2, 3, 3));
  back.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) < 1e-3));
});
