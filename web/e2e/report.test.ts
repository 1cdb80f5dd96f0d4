// report.html from a real (tiny) training run, in a real browser: a click on a
// confusion-matrix cell lists that cell's test images, the surest first, as
// the model itself ranks them (recomputed here from the saved model file); a
// click on one shows its probabilities, saliency and Grad-CAM. `fovea eval
// --report` writes the same view for the same model. The time machine's
// slider shows the first layer's filters as they were: the initial weights
// at step 0, the saved model's at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startServe } from './serve-process.js';

const CHROMIUM = process.env['FOVEA_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(ROOT, 'test-artifacts', 'browser');
const missing = !existsSync(CHROMIUM) ? `Chromium not found at ${CHROMIUM}: install Debian's chromium or set FOVEA_CHROMIUM` : false;
if (missing && process.env['CI']) throw new Error(missing);

const dir = mkdtempSync(join(tmpdir(), 'fovea-report-'));
const model = join(dir, 'tiny.fovea');
let browser: Browser;

/** Runs the built CLI; a failure throws with its stderr in the message. */
function cli(args: string[]): string {
  try {
    return execFileSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(String((e as { stderr?: string }).stderr ?? e));
  }
}

before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  // LeNet after one epoch on 500 digits: right on some, wrong on many, so there are cells of both kinds.
  cli(['train', '--dataset', 'mnist', '--model', 'lenet', '--limit', '500', '--epochs', '1', '--snapshots', '2', '--out', model]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Ranked { index: number; actual: number; predicted: number; confidence: number }

/** Every MNIST test image through the saved model, in Node: the cell and confidence of each (an oracle independent of the page). */
async function rankTestSet(): Promise<Ranked[]> {
  const fovea = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const node = await import(pathToFileURL(join(ROOT, 'dist', 'node.js')).href);
  const { model: m, meta } = node.loadAnyModel(model);
  m.eval();
  const test = node.loadMnist({ train: false });
  const out: Ranked[] = [];
  const loader = new fovea.DataLoader(test, { batchSize: 500, normalize: meta.normalize });
  for (const { x, y, indices } of loader) {
    const p: Float32Array = fovea.noGrad(() => m.forward(x).softmax(1)).data;
    for (let i = 0; i < y.length; i++) {
      const row = p.subarray(i * 10, i * 10 + 10);
      let k = 0;
      for (let j = 1; j < 10; j++) if (row[j]! > row[k]!) k = j;
      out.push({ index: indices[i], actual: y[i], predicted: k, confidence: row[k]! });
    }
  }
  return out;
}

async function openReport(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}

/** Clicks cell (a, p) and returns the dataset indices of the thumbnails it lists, in order. */
async function clickCell(page: Page, a: number, p: number): Promise<number[]> {
  await page.click(`.mistakes-cell[data-actual="${a}"][data-predicted="${p}"]`);
  await page.waitForSelector(`#mistakes-list[data-cell="${a},${p}"]`);
  return page.locator('#mistakes-list .mistakes-thumb').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset['index'])));
}

test('report.html: a confusion-matrix click lists that cell\'s test images, surest first; a click on one shows its probabilities, saliency and Grad-CAM', { skip: missing }, async () => {
  const ranked = await rankTestSet();
  const cell = (a: number, p: number) => ranked.filter((r) => r.actual === a && r.predicted === p).sort((x, y) => y.confidence - x.confidence || x.index - y.index);
  // the largest off-diagonal cell (a real confusion) and the largest diagonal one
  let worst: [number, number] = [0, 1];
  let right = 0;
  for (let a = 0; a < 10; a++) {
    if (cell(a, a).length > cell(right, right).length) right = a;
    for (let p = 0; p < 10; p++) if (a !== p && cell(a, p).length > cell(...worst).length) worst = [a, p];
  }
  const { page, errors } = await openReport(join(dir, 'tiny.report', 'report.html'));
  for (const [a, p] of [worst, [right, right] as [number, number]]) {
    const want = cell(a, p);
    assert.ok(want.length > 0, `cell ${a},${p} is empty`);
    const listed = await clickCell(page, a, p);
    // at most 16 a cell, fewer when the page's 500 images would be exceeded: the surest ones, in the model's order
    assert.ok(listed.length >= Math.min(want.length, 3) && listed.length <= 16, `${listed.length} listed`);
    assert.deepEqual(listed, want.slice(0, listed.length).map((r) => r.index), `cell actual ${a}, predicted ${p}`);
    const text = await page.locator('#mistakes-list p').first().textContent();
    assert.match(text!, new RegExp(`Actual ${a}, predicted ${p}: ${want.length} images?${listed.length < want.length ? `, the ${listed.length} the model was surest of` : ''}`));
  }
  // the worst cell again, then its second image: the detail is that image's
  await clickCell(page, ...worst);
  const second = cell(...worst)[1] ?? cell(...worst)[0]!;
  await page.click(`.mistakes-thumb[data-index="${second.index}"]`);
  await page.waitForSelector(`#mistakes-detail[data-index="${second.index}"]`);
  const detail = await page.locator('#mistakes-detail').textContent();
  const said = new RegExp(`Test image #${second.index}: actual ${worst[0]}, predicted ${worst[1]} \\(([\\d.]+)%\\)`).exec(detail!);
  assert.ok(said, detail!);
  // the page keeps 4 decimals of each probability: within 0.06 percentage points of the model's own
  const close = (shown: string) => Math.abs(Number(shown) - 100 * second.confidence) <= 0.06;
  assert.ok(close(said[1]!), `${said[1]}% shown, ${100 * second.confidence}% computed`);
  const captions = await page.locator('#mistakes-detail figcaption').allTextContents();
  assert.deepEqual(captions.map((c) => c.split(' ')[0]), ['the', 'saliency', 'Grad-CAM']);
  // the predicted class's bar says the same probability, and the actual class has its own bar
  const bars = await page.locator('#mistakes-detail .mistakes-bar').evaluateAll((els) => els.map((e) => [e.firstChild!.textContent!, e.lastChild!.textContent!.replace('%', '')]));
  assert.ok(bars.some(([name, v]) => name === `${worst[1]}` && close(v!)), JSON.stringify(bars));
  assert.ok(bars.some(([name]) => name === `${worst[0]} (actual)`), JSON.stringify(bars));
  // every tile is drawn from an embedded sprite: a background image, no file beside the page
  const bg = await page.locator('#mistakes-detail .mistakes-tile').first().evaluate((e) => getComputedStyle(e).backgroundImage);
  assert.match(bg, /^url\("data:image\/png;base64,/);
  await page.locator('.mistakes').screenshot({ path: join(SHOTS, 'report-mistakes.png') });
  assert.deepEqual(errors, []);
  await page.close();
  // on a phone the page keeps to the screen's width (a matrix wider than it would scroll in its own box)
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.goto(pathToFileURL(join(dir, 'tiny.report', 'report.html')).href);
  await phone.tap(`.mistakes-cell[data-actual="${worst[0]}"][data-predicted="${worst[1]}"]`);
  await phone.waitForSelector('#mistakes-detail .mistakes-bar');
  const [scroll, inner] = await phone.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(scroll! <= 390 && inner === 390, `report.html is ${scroll} px wide, the window ${inner} px, on a 390 px screen`);
  await phone.close();
});

test('fovea eval --report DIR writes the same clickable page for the saved model', { skip: missing }, async () => {
  const out = join(dir, 'eval-report');
  const printed = cli(['eval', model, '--report', out]);
  assert.match(printed, new RegExp(`report ${join(out, 'report.html').replace(/[.\\/]/g, '\\$&')}`));
  assert.throws(() => cli(['eval', model, '--report', out]), /exists; pass --force/);
  const { page, errors } = await openReport(join(out, 'report.html'));
  // the same cell lists the same images as training's report (the model's most frequent prediction for a 0)
  const fromTraining = await openReport(join(dir, 'tiny.report', 'report.html'));
  const counts: number[] = JSON.parse((await page.locator('#mistakes-data').textContent())!).counts;
  const p = counts.slice(0, 10).indexOf(Math.max(...counts.slice(0, 10)));
  const listed = await clickCell(page, 0, p);
  assert.ok(listed.length > 0);
  assert.deepEqual(listed, await clickCell(fromTraining.page, 0, p));
  assert.deepEqual([...errors, ...fromTraining.errors], []);
  await page.close();
  await fromTraining.page.close();
});

test('report.html: the time-machine slider changes the first-layer filters, from the initial weights to the trained ones', { skip: missing }, async () => {
  const json = JSON.parse(readFileSync(join(dir, 'tiny.report', 'snapshots.json'), 'utf8'));
  assert.equal(json.format, 'fovea-snapshots');
  assert.deepEqual(json.snapshots.map((s: { step: number }) => s.step), [0, 2, 4, 6, 8], '450 training images in batches of 64: 8 steps (the last one partial), a snapshot before them and every 2');
  // snapshot 0 is the model as built with the run's seed; the last one is the saved model's first layer
  const fovea = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const node = await import(pathToFileURL(join(ROOT, 'dist', 'node.js')).href);
  fovea.manualSeed(1);
  const fresh = fovea.buildModel('lenet', { inputShape: [1, 28, 28], numClasses: 10 });
  const saved = node.loadAnyModel(model).model;
  const near = (a: ArrayLike<number>, b: number[]) => Array.from(a).every((v, i) => Math.abs(v - b[i]!) <= 1e-4 * Math.max(1, Math.abs(v)));
  const first = json.snapshots[0], last = json.snapshots[json.snapshots.length - 1];
  assert.ok(near(fresh.stateDict().get(`${json.layer}.weight`).data, first.weight), 'step 0: the initial weights');
  assert.ok(near(saved.stateDict().get(`${json.layer}.weight`).data, last.weight), 'last step: the trained weights');
  assert.ok(!near(saved.stateDict().get(`${json.layer}.weight`).data, first.weight), 'training changed them');

  const { page, errors } = await openReport(join(dir, 'tiny.report', 'report.html'));
  const filters = page.locator('#tm-filters');
  const state = async () => ({
    step: await filters.getAttribute('data-step'), label: await page.locator('#tm-step').textContent(),
    marker: await page.locator('#tm-marker-loss').getAttribute('x1'), pixels: (await filters.screenshot()).toString('base64'),
  });
  const end = await state();
  assert.equal(end.step, '8');
  await page.locator('#tm-slider').fill('0');
  const start = await state();
  assert.equal(start.step, '0');
  assert.match(start.label!, /^0 \(before training\), snapshot 1 of 5/);
  assert.notEqual(start.pixels, end.pixels, 'the filters drawn change');
  assert.ok(Number(start.marker) < Number(end.marker), 'the marker moves back along the curves');
  await page.locator('#tm-slider').fill('4');
  assert.equal((await state()).pixels, end.pixels, 'and come back');
  await page.locator('.tm').screenshot({ path: join(SHOTS, 'report-time-machine.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the web app opens a report\'s snapshots.json: its slider changes the first-layer filters; a wrong file is named', { skip: missing }, async () => {
  const server = await startServe([]);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'something-else' }));
    await page.setInputFiles('#snapshots-file', bad);
    await page.waitForSelector('#snapshots-view .error');
    assert.match((await page.locator('#snapshots-view .error').textContent())!, /bad\.json: is not a fovea snapshots file/);
    await page.setInputFiles('#snapshots-file', join(dir, 'tiny.report', 'snapshots.json'));
    await page.waitForSelector('#snapshot-filters[data-step="8"]');
    const pixels = async () => ({ filters: (await page.locator('#snapshot-filters').screenshot()).toString('base64'), maps: (await page.locator('#snapshot-maps').screenshot()).toString('base64') });
    const end = await pixels();
    await page.locator('#snapshot-slider').fill('0');
    await page.waitForSelector('#snapshot-filters[data-step="0"]');
    assert.match((await page.locator('#snapshot-step').textContent())!, /^step 0 \(before training\), snapshot 1 of 5/);
    const start = await pixels();
    assert.notEqual(start.filters, end.filters, 'the filters change');
    assert.notEqual(start.maps, end.maps, 'and their maps');
    await page.locator('#time-machine').screenshot({ path: join(SHOTS, 'web-time-machine.png') });
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.stop();
  }
});
