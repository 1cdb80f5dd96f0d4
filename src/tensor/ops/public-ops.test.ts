// One public op surface: every function an op file exports is public (top
// level of `fovea`) or named internal here, and `F` holds nothing that the
// top level lacks (relu was top-level while elu and hardtanh were only in F).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Helpers the ops share with layers, importers and gradient rules: not user-facing. */
const INTERNAL = new Set([
  'broadcastShapes', 'affine', 'mulScalar', 'expandTo', 'sumTo', 'currentPath', 'normDim', 'pair',
  'conv2dAttrs', 'conv2dOutputShape', 'convTranspose2dAttrs', 'convTranspose2dOutputShape',
  'pool2dAttrs', 'pool2dOutputShape', 'pad2dOutputShape', 'noDilation',
]);

const fovea = (await import('../../index.js')) as Record<string, unknown> & { F: Record<string, unknown> };

test('every op function is exported at the top level of fovea, or is a named internal helper', () => {
  const dir = fileURLToPath(new URL('../../../src/tensor/ops/', import.meta.url));
  const missing: string[] = [];
  let seen = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    for (const m of readFileSync(dir + file, 'utf8').matchAll(/^export function ([A-Za-z_$][\w$]*)/gm)) {
      seen++;
      if (!INTERNAL.has(m[1]!) && typeof fovea[m[1]!] !== 'function') missing.push(`${m[1]} (ops/${file})`);
    }
  }
  assert.ok(seen > 50, `saw only ${seen} op functions`);
  assert.deepEqual(missing, []);
});

test('everything in F is also at the top level, as the same function', () => {
  const names = Object.keys(fovea.F);
  assert.ok(names.includes('elu') && names.includes('hardtanh') && names.includes('convTranspose2d') && names.includes('pad2d'));
  for (const n of names) assert.equal(fovea[n], fovea.F[n], `F.${n} is not fovea.${n}`);
});
