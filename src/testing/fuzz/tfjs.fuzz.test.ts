// The fuzz suite, tfjs: see tfjs.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: mutated TF.js model.json, weights and metadata import correctly or are refused cleanly', (t) =>
  fuzzTest(t, 'tfjs', new URL('./tfjs.cases.js', import.meta.url)));
