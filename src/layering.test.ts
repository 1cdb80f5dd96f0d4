// Dependencies point one way, downward (DESIGN.md, "Architecture"): a module
// may import from its own folder and from folders on a lower rank of LAYERS,
// never from its rank or above, so no two folders can import each other.
// Like platform-free.test.ts this reads the compiled imports in dist/; type-only
// imports vanish from the .js, so the .ts source beside it (src/, in a
// checkout) is read too: `import type` counts as an import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importsOf } from './testing/imports-of.js';

/**
 * Top to bottom; a folder (or a top-level file: errors.ts, index.ts) may import
 * only from the ranks below its own. Within a rank of DESIGN.md the code needs
 * a partial order, written here as separate ranks:
 * - cli runs the benchmark and the static server, so bench and serve sit below it;
 *   index.ts and node.ts (the public entries) are not imported by any folder;
 *   the entries export the benchmark (the browser page of `npm run bench:web`
 *   runs it), so bench sits below them, above what it times;
 * - data decodes images with vision; io's model files build nn modules and
 *   store vision's input options (and sniff image headers), so data and io sit
 *   above nn, optim and vision, and neither imports the other;
 * - util holds helpers that import nothing of fovea but errors.ts: atomic
 *   file writes and the seeded random-number generator (used by the backend
 *   conformance suite, tensor init and data shuffling alike).
 */
const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['serve', 'index', 'node'],
  ['bench'],
  ['train', 'explain'],
  ['data', 'io'],
  ['nn', 'optim', 'vision'],
  ['tensor'],
  ['backend'],
  ['util'],
  ['errors', 'version'],
];
const RANK = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, LAYERS.length - i] as const)));

const dist = dirname(fileURLToPath(import.meta.url));
const src = resolve(dist, '../src');
const SKIP = new Set(['web', 'testing']); // the built app; test helpers

function moduleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (dir !== dist || !SKIP.has(e.name)) out.push(...moduleFiles(p));
    } else if (e.name.endsWith('.js') && !e.name.endsWith('.test.js') && fromSource(p)) out.push(p);
  }
  return out;
}

/** Whether a compiled file still has its source: a file moved or deleted in src/ leaves a stale copy in dist/ until a clean build. */
function fromSource(file: string): boolean {
  const ts = resolve(src, relative(dist, file)).replace(/\.js$/, '.ts');
  return existsSync(ts) || existsSync(ts.replace(/\.ts$/, '.d.ts')); // a .d.ts: generated at build time (the wasm binary)
}

/** The layer a path under dist/ belongs to: its top folder, or a top-level file's name. */
function folderOf(file: string): string {
  const [head, ...rest] = relative(dist, file).split('/');
  return rest.length ? head! : head!.replace(/\.js$/, '');
}

interface Edge { file: string; spec: string; from: string; to: string }

function crossFolderImports(): { edges: Edge[]; files: number } {
  const files = moduleFiles(dist);
  const edges: Edge[] = [];
  for (const file of files) {
    const source = join(src, relative(dist, file)).replace(/\.js$/, '.ts');
    const specs = new Set([...importsOf(file), ...(existsSync(source) ? importsOf(source) : [])]);
    for (const spec of specs) {
      if (!spec.startsWith('.')) continue;
      const from = folderOf(file);
      const to = folderOf(resolve(dirname(file), spec));
      if (from !== to) edges.push({ file: `dist/${relative(dist, file)}`, spec, from, to });
    }
  }
  return { edges, files: files.length };
}

test('no module imports a folder on its own rank or above (LAYERS)', () => {
  const { edges, files } = crossFolderImports();
  assert.ok(files > 100, `walked only ${files} files`);
  const offenders: string[] = [];
  for (const { file, spec, from, to } of edges) {
    const [a, b] = [RANK.get(from), RANK.get(to)];
    if (a === undefined || b === undefined) {
      offenders.push(`${file} imports ${spec}: ${a === undefined ? from : to} is in no layer; add it to LAYERS in src/layering.test.ts`);
    } else if (b >= a) offenders.push(`${file} imports ${spec}: ${from} may not import ${to}`);
  }
  assert.deepEqual(offenders, []);
});

test('no import cycle between folders', () => {
  const { edges } = crossFolderImports();
  const graph = new Map<string, Map<string, Edge>>(); // folder -> imported folder -> one example
  for (const e of edges) {
    if (!graph.has(e.from)) graph.set(e.from, new Map());
    if (!graph.get(e.from)!.has(e.to)) graph.get(e.from)!.set(e.to, e);
  }
  // Folders a cycle passes through: those that reach themselves again.
  const reach = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(graph.get(start)?.keys() ?? [])];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(graph.get(f)?.keys() ?? []));
    }
    return seen;
  };
  const reaches = new Map([...graph.keys()].map((f) => [f, reach(f)]));
  const cycles = new Set<string>();
  for (const [f, r] of reaches) {
    if (!r.has(f)) continue;
    const members = [...r].filter((g) => reaches.get(g)?.has(f)).sort();
    const examples = members.flatMap((a) => members.filter((b) => graph.get(a)?.has(b)).map((b) => {
      const e = graph.get(a)!.get(b)!;
      return `${a} → ${b} (${e.file} imports ${e.spec})`;
    }));
    cycles.add(`cycle between ${members.join(', ')}: ${examples.join('; ')}`);
  }
  assert.deepEqual([...cycles], []);
});

test('the kernel registry imports no concrete backend (backend/configure.ts registers them)', () => {
  const source = join(src, 'backend/registry.ts');
  const specs = [...importsOf(join(dist, 'backend/registry.js')), ...(existsSync(source) ? importsOf(source) : [])];
  const concrete = specs.filter((spec) => /^\.\/(js|wasm)\//.test(spec));
  assert.deepEqual(concrete, []);
});
