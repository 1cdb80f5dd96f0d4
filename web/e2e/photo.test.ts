// Photo mode in a real browser: the flowers model shipped with the app, a real
// flower photo through the file input, the top-5 classes with full names,
// Grad-CAM after choosing a class, and `fovea serve flowers.fovea` opening in
// photo mode on a phone. Needs the shared flowers photos (../shared/data
// beside the repository, or $FOVEA_SHARED_DATA); skips, saying so, without them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startServe, type ServeProcess } from './serve-process.js';

const CHROMIUM = process.env['FOVEA_CHROMIUM'] ?? '/usr/bin/chromium';
// Chromium's fake camera (a synthetic test pattern) stands in for a webcam, permission granted without a prompt.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
const SHOTS = join(ROOT, 'test-artifacts', 'browser');
const WAIT = { timeout: 30_000 };
const FLOWERS = join(process.env['FOVEA_SHARED_DATA'] || join(ROOT, '..', 'shared', 'data'), 'flowers');
const CLASSES = ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips'];
const MODEL = join(ROOT, 'web', 'public', 'models', 'flowers.fovea');
const missing = !existsSync(CHROMIUM) ? `Chromium not found at ${CHROMIUM}: install Debian's chromium or set FOVEA_CHROMIUM`
  : !existsSync(FLOWERS) ? `no flower photos at ${FLOWERS} (the shared data folder; set FOVEA_SHARED_DATA): photo-mode tests skipped` : false;
if (missing && process.env['CI'] && !existsSync(CHROMIUM)) throw new Error(missing);

let browser: Browser;
const servers: ServeProcess[] = [];

before(async () => {
  if (missing) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
});

/** The first photo of a class, sorted by name (the same one every run). */
function photo(cls: string): string {
  const dir = join(FLOWERS, cls);
  return join(dir, readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort()[0]!);
}

async function open(args: string[], viewport: { width: number; height: number }, extra: { hasTouch?: boolean; isMobile?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const server = await startServe(args);
  servers.push(server);
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, ...extra });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  return { page, errors };
}

/** Gives the page a photo through its file input and waits for the prediction. */
async function givePhoto(page: Page, file: string): Promise<void> {
  await page.setInputFiles('#photo-file', file);
  await page.waitForFunction((name) => document.body.dataset['photo'] === name && document.getElementById('prediction')!.dataset['class'] !== undefined,
    file.split('/').pop(), WAIT);
}

/** The class names shown; `cut` when one is clipped or broken over two lines. */
const names = (page: Page): Promise<{ text: string; cut: boolean }[]> => page.locator('.bars .name').evaluateAll((els) =>
  els.map((e) => ({ text: e.textContent ?? '', cut: e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(e).fontSize) })));

/** Hands the page a photo as a paste (Ctrl+V) or a drop would: a File in a DataTransfer. */
async function sendPhoto(page: Page, file: string, how: 'paste' | 'drop'): Promise<void> {
  const base64 = readFileSync(file).toString('base64');
  await page.evaluate(([data, name, kind]) => {
    const bytes = Uint8Array.from(atob(data!), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name!, { type: 'image/jpeg' }));
    if (kind === 'paste') document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    else document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [base64, file.split('/').pop()!, how]);
  await page.waitForFunction((name) => document.body.dataset['photo'] === name && document.getElementById('prediction')!.dataset['class'] !== undefined,
    file.split('/').pop(), WAIT);
}

test('choosing the flowers model, a flower photo gets its top-5 classes in full, and a class its Grad-CAM and saliency', { skip: missing, timeout: 120_000 }, async () => {
  const { page, errors } = await open([], { width: 1400, height: 900 });
  assert.equal(await page.evaluate(() => document.body.dataset['mode']), 'draw');
  await page.selectOption('#model-choice', 'flowers');
  await page.waitForFunction(() => document.body.dataset['model'] === 'flowers.fovea', null, WAIT);
  assert.equal(await page.evaluate(() => document.body.dataset['mode']), 'photo', 'a 3-channel model opens in photo mode');
  assert.ok(await page.locator('#draw-card').isHidden());
  await givePhoto(page, photo('sunflowers'));
  const shown = await names(page);
  assert.deepEqual(shown.map((n) => n.text).sort(), CLASSES, 'all 5 classes, by their full names');
  assert.ok(shown.every((n) => !n.cut), `a class name is cut: ${JSON.stringify(shown)}`);
  // The preprocessing: the model was trained with fit 'cover', so a centre crop is boxed on the original.
  assert.equal(await page.locator('#fit-note').getAttribute('data-fit'), 'cover');
  const crop = await page.locator('#crop-box').evaluate((e) => ({ ...(e as HTMLElement).dataset }));
  assert.equal(crop['width'], crop['height'], 'the crop of a 64x64 input is square');
  assert.equal(await page.locator('#normalisation tbody tr').count(), 3);
  // A class pressed: its Grad-CAM over the photo, not blank.
  await page.locator('.bars li').nth(1).click();
  await page.waitForSelector('#grad-cam', WAIT);
  const spread = await page.locator('#grad-cam').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let lo = 255, hi = 0;
    for (let i = 0; i < d.length; i += 4) { lo = Math.min(lo, d[i]!); hi = Math.max(hi, d[i]!); }
    return hi - lo;
  });
  assert.ok(spread > 30, `Grad-CAM canvas looks blank (red channel spread ${spread})`);
  assert.ok(Number(await page.locator('#grad-cam').getAttribute('data-max')) > 0);
  assert.ok(await page.locator('#saliency-map').isVisible());
  // Every layer is shown for the photo, and hovering a unit draws its receptive field on the input.
  const first = page.locator('section.layer canvas').first();
  await first.scrollIntoViewIfNeeded();
  const box = (await first.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.waitForSelector('#rf-box:not([hidden])', WAIT);
  // ... and on the original photo, inside the crop box.
  await page.waitForSelector('#photo-rf:not([hidden])', WAIT);
  const [rf, cropBox] = await Promise.all(['#photo-rf', '#crop-box'].map(async (sel) => (await page.locator(sel).boundingBox())!));
  assert.ok(rf!.x >= cropBox!.x - 1 && rf!.x + rf!.width <= cropBox!.x + cropBox!.width + 1, 'the receptive field lies inside the crop');
  await page.screenshot({ path: join(SHOTS, 'photo-flowers.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('`fovea serve flowers.fovea` opens in photo mode and fits a phone screen with a photo open', { skip: missing || (!existsSync(MODEL) && 'web/public/models/flowers.fovea is missing'), timeout: 120_000 }, async () => {
  const { page, errors } = await open([MODEL], { width: 390, height: 844 }, { hasTouch: true, isMobile: true });
  assert.equal(await page.evaluate(() => document.body.dataset['mode']), 'photo');
  await givePhoto(page, photo('daisy'));
  await page.locator('.bars li').first().click();
  await page.waitForSelector('#grad-cam', WAIT);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  assert.ok((await names(page)).every((n) => !n.cut));
  await page.screenshot({ path: join(SHOTS, 'photo-phone.png'), fullPage: true });
  // A pasted photo and a dropped one replace it (a dropped picture is a photo, not a model).
  await sendPhoto(page, photo('tulips'), 'paste');
  await sendPhoto(page, photo('roses'), 'drop');
  assert.equal(await page.evaluate(() => document.body.dataset['model']), 'flowers.fovea');
  assert.ok(await page.locator('#model-error').isHidden());
  // The webcam: one captured frame is classified like any photo.
  await page.click('#webcam');
  await page.waitForSelector('#capture:not([hidden])', WAIT);
  await page.waitForFunction(() => (document.getElementById('webcam-video') as HTMLVideoElement).videoWidth > 0, null, WAIT);
  await page.click('#capture');
  await page.waitForFunction(() => document.body.dataset['photo'] === 'webcam capture', null, WAIT);
  await page.click('#webcam'); // stops it
  await page.waitForSelector('#capture[hidden]', { state: 'attached', ...WAIT });
  assert.deepEqual(errors, []);
  await page.close();
});
