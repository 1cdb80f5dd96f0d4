// What the README shows a library user must be there: every name its code
// examples import from 'fovea' or 'fovea/node' is exported by that entry, and
// every function or class its prose names in code (`cutBackbone(...)`,
// `FeatureLoader`) that fovea defines is reachable from one of the two entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const entries = {
  fovea: (await import('./index.js')) as Record<string, unknown>,
  'fovea/node': (await import('./node.js')) as Record<string, unknown>,
};

/** Names that src/ declares as exported functions, classes and constants (any module, tests left out). */
function declaredExports(dir: string, out = new Set<string>()): Set<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'assembly' && e.name !== 'testing') declaredExports(p, out);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) {
      for (const m of readFileSync(p, 'utf8').matchAll(/^export (?:async )?(?:function\*? |class |const )([A-Za-z_$][\w$]*)/gm)) out.add(m[1]!);
    }
  }
  return out;
}

test('every name the README\'s code imports from fovea or fovea/node is exported there', () => {
  const missing: string[] = [];
  let seen = 0;
  for (const block of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const m of block[1]!.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(fovea(?:\/node)?)'/g)) {
      const entry = entries[m[2] as keyof typeof entries];
      for (const raw of m[1]!.split(',')) {
        const name = raw.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!;
        if (!name) continue;
        seen++;
        if (!(name in entry)) missing.push(`${name} (from '${m[2]}')`);
      }
    }
  }
  assert.ok(seen >= 10, `found only ${seen} imported names in the README's ts blocks`);
  assert.deepEqual(missing, []);
});

test('every fovea function or class the README names in code is public', () => {
  const declared = declaredExports(join(root, 'src'));
  const pub = new Set([...Object.keys(entries.fovea), ...Object.keys(entries['fovea/node'])]);
  const missing = new Set<string>();
  let checked = 0;
  for (const span of readme.matchAll(/`([^`\n]+)`/g)) {
    // a bare name, a call or a construction: `FeatureLoader`, `cutBackbone(model, ...)`, `new Conv2d(...)`, `F.conv2d(x, w)`
    const m = /^(?:new\s+)?([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?(?:\(.*)?$/.exec(span[1]!.trim());
    if (!m || !declared.has(m[1]!)) continue;
    checked++;
    if (!pub.has(m[1]!)) missing.add(m[1]!);
    else if (m[2] !== undefined) {
      const ns = (entries.fovea[m[1]!] ?? entries['fovea/node'][m[1]!]) as Record<string, unknown>;
      if (typeof ns === 'object' && ns !== null && !(m[2] in ns)) missing.add(`${m[1]}.${m[2]}`);
    }
  }
  assert.ok(checked >= 40, `checked only ${checked} names`);
  assert.deepEqual([...missing].sort(), []);
});
