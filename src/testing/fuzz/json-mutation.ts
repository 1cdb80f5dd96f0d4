/**
 * Structural mutation of JSON documents (model.json, metadata): one value,
 * anywhere in the tree, replaced by something of the wrong type or range.
 */
import type { FuzzRandom } from './fuzz-case.js';

/** Values a hostile or damaged file may hold where a number, string, list or object is expected. */
export const JUNK: readonly unknown[] = [null, -1, 0, 1e309, 4294967296, 2 ** 53, '', 'ten', {}, [], [[]], true, -0.5, 'NaN', { length: 1e9 }];

/** Every path to a value in `json` (object keys and array indices), up to `limit` of them. */
function paths(json: unknown, limit = 5000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (out.length >= limit) return;
    if (path.length) out.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(json, []);
  return out;
}

/** A deep copy of `json` with one value replaced (or removed); `how` says which and by what. */
export function mutateJson(r: FuzzRandom, json: unknown): { json: unknown; how: string } {
  const copy = structuredClone(json);
  const all = paths(copy);
  const path = r.pick(all);
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (r.int(6) === 0 && !Array.isArray(parent)) {
    delete parent[key];
    return { json: copy, how: `${path.join('.')} removed` };
  }
  const junk = r.pick(JUNK);
  parent[key] = structuredClone(junk);
  return { json: copy, how: `${path.join('.')} = ${JSON.stringify(junk)}` };
}
