// The fuzz suite, onnx: see onnx.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: mutated and crafted ONNX models import correctly or are refused cleanly', (t) =>
  fuzzTest(t, 'onnx', new URL('./onnx.cases.js', import.meta.url)));
