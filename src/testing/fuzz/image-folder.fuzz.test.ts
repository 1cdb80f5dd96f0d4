// The fuzz suite, image folders: see image-folder.cases.ts and run-fuzz.ts.
import { test } from 'node:test';
import { fuzzTest } from './run-fuzz.js';

test('fuzz: image folders with symlink loops, hard links, copies, FIFOs and broken files load each image once or are refused cleanly', (t) =>
  fuzzTest(t, 'image folders', new URL('./image-folder.cases.js', import.meta.url)));
