import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellText, negate, readKernels, transpose } from './kernel-cells.js';

test('readKernels: numbers, minus signs and fractions; the bad cell named by filter, row and column', () => {
  assert.deepEqual(readKernels([[['-1', ' 1 '], ['\u22121', '1/4']], [['.5', '2e-1'], ['0', '-3/2']]]).kernels, [[[-1, 1], [-1, 0.25]], [[0.5, 0.2], [0, -1.5]]]);
  const bad = readKernels([[['1', '1'], ['1', '1']], [['1', 'x'], ['1', '1']]]);
  assert.equal(bad.error, "filter 2, row 1, column 2: 'x' is not a number");
  assert.deepEqual([bad.kernels, 'filter' in bad && bad.filter, 'row' in bad && bad.row, 'col' in bad && bad.col], [null, 1, 0, 1]);
  assert.equal(readKernels([[['1', '']]]).error, 'filter 1, row 1, column 2: empty; type a number (0 for none)');
  assert.match(readKernels([[['1/0']]]).error ?? '', /'1\/0' is not a number/);
});

test('negate and transpose turn the vertical-edge filter into the other three', () => {
  const v = [[-1, -1, 1, 1], [-1, -1, 1, 1], [-1, -1, 1, 1], [-1, -1, 1, 1]];
  assert.deepEqual(negate(v), [[1, 1, -1, -1], [1, 1, -1, -1], [1, 1, -1, -1], [1, 1, -1, -1]]);
  assert.deepEqual(transpose(v), [[-1, -1, -1, -1], [-1, -1, -1, -1], [1, 1, 1, 1], [1, 1, 1, 1]]);
  assert.deepEqual(transpose([[1, 2, 3], [4, 5, 6]]), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual([cellText(-1), cellText(1 / 9), cellText(0.5)], ['-1', '0.1111', '0.5']);
});
