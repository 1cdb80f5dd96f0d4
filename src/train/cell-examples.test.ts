import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellExamples } from './cell-examples.js';

test('CellExamples keeps the N surest examples of each cell, surest first (ties: lower index first), with softmax probabilities', () => {
  const cells = new CellExamples(2, 2);
  // logits [a, b]: predicted 1 whenever b > a; confidence = sigmoid(b - a)
  const logits = Float32Array.of(0, 1, 0, 3, 0, 2, 0, 3, 2, 0, 0, 0.5);
  cells.addBatch(logits, [0, 0, 0, 0, 0, 1], [10, 11, 12, 13, 14, 15]);
  // actual 0 predicted 1: indices 10 (b-a 1), 11 (3), 12 (2), 13 (3): the two surest are 11 and 13, in index order on the tie
  assert.deepEqual(cells.cell(0, 1).map((e) => e.index), [11, 13]);
  assert.deepEqual(cells.cell(0, 0).map((e) => e.index), [14]);
  assert.deepEqual(cells.cell(1, 1).map((e) => e.index), [15]);
  assert.deepEqual(cells.cell(1, 0), []);
  const e = cells.cell(0, 1)[0]!;
  assert.ok(Math.abs(e.confidence - 1 / (1 + Math.exp(-3))) < 1e-6);
  assert.ok(Math.abs(e.probabilities[0]! + e.probabilities[1]! - 1) < 1e-6);
  // a later, surer example pushes the least sure one out
  cells.addBatch(Float32Array.of(0, 5), [0], [20]);
  assert.deepEqual(cells.cell(0, 1).map((e) => e.index), [20, 11]);
  assert.deepEqual(cells.all().map((e) => e.index), [14, 20, 11, 15]);
  assert.throws(() => new CellExamples(2, 0), /perCell must be a positive integer, got 0/);
});
