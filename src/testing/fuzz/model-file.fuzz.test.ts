// The fuzz suite, .fovea model files: see model-file.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: damaged and crafted .fovea files load as a working model or are refused cleanly', (t) =>
  fuzzTest(t, 'model files', new URL('./model-file.cases.js', import.meta.url)));
