// The fuzz suite, serve: see serve.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: the static server answers hostile requests without a 5xx or a file from outside its folder', (t) => fuzzTest(t, 'serve', new URL('./serve.cases.js', import.meta.url), { caseTimeoutMs: 90_000 }));
