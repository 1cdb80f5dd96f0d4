import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../errors.js';
import { topK } from './top-k.js';

test('non-finite probabilities are refused: the model output is not finite', () => {
  assert.throws(() => topK([0.2, NaN, 0.5], 2, ['a', 'b', 'c']), (e: unknown) => {
    assert.ok(e instanceof ValueError);
    assert.match(e.message, /1 of the 3 class probabilities are not finite.*the model's output is not finite/);
    return true;
  });
});
