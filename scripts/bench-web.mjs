// Browser benchmarks in headless Chromium, on pages served by `fovea serve`
// (cross-origin isolated, so fovea's wasm backend gets its worker threads).
// Needs `npm run build` and Debian's chromium (or FOVEA_CHROMIUM=/path/to/chrome).
// Not a test: a measurement. Prints JSON lines:
//
// 1. the explainer's pointer-to-drawn latency (web/bench.html);
// 2. the peer harness's workloads (bench/workloads.json: lenet, convnet, cifar;
//    train and infer at batch 64, latency at batch 1) on fovea's wasm backend,
//    one page (web/bench-workloads.html) per thread count, and on TF.js's wasm
//    backend (its SIMD build, one thread; web/src/bench-tfjs.ts says why) in
//    the first of them, one line per measurement in the harness's shape
//    (`"peer":"fovea-browser-t2"`, `"peer":"tfjs-wasm-browser"`);
// 3. the same workloads in Node (`fovea bench`, "peer":"fovea-node-t2"), right
//    after the browser page of the same thread count, as a reference;
// 4. a last line of same-run ratios: fovea in the browser over TF.js, and
//    over fovea in Node, images per second, per thread count, workload and mode.
//
//   npm run bench:web                         # quick budgets (the harness's QUICK=1), about 40 s
//   npm run bench:web -- --full               # the harness's full budgets (or FOVEA_BENCH_FULL=1)
//   npm run bench:web -- --threads 2 --workloads convnet --skip-explainer
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: npm run bench:web -- [--full] [--threads 1,2] [--workloads lenet,convnet,cifar] [--skip-explainer] [--skip-node]';
let args;
try {
  args = parseArgs({ options: { full: { type: 'boolean' }, threads: { type: 'string' }, workloads: { type: 'string' }, 'skip-explainer': { type: 'boolean' }, 'skip-node': { type: 'boolean' } } }).values;
} catch (e) {
  console.error(`bench:web: ${e.message}\n${usage}`);
  process.exit(2);
}
const threadCounts = (args.threads ?? '1,2').split(',').map(Number);
if (!threadCounts.every((t) => Number.isInteger(t) && t >= 1 && t <= 16)) {
  console.error(`bench:web: --threads ${args.threads}: expected a comma list of integers from 1 to 16\n${usage}`);
  process.exit(2);
}
for (const f of ['dist/cli/main.js', 'dist/web/bench.html', 'dist/web/bench-workloads.html']) {
  if (!existsSync(`${root}${f}`)) {
    console.error(`bench:web: ${f} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}
const chromiumPath = process.env.FOVEA_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`bench:web: no Chromium at ${chromiumPath}: install Debian's chromium or set FOVEA_CHROMIUM=/path/to/chrome`);
  process.exit(1);
}
const budgets = args.full || process.env.FOVEA_BENCH_FULL === '1' ? 'full' : 'quick';
const version = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version;
const print = (line) => console.log(JSON.stringify(line));

const server = spawn(process.execPath, [`${root}dist/cli/main.js`, 'serve', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.once('exit', (code) => reject(new Error(`fovea serve exited with ${code}`)));
  server.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).url);
  });
});
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function explainerBench() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(new URL('bench.html', url).href);
  await page.waitForSelector('#result[data-result]', { timeout: 120_000 });
  const result = JSON.parse(await page.getAttribute('#result', 'data-result'));
  // Real input: trusted mouse events through the browser's input pipeline (aligned to frames), a circle on the pad.
  await page.evaluate(() => { globalThis.foveaBench.pad.clear(); globalThis.foveaBench.latencies.length = 0; });
  const box = await page.locator('#pad').boundingBox();
  const at = (t) => [box.x + box.width * (0.5 + 0.3 * Math.cos(2 * Math.PI * t)), box.y + box.height * (0.5 + 0.3 * Math.sin(2 * Math.PI * t))];
  await page.mouse.move(...at(0));
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) await page.mouse.move(...at(i / 120));
  await page.mouse.up();
  await page.waitForTimeout(100);
  const real = (await page.evaluate(() => globalThis.foveaBench.latencies.slice())).sort((a, b) => a - b);
  const q = (p) => real[Math.min(real.length - 1, Math.floor(p * real.length))];
  result.realInputMs = { n: real.length, median: q(0.5), p95: q(0.95), max: real[real.length - 1] };
  print({ bench: 'explainer-pointer-to-drawn', ...result });
  await page.close();
}

/**
 * One page per thread count (fovea's threads start fresh in each); TF.js is
 * timed in the first page, after fovea. Lines arrive as they are measured
 * (exposed function); the machine's load average is added here, where Node
 * can read it. Requests outside the page's origin are refused and reported.
 */
async function workloadsBench(threads, peers) {
  const page = await browser.newPage();
  const lines = [];
  const problems = [];
  const problem = (p) => { problems.push(p); console.error(`bench:web (threads ${threads}): ${p}`); };
  page.on('pageerror', (e) => problem(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problem(`console ${m.type()}: ${m.text()}`); });
  await page.route((u) => u.origin !== new URL(url).origin, (route) => {
    problem(`request outside the page's origin refused: ${route.request().url()}`);
    return route.abort();
  });
  await page.exposeFunction('foveaBenchEmit', (line) => {
    const out = line.mode === 'info' ? { ...line, ...(String(line.peer).startsWith('fovea') ? { version } : {}), browser: `Chromium ${browser.version()}` }
      : { ...line, loadavg1: Math.round(loadavg()[0] * 100) / 100 };
    lines.push(out);
    print(out);
  });
  const q = new URLSearchParams({ threads: String(threads), budgets, peers, ...(args.workloads ? { workloads: args.workloads } : {}) });
  await page.goto(new URL(`bench-workloads.html?${q}`, url).href);
  await page.waitForSelector('#result[data-done]', { timeout: budgets === 'full' ? 600_000 : 240_000 });
  for (const p of problems) print({ bench: 'workloads', threads, problem: p });
  await page.close();
  return lines;
}

/** `fovea bench` in Node on the same workloads and budgets: the reference for what the browser costs. */
async function nodeBench(threads) {
  const argv = [`${root}dist/cli/main.js`, 'bench', '--threads', String(threads), '--peer', `fovea-node-t${threads}`, '--modes', 'train,infer,latency',
    ...(budgets === 'quick' ? ['--quick'] : []), ...(args.workloads ? ['--workloads', args.workloads] : [])];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  for (const l of lines) print(l);
  if (code !== 0) print({ peer: `fovea-node-t${threads}`, mode: 'info', error: `fovea bench exited with ${code}` });
  return lines;
}

/** Images per second of one line over another's, per thread count, workload and mode (a peer's error where it has one). */
function ratios(lines, over, label) {
  const out = {};
  for (const f of lines.filter((l) => String(l.peer).startsWith('fovea-browser-') && l.images_per_s)) {
    const t = lines.find((l) => l.peer === over(f) && l.workload === f.workload && l.mode === f.mode);
    if (!t) continue;
    const key = `${f.peer.replace('fovea-browser-', 'fovea-')} / ${label}`;
    out[key] ??= {};
    out[key][f.workload] ??= {};
    out[key][f.workload][f.mode] = t.images_per_s ? Math.round((f.images_per_s / t.images_per_s) * 100) / 100 : `${label}: ${t.error}`;
  }
  return out;
}

let failed = false;
try {
  if (!args['skip-explainer']) await explainerBench();
  const all = [];
  for (const [i, t] of threadCounts.entries()) {
    all.push(...await workloadsBench(t, i === 0 ? 'fovea,tfjs' : 'fovea'));
    if (!args['skip-node']) all.push(...await nodeBench(t));
  }
  failed = all.some((l) => l.mode === 'info' && l.error);
  print({
    bench: 'ratios', of: 'images_per_s, same run (> 1: fovea in the browser faster)', budgets,
    ...ratios(all, () => 'tfjs-wasm-browser', 'tfjs-wasm-browser'),
    ...ratios(all, (f) => f.peer.replace('fovea-browser-', 'fovea-node-'), 'fovea-node'),
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
if (failed) process.exitCode = 1;
