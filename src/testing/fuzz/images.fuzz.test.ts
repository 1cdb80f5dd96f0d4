// The fuzz suite, images: see images.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: corrupted and crafted PNG, JPEG, WebP and GIF files decode correctly or are refused cleanly', (t) =>
  fuzzTest(t, 'images', new URL('./images.cases.js', import.meta.url)));
