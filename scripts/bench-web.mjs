// The explainer's pointer-to-drawn benchmark (web/bench.html) in headless
// Chromium: time from a pointer move on the pad to every layer drawn, for the
// default digit model. Prints one JSON line. Needs `npm run build` and Debian's
// chromium (or FOVEA_CHROMIUM=/path/to/chrome). Not a test: a measurement.
//
//   npm run bench:web
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
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
  executablePath: process.env.FOVEA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
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
  console.log(JSON.stringify({ bench: 'explainer-pointer-to-drawn', ...result }));
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
