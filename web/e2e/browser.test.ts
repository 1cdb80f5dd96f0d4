// The explainer in a real browser: Debian's Chromium driven by playwright-core,
// the app served by `fovea serve` exactly as a user starts it. Screenshots go to
// test-artifacts/browser/ (git-ignored). No timing assertions: waits are on
// states the page publishes (data-* attributes), with generous limits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Conv2d, Flatten, Linear, ReLU, Sequential, classic, encodeModel, exportOnnx, manualSeed, receptiveField, lenet, type ModuleSpec } from 'fovea';
import { digitStrokes, firstTestIndexOf, mnistTestDigit } from './mnist-strokes.js';
import { ROOT, type ServeProcess } from './serve-process.js';
import { missing, SHOTS, startSession, stopSession, unitPoint, WAIT } from './page-helpers.js';

// Without Chromium the browser tests cannot run; on CI that is a failure (page-helpers), elsewhere a loud skip.
let server: ServeProcess;
let browser: Browser;
const tmp = mkdtempSync(join(tmpdir(), 'fovea-web-'));

before(async () => {
  if (missing) return;
  ({ browser, server } = await startSession());
});
after(async () => {
  await stopSession({ browser, server });
});

async function openPage(viewport = { width: 1280, height: 900 }, extra: { hasTouch?: boolean; isMobile?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, ...extra });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  return page;
}

const updates = (page: Page): Promise<number> => page.evaluate(() => Number(document.body.dataset['updates'] ?? 0));

/** Waits until the page has redrawn after `before` updates (the drawing changed). */
async function settled(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset['updates']) > n, before, WAIT);
}

/** Redraws a 28x28 digit on the pad with the mouse, one stroke per run of ink pixels in a row. */
async function drawDigit(page: Page, pixels: Uint8Array): Promise<void> {
  await page.click('#clear');
  const box = (await page.locator('#pad').boundingBox())!;
  const cell = box.width / 28;
  for (const s of digitStrokes(pixels)) {
    await page.mouse.move(box.x + s.x0 * cell, box.y + s.y * cell);
    await page.mouse.down();
    await page.mouse.move(box.x + s.x1 * cell, box.y + s.y * cell, { steps: Math.max(1, Math.round(s.x1 - s.x0)) });
    const n = await updates(page);
    await page.mouse.up();
    await settled(page, n);
  }
}

const predicted = (page: Page): Promise<string | undefined> => page.evaluate(() => document.getElementById('prediction')!.dataset['class']);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('the page is cross-origin isolated, runs on the wasm backend and shows every layer of the default model', { skip: missing }, async () => {
  const page = await openPage();
  const state: Record<string, unknown> = await page.evaluate(() => ({ isolated: crossOriginIsolated, ...document.body.dataset }));
  assert.equal(state.isolated, true);
  assert.equal(state['backend'], 'wasm');
  assert.equal(state['classes'], '10');
  // LeNet: 3 conv-stage layers twice, then flatten and 5 classifier layers, in execution order.
  const layers = await page.locator('section.layer').evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset['type']} ${(e as HTMLElement).dataset['shape']}`));
  assert.deepEqual(layers, ['Conv2d 6,28,28', 'ReLU 6,28,28', 'MaxPool2d 6,14,14', 'Conv2d 16,10,10', 'ReLU 16,10,10', 'MaxPool2d 16,5,5',
    'Flatten 400', 'Linear 120', 'ReLU 120', 'Linear 84', 'ReLU 84', 'Linear 10']);
  assert.deepEqual((page as Page & { errors: string[] }).errors, []);
  await page.close();
});

test('drawing real MNIST digits stroke by stroke gives the right class', { skip: missing, timeout: 120_000 }, async () => {
  const page = await openPage();
  for (const label of [7, 2, 0, 4]) {
    const { pixels } = mnistTestDigit(firstTestIndexOf(label));
    await drawDigit(page, pixels);
    assert.equal(await predicted(page), String(label), `drew a ${label}`);
    await shot(page, `drawn-${label}`);
  }
  // Undo takes the last stroke away; clear empties the pad.
  const n = await updates(page);
  await page.click('#undo');
  await settled(page, n);
  await page.click('#clear');
  await page.waitForFunction(() => document.getElementById('prediction')!.dataset['class'] === undefined, null, WAIT);
  await page.close();
});

test('a picked MNIST test digit is classified, and hovering a unit shows its exact receptive field and arithmetic', { skip: missing }, async () => {
  const page = await openPage();
  await page.click('.sample[data-label="3"]');
  await page.waitForFunction(() => document.getElementById('prediction')!.dataset['class'] === '3', null, WAIT);
  // Unit (channel 2, row 5, column 7) of the second conv: 5x5 conv (pad 2), 2x2 pool, 5x5 conv → input rows 8..21, columns 12..25.
  const p = await unitPoint(page, 'features.3', 2, 5, 7);
  await page.mouse.move(p.x, p.y);
  await page.waitForFunction(() => document.getElementById('trace')!.dataset['unit'] === '2,5,7', null, WAIT);
  const rf: Record<string, unknown> = await page.locator('#rf-box').evaluate((e: HTMLElement) => ({ ...e.dataset, hidden: e.hidden }));
  assert.deepEqual({ y0: rf['y0'], y1: rf['y1'], x0: rf['x0'], x1: rf['x1'], hidden: rf.hidden }, { y0: '8', y1: '21', x0: '12', x1: '25', hidden: false });
  assert.deepEqual(receptiveField(lenet(), [1, 28, 28], 'features.3', [5, 7]), { y0: 8, y1: 21, x0: 12, x1: 25 });
  // The box covers exactly those pixels of the input picture.
  const input = (await page.locator('#model-input').boundingBox())!;
  const box = (await page.locator('#rf-box').boundingBox())!;
  const px = input.width / 28;
  assert.ok(Math.abs(box.x - (input.x + 12 * px)) < 1.5 && Math.abs(box.y - (input.y + 8 * px)) < 1.5, JSON.stringify({ input, box }));
  assert.ok(Math.abs(box.width - 14 * px) < 1.5 && Math.abs(box.height - 14 * px) < 1.5, JSON.stringify({ input, box }));
  // The arithmetic shown adds up to the value the model computed.
  const trace: Record<string, string> = await page.locator('#trace').evaluate((e: HTMLElement) => ({ ...(e.dataset as Record<string, string>), text: e.textContent ?? '' }));
  assert.ok(Math.abs(Number(trace['value']) - Number(trace['recomputed'])) < 1e-3 * Math.max(1, Math.abs(Number(trace['value']))), JSON.stringify(trace));
  assert.match(trace['text']!, /input patch × filter 2 \(6 channels × 5×5\)/);
  assert.match(trace['text']!, /ReLU/);
  // A class bar shows that class's saliency over the input.
  await page.click('.bars li[data-class="3"]');
  await page.waitForFunction(() => document.getElementById('saliency')?.dataset['label'] === '3', null, WAIT);
  assert.ok(Number(await page.locator('#saliency').getAttribute('data-max')) > 0);
  const again = await unitPoint(page, 'features.3', 2, 5, 7);
  await page.mouse.move(again.x, again.y);
  await page.waitForFunction(() => document.getElementById('trace')!.dataset['unit'] === '2,5,7', null, WAIT);
  await shot(page, 'receptive-field');
  await page.click('.bars li[data-class="3"]');
  await page.waitForSelector('#saliency[hidden]', { state: 'attached', ...WAIT });
  // A unit of the first conv at the corner sees a 3x3 corner of the image (the rest of its 5x5 window is padding).
  const q = await unitPoint(page, 'features.0', 0, 0, 0);
  await page.mouse.move(q.x, q.y);
  await page.waitForFunction(() => document.getElementById('rf-box')!.dataset['y1'] === '2', null, WAIT);
  const corner = await page.locator('#rf-box').evaluate((e: HTMLElement) => ({ ...e.dataset }));
  assert.deepEqual({ ...corner }, { y0: '0', y1: '2', x0: '0', x1: '2' });
  await page.close();
});

test('editing a first-layer filter changes its feature map; zero makes it 0; reset restores it', { skip: missing }, async () => {
  const page = await openPage();
  await page.click('.sample[data-label="7"]');
  await page.waitForFunction(() => document.getElementById('prediction')!.dataset['class'] === '7', null, WAIT);
  // Where Sobel x answers most strongly on this digit, and what it answers (the model's input is (pixel/255 - 0.1307) / 0.3081;
  // Sobel's weights sum to 0, so the mean drops out).
  const { pixels } = mnistTestDigit(Number(await page.locator('.sample[data-label="7"]').first().getAttribute('data-index')));
  const sobel = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];
  let best = { y: 0, x: 0, v: 0 };
  for (let y = 1; y < 27; y++) {
    for (let x = 1; x < 27; x++) {
      let v = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) v += (sobel[i]![j]! * pixels[(y + i - 1) * 28 + x + j - 1]!) / 255 / 0.3081;
      if (Math.abs(v) > Math.abs(best.v)) best = { y, x, v };
    }
  }
  const hoverValue = async (): Promise<number> => {
    await page.mouse.move(0, 0);
    const p = await unitPoint(page, 'features.0', 0, best.y, best.x);
    await page.mouse.move(p.x, p.y);
    await page.waitForFunction((u) => document.getElementById('trace')!.dataset['unit'] === u, `0,${best.y},${best.x}`, WAIT);
    return Number(await page.locator('#trace').getAttribute('data-value'));
  };
  const trained = await hoverValue();
  await page.click('canvas.filter[data-filter="0"]');
  await page.click('#kernel-zero');
  assert.equal(await hoverValue(), 0);
  await page.selectOption('#kernel-preset', 'Sobel x (vertical edges)');
  await page.fill('#kernel-bias', '0');
  await page.click('#kernel-apply');
  const edited = await hoverValue();
  assert.ok(Math.abs(edited - best.v) < 1e-3 * Math.abs(best.v), `Sobel x at (${best.y}, ${best.x}): page ${edited}, expected ${best.v}`);
  assert.match(await page.locator('#kernel-text').inputValue(), /^0 0 0 0 0\n0 -1 0 1 0\n0 -2 0 2 0\n0 -1 0 1 0\n0 0 0 0 0$/);
  // A kernel that does not fit is refused with a message; the weights stay.
  await page.fill('#kernel-text', '1 2\n3 4');
  await page.click('#kernel-apply');
  assert.match((await page.locator('.status').textContent()) ?? '', /does not fit this 5x5 filter/);
  assert.equal(await hoverValue(), edited);
  await shot(page, 'filter-edit');
  await page.click('#kernel-reset');
  assert.ok(Math.abs((await hoverValue()) - trained) < 1e-6);
  await page.close();
});

test('a model file opened through the file input replaces the view; a bad one is refused with a message and the previous model stays', { skip: missing }, async () => {
  manualSeed(3);
  const colour = join(tmp, 'colour-4-classes.fovea');
  writeFileSync(colour, encodeModel(classic({ inputShape: [3, 16, 16], numClasses: 4 }), {
    inputShape: [3, 16, 16], normalize: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, classNames: ['cat', 'dog', 'cow', 'owl'],
  }));
  const page = await openPage();
  await page.setInputFiles('#model-file', colour);
  await page.waitForFunction(() => document.body.dataset['model'] === 'colour-4-classes.fovea', null, WAIT);
  const state = await page.evaluate(() => ({ classes: document.body.dataset['classes'], layers: document.body.dataset['layers'], bars: document.querySelectorAll('.bars li').length, names: [...document.querySelectorAll('.bars .name')].map((e) => e.textContent) }));
  assert.deepEqual(state, { classes: '4', layers: '10', bars: 4, names: ['cat', 'dog', 'cow', 'owl'] });
  const layers = await page.locator('section.layer').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['shape']));
  assert.deepEqual(layers.slice(0, 3), ['16,16,16', '16,16,16', '16,16,16']);
  // A 3-channel model's first-layer filters and its receptive fields (3x3, pad 1: the unit at (4, 4) sees rows and columns 3..5).
  const p = await unitPoint(page, 'features.0', 5, 4, 4);
  await page.mouse.move(p.x, p.y);
  await page.waitForFunction(() => document.getElementById('rf-box')!.dataset['y0'] === '3', null, WAIT);
  assert.match((await page.locator('#trace').textContent()) ?? '', /3 channels × 3×3/);
  // A 3-channel model opens in photo mode; the mode switch brings the pad back.
  assert.equal(await page.evaluate(() => document.body.dataset['mode']), 'photo');
  await page.click('#mode-draw');
  const { pixels } = mnistTestDigit(0);
  await drawDigit(page, pixels);
  assert.match((await predicted(page)) ?? '', /^[0-3]$/);
  await shot(page, 'colour-model');

  // Not a model at all.
  const junk = join(tmp, 'not-a-model.fovea');
  writeFileSync(junk, 'this is not a model file, just some text');
  await page.setInputFiles('#model-file', junk);
  await page.waitForSelector('#model-error:not([hidden])', WAIT);
  assert.match((await page.locator('#model-error').textContent()) ?? '', /not-a-model\.fovea/);
  assert.equal(await page.evaluate(() => document.body.dataset['model']), 'colour-4-classes.fovea');
  await shot(page, 'bad-model');

  // A model with a layer type fovea does not know.
  class Mystery extends ReLU {
    override spec(): ModuleSpec {
      return { type: 'Mystery', args: {} };
    }
  }
  const odd = join(tmp, 'mystery-layer.fovea');
  writeFileSync(odd, encodeModel(new Sequential(new Conv2d(1, 2, 3), new Mystery(), new Flatten(), new Linear(2 * 26 * 26, 10)), {
    inputShape: [1, 28, 28], normalize: { mean: [0], std: [1] }, classNames: [],
  }));
  await page.setInputFiles('#model-file', odd);
  await page.waitForFunction(() => /Mystery/.test(document.getElementById('model-error')!.textContent ?? ''), null, WAIT);
  assert.match((await page.locator('#model-error').textContent()) ?? '', /unknown module type 'Mystery'/);
  assert.equal(await page.evaluate(() => document.body.dataset['model']), 'colour-4-classes.fovea');
  assert.equal(await page.locator('.bars li').count(), 4);

  // An ONNX model opens too (its layers come from the ONNX graph).
  const onnx = join(tmp, 'lenet.onnx');
  writeFileSync(onnx, exportOnnx(lenet(), { inputShape: [1, 28, 28] }));
  await page.setInputFiles('#model-file', onnx);
  await page.waitForFunction(() => document.body.dataset['model'] === 'lenet.onnx', null, WAIT);
  assert.equal(await page.locator('#model-error').isHidden(), true);
  const onnxLayers = await page.locator('section.layer').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['type']));
  assert.deepEqual(onnxLayers, ['Conv2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'ReLU', 'MaxPool2d', 'Flatten', 'Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']);

  // Drag and drop: a file dropped anywhere on the page opens (here the served model, under another name).
  await page.evaluate(async () => {
    const bytes = await (await fetch('./model.fovea')).arrayBuffer();
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'dropped.fovea'));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => document.body.dataset['model'] === 'dropped.fovea', null, WAIT);
  assert.equal(await page.evaluate(() => document.body.classList.contains('dragging')), false);
  await page.close();
});

test('training in the worker draws loss and accuracy curves and updates the filters; pause, resume and stop work', { skip: missing, timeout: 120_000 }, async () => {
  const page = await openPage();
  await page.locator('#train').scrollIntoViewIfNeeded();
  await page.selectOption('#train-model', 'lenet');
  await page.fill('#train-epochs', '50'); // more than the test waits for: it stops the run itself
  await page.click('#train-start');
  const points = (): Promise<number> => page.evaluate(() => Number(document.getElementById('loss-chart')!.dataset['points'] ?? 0));
  await page.waitForFunction(() => Number(document.getElementById('loss-chart')!.dataset['points']) >= 3, null, { timeout: 60_000 });
  await page.waitForFunction(() => Number(document.getElementById('train-filters')!.dataset['step']) >= 10, null, { timeout: 60_000 });
  assert.equal(await page.locator('#train-filters canvas').count(), 6);
  // the worker trains on the wasm backend's thread pool (every core), not on one thread
  const threads = Number(await page.locator('#train').getAttribute('data-threads'));
  assert.ok(threads >= Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency)), `training worker used ${threads} thread(s)`);
  assert.ok(await page.locator('#loss-chart svg polyline').count() >= 1);
  // The page stays responsive while the worker trains: a picked digit is still classified.
  await page.click('.sample[data-label="1"]');
  await page.waitForFunction(() => document.getElementById('prediction')!.dataset['class'] === '1', null, WAIT);
  await page.click('#train-pause');
  await page.waitForFunction(() => document.getElementById('train-pause')!.textContent === 'Resume', null, WAIT);
  const paused = await points();
  await page.click('#train-pause');
  await page.waitForFunction((n) => Number(document.getElementById('loss-chart')!.dataset['points']) > n, paused, { timeout: 60_000 });
  await shot(page, 'training');
  await page.click('#train-stop');
  await page.waitForFunction(() => document.getElementById('train')!.dataset['state'] === 'done', null, { timeout: 60_000 });
  assert.match((await page.locator('#train-status').textContent()) ?? '', /stopped after \d+ steps/);
  await page.click('#train-explore');
  await page.waitForFunction(() => document.body.dataset['model'] === 'trained in the page', null, WAIT);
  assert.equal(await page.locator('section.layer').count(), 12);
  await page.close();
});

test('on a phone-sized touch screen the page fits the width and a finger draws on the pad', { skip: missing }, async () => {
  const page = await openPage({ width: 390, height: 844 }, { hasTouch: true, isMobile: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  const box = (await page.locator('#pad').boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const at = (fx: number, fy: number): { x: number; y: number } => ({ x: box.x + fx * box.width, y: box.y + fy * box.height });
  // a "1": one vertical finger stroke
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0.5, 0.2)] });
  for (let i = 1; i <= 12; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(0.5, 0.2 + (0.6 * i) / 12)] });
  const n = await updates(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await settled(page, n);
  assert.equal(await predicted(page), '1');
  // tapping a unit traces it
  const p = await unitPoint(page, 'features.2', 1, 3, 3);
  await page.touchscreen.tap(p.x, p.y);
  await page.waitForFunction(() => document.getElementById('trace')!.dataset['unit'] === '1,3,3', null, WAIT);
  assert.equal(await page.locator('#rf-box').getAttribute('data-y0'), '4');
  await shot(page, 'phone');
  await page.close();
});

test('the server refuses traversal and huge bodies while the page is open, and keeps serving', { skip: missing }, async () => {
  const bad = await fetch(new URL('/..%2f..%2fpackage.json', server.url));
  assert.equal(bad.status, 403);
  const huge = await fetch(new URL('/', server.url), { method: 'POST', body: new Uint8Array(2 * 1024 * 1024) }).catch((e: Error) => e);
  if (!(huge instanceof Error)) assert.equal(huge.status, 413);
  const page = await openPage();
  assert.equal(await page.evaluate(() => document.body.dataset['ready']), 'true');
  await page.close();
  assert.match(server.stderr(), /403 GET/);
});
