#!/usr/bin/env node
// The README's figure for `fovea predict MODEL DIR --out FILE`: images/s and peak resident memory over
// the 10,000 MNIST test digits written out as PNG files, against the first 1,000 of them (flat memory:
// the two peaks should be about equal). Run after the build: node scripts/predict-folder-rss.mjs [WORKDIR]
// (WORKDIR default: a temporary folder, kept for re-runs when given).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const f = await import(join(dist, 'index.js'));
const n = await import(join(dist, 'node.js'));
const work = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'fovea-predict-rss-'));
const digits = join(work, 'digits');
const model = join(work, 'lenet.fovea');

if (!existsSync(join(digits, '9999.png'))) {
  const test = n.loadMnist({ train: false });
  mkdirSync(digits, { recursive: true });
  for (let i = 0; i < test.length; i++) {
    await n.writePng(join(digits, `${String(i).padStart(4, '0')}.png`), { width: 28, height: 28, channels: 1, data: test.images.subarray(i * 784, (i + 1) * 784) });
  }
}
f.manualSeed(1);
await n.saveModel(model, f.lenet(), { inputShape: [1, 28, 28], normalize: n.NORMALIZATION.mnist, classNames: [...'0123456789'] });

/** Runs `fovea predict` on `pattern`, sampling its resident memory (VmRSS) every 100 ms. */
function run(pattern, out) {
  rmSync(out, { force: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dist, 'cli/main.js'), 'predict', model, pattern, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '', peak = 0;
    const samples = [];
    child.stdout.on('data', (d) => (stdout += d));
    const timer = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb);
        if (kb) samples.push(kb);
      } catch { /* exited */ }
    }, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`fovea predict exited with ${code}`));
      // resident memory after each fifth of the run: flat memory keeps the last ones level
      const fifths = [1, 2, 3, 4, 5].map((q) => Number((samples[Math.min(samples.length - 1, Math.floor((q * samples.length) / 5) - 1)] / 1024).toFixed(1)));
      if (code !== 0) reject(new Error(`fovea predict exited with ${code}`));
      else resolve({ ...JSON.parse(stdout), peakRssMiB: Number((peak / 1024).toFixed(1)), rssMiBByFifth: fifths });
    });
  });
}

const small = await run(join(digits, '0???.png'), join(work, 'first1000.csv'));
const all = await run(digits, join(work, 'all.csv'));
console.log(JSON.stringify({ images1000: small, images10000: all }));
if (!process.argv[2]) rmSync(work, { recursive: true, force: true });
