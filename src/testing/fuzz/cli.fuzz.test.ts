// The fuzz suite, cli: see cli.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: every numeric and enum flag of every command given garbage, and spawned runs, are refused naming the flag', (t) => fuzzTest(t, 'cli', new URL('./cli.cases.js', import.meta.url), { caseTimeoutMs: 90_000 }));
