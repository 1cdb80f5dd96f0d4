// The main entry (`fovea`) must load in a browser: nothing it imports,
// directly or transitively, may import a Node built-in or sharp. Node-only
// code is reached through `fovea/node`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importsOf } from './testing/imports-of.js';

test('the main entry imports no Node built-in and no native module', () => {
  const entry = fileURLToPath(new URL('./index.js', import.meta.url));
  const seen = new Set<string>();
  const offenders: string[] = [];
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec));
      else offenders.push(`${file.replace(/.*dist\//, 'dist/')} imports ${spec}`);
    }
  }
  assert.ok(seen.size > 50, `walked only ${seen.size} files`);
  assert.deepEqual(offenders, []);
});
