// Every mistake one click away, in the web app: the page's model on its 1,000
// MNIST test digits. A confusion-matrix click lists exactly that cell's
// digits, the surest first, as the model itself ranks them (recomputed here in
// Node from the same model file and the same digit file the page loads); a
// click on one shows its probabilities, saliency and Grad-CAM. A model that
// does not take digits is refused with its shape named; on a phone the view
// fits the screen's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoader, ImageDataset, noGrad } from 'fovea';
import { loadAnyModel } from 'fovea/node';
import { ROOT } from './serve-process.js';
import { inViewport, missing, openPage, SHOTS, startSession, stopSession, WAIT, type Session, type TestPage } from './page-helpers.js';

let session: Session;
before(async () => {
  if (!missing) session = await startSession();
});
after(() => stopSession(session));

interface Ranked { index: number; actual: number; predicted: number; confidence: number }

/** The app's test digits (web/public/data, written by the build) through its shipped digit model, in Node. */
function rankTestDigits(): Ranked[] {
  const { model, meta } = loadAnyModel(join(ROOT, 'web', 'public', 'models', 'digits.fovea'));
  model.eval();
  const { splits } = JSON.parse(readFileSync(join(ROOT, 'web', 'public', 'data', 'mnist.json'), 'utf8')) as { splits: { test: { count: number; file: string } } };
  const { count, file } = splits.test;
  const bytes = new Uint8Array(readFileSync(join(ROOT, 'web', 'public', 'data', file)));
  const set = new ImageDataset(bytes.subarray(count), bytes.subarray(0, count), [1, 28, 28], meta.classNames);
  const out: Ranked[] = [];
  for (const { x, y, indices } of new DataLoader(set, { batchSize: 500, normalize: meta.normalize })) {
    const p = noGrad(() => model.forward(x).softmax(1)).data;
    for (let i = 0; i < y.length; i++) {
      const row = p.subarray(i * 10, i * 10 + 10);
      let k = 0;
      for (let j = 1; j < 10; j++) if (row[j]! > row[k]!) k = j;
      out.push({ index: indices[i]!, actual: y[i]!, predicted: k, confidence: row[k]! });
    }
  }
  return out;
}

/** Opens the app, presses the button and waits for the view. */
async function openMistakes(viewport: { width: number; height: number }, extra: { hasTouch?: boolean; isMobile?: boolean } = {}): Promise<TestPage> {
  const page = await openPage(session, viewport, extra);
  await page.locator('#mistakes-run').scrollIntoViewIfNeeded();
  await page.click('#mistakes-run');
  await page.waitForSelector('#mistakes[data-state="ready"]', { timeout: 60_000 });
  return page;
}

/** Clicks cell (a, p) and returns the test-set indices of the thumbnails it lists, in order. */
async function clickCell(page: TestPage, a: number, p: number, tap = false): Promise<number[]> {
  const cell = page.locator(`#mistakes-view .mistakes-cell[data-actual="${a}"][data-predicted="${p}"]`);
  if (tap) await cell.tap();
  else await cell.click();
  await page.waitForSelector(`#mistakes-list[data-cell="${a},${p}"]`, WAIT);
  return page.locator('#mistakes-list .mistakes-thumb').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset['index'])));
}

test('the web app: the current model\'s mistakes on the test digits; a cell lists exactly its digits, surest first; one click shows probabilities, saliency and Grad-CAM', { skip: missing, timeout: 120_000 }, async () => {
  const ranked = rankTestDigits();
  const cell = (a: number, p: number): Ranked[] => ranked.filter((r) => r.actual === a && r.predicted === p).sort((x, y) => y.confidence - x.confidence || x.index - y.index);
  const wrong = ranked.filter((r) => r.actual !== r.predicted);
  const page = await openMistakes({ width: 1280, height: 900 });
  const status = (await page.locator('#mistakes-status').textContent())!;
  assert.match(status, new RegExp(`^digits\\.fovea on 1,000 test digits: ${(100 - wrong.length / 10).toFixed(1)}% right, ${wrong.length} mistakes `));
  // every cell's count is the model's
  const shown = await page.locator('#mistakes-view .mistakes-cell').evaluateAll((els) => els.map((e) => [Number((e as HTMLElement).dataset['actual']), Number((e as HTMLElement).dataset['predicted']), Number(e.textContent || 0)]));
  assert.equal(shown.length, 100);
  for (const [a, p, c] of shown) assert.equal(c, cell(a!, p!).length, `cell actual ${a}, predicted ${p}`);
  // every mistake: each non-empty off-diagonal cell lists exactly its digits (at most 16), in the model's order of confidence
  let worst: [number, number] = [0, 0];
  for (let a = 0; a < 10; a++) {
    for (let p = 0; p < 10; p++) {
      const want = cell(a, p);
      if (a === p || !want.length) continue;
      if (want.length > cell(...worst).length || worst[0] === worst[1]) worst = [a, p];
      assert.deepEqual(await clickCell(page, a, p), want.slice(0, 16).map((r) => r.index), `cell actual ${a}, predicted ${p}`);
    }
  }
  assert.ok(wrong.length >= 5 && worst[0] !== worst[1], `${wrong.length} mistakes`);
  // a diagonal cell: the 16 surest of its digits (confidences near 1 may tie to within float rounding between backends)
  const right = cell(7, 7);
  const listed = await clickCell(page, 7, 7);
  assert.equal(listed.length, Math.min(16, right.length));
  const conf = listed.map((i) => ranked[i]!);
  assert.ok(conf.every((r) => r.actual === 7 && r.predicted === 7), 'all are 7s taken for 7s');
  for (let i = 1; i < conf.length; i++) assert.ok(conf[i]!.confidence <= conf[i - 1]!.confidence + 1e-5, `surest first: ${conf.map((r) => r.confidence)}`);
  assert.ok(conf[conf.length - 1]!.confidence >= right[listed.length - 1]!.confidence - 1e-5, 'none surer was left out');
  assert.match((await page.locator('#mistakes-list p').first().textContent())!, new RegExp(`^Actual 7, predicted 7: ${right.length} images, the 16 the model was surest of, surest first`));
  // the worst confusion, its last digit: that digit's probabilities, saliency and Grad-CAM
  const digits = cell(...worst).slice(0, 16);
  await clickCell(page, ...worst);
  const last = digits[digits.length - 1]!;
  await page.click(`.mistakes-thumb[data-index="${last.index}"]`);
  await page.waitForSelector(`#mistakes-detail[data-index="${last.index}"]`, WAIT);
  const detail = (await page.locator('#mistakes-detail').textContent())!;
  const said = new RegExp(`Test image #${last.index}: actual ${worst[0]}, predicted ${worst[1]} \\(([\\d.]+)%\\)`).exec(detail);
  assert.ok(said, detail);
  const close = (v: string): boolean => Math.abs(Number(v) - 100 * last.confidence) <= 0.06;
  assert.ok(close(said[1]!), `${said[1]}% shown, ${100 * last.confidence}% computed`);
  const bars = await page.locator('#mistakes-detail .mistakes-bar').evaluateAll((els) => els.map((e) => [e.firstChild!.textContent!, e.lastChild!.textContent!.replace('%', '')]));
  assert.ok(bars.some(([name, v]) => name === String(worst[1]) && close(v!)), JSON.stringify(bars));
  assert.ok(bars.some(([name]) => name === `${worst[0]} (actual)`), JSON.stringify(bars));
  const captions = await page.locator('#mistakes-detail figcaption').allTextContents();
  assert.deepEqual(captions.map((c) => c.replace(/ at \S+$/, ' at …')), ['the image', `saliency for ${worst[1]}`, `Grad-CAM for ${worst[1]} at …`]);
  // the tiles come from the sprite sheets the page made (data: URLs), and the maps are drawn over the digit
  const tiles = page.locator('#mistakes-detail .mistakes-tile');
  assert.match(await tiles.first().evaluate((e) => getComputedStyle(e).backgroundImage), /^url\("data:image\/png;base64,/);
  const [image, saliency, gradcam] = await Promise.all([0, 1, 2].map(async (i) => (await tiles.nth(i).screenshot()).toString('base64')));
  assert.notEqual(saliency, image);
  assert.notEqual(gradcam, image);
  await page.locator('#mistakes').screenshot({ path: join(SHOTS, 'web-mistakes.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('on a phone (390x844) the mistakes view fits the screen\'s width: a tapped cell lists its digits and shows one', { skip: missing, timeout: 120_000 }, async () => {
  const page = await openMistakes({ width: 390, height: 844 }, { hasTouch: true, isMobile: true });
  const width = (): Promise<[number, number]> => page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  const [a, p] = await page.locator('#mistakes-view .mistakes-cell:not(:disabled):not(.mistakes-diag)').first()
    .evaluate((e) => [Number((e as HTMLElement).dataset['actual']), Number((e as HTMLElement).dataset['predicted'])]);
  // the cell tapped at the bottom of the screen: its digits come into view below the matrix
  const cell = page.locator(`#mistakes-view .mistakes-cell[data-actual="${a}"][data-predicted="${p}"]`);
  await cell.evaluate((e) => e.scrollIntoView({ block: 'end' }));
  assert.ok(!(await inViewport(page, '#mistakes-list')), 'the list starts below the fold');
  assert.ok((await clickCell(page, a!, p!, true)).length > 0);
  await page.waitForSelector('#mistakes-detail .mistakes-bar', WAIT);
  assert.ok(await inViewport(page, '#mistakes-list .mistakes-thumb'), 'the tapped cell\'s digits are on screen');
  // (a mobile browser widens its window to content wider than the screen: the window must stay 390 px)
  const [scroll, inner] = await width();
  assert.ok(scroll <= 390 && inner === 390, `the page is ${scroll} px wide, the window ${inner} px, on a 390 px screen`);
  // the whole matrix (no sideways scroll for 10 classes), the list and the detail each lie within the screen's width
  for (const sel of ['#mistakes-view .mistakes-matrix', '#mistakes-list', '#mistakes-detail']) {
    const box = (await page.locator(sel).boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `${sel}: x ${box.x}..${box.x + box.width}`);
  }
  await page.locator('#mistakes').screenshot({ path: join(SHOTS, 'web-mistakes-390x844.png') });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a model that does not take 28x28 digits is named with its shape, not run on them', { skip: missing, timeout: 120_000 }, async () => {
  const page = await openPage(session);
  await page.selectOption('#model-choice', 'flowers');
  await page.waitForFunction(() => document.body.dataset['model'] === 'flowers.fovea', null, WAIT);
  await page.locator('#mistakes-run').scrollIntoViewIfNeeded();
  await page.click('#mistakes-run');
  await page.waitForSelector('#mistakes[data-state="error"]', WAIT);
  assert.match((await page.locator('#mistakes-status').textContent())!,
    /^flowers\.fovea takes \[3, \d+, \d+\] and gives 5 classes; the page's test set is 1,000 MNIST digits \(1 x 28 x 28, 10 classes\): open or train a digit model$/);
  assert.equal(await page.locator('#mistakes-view .mistakes-cell').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});
