// The fuzz suite, idx: see idx.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: damaged IDX files and gzip bombs parse as declared or are refused cleanly', (t) =>
  fuzzTest(t, 'idx', new URL('./idx.cases.js', import.meta.url)));
