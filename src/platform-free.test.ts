// The main entry (`fovea`) must load in a browser: nothing it imports,
// directly or transitively, may import a Node built-in or sharp. Node-only
// code is reached through `fovea/node`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of src.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  return specs;
}

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
