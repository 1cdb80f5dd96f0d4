// The interactive tutorial in a real browser: a photo through the file
// input gives, picture for picture, exactly what `fovea tutorial` writes for
// it (both call the library's edgeTutorial); editing, negating and
// transposing a filter redraws the maps; a cell that is not a number is
// named. Needs the shared flowers photos for the photo (skips without them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { loadImageFile } from 'fovea/node';
import { ROOT, type ServeProcess } from './serve-process.js';
import { FLOWERS, missingWithFlowers, SHOTS, startSession, stopSession, WAIT } from './page-helpers.js';

const missing = missingWithFlowers('tutorial-page tests');

let browser: Browser;
let server: ServeProcess;
const tmp = mkdtempSync(join(tmpdir(), 'fovea-tutorial-'));

before(async () => {
  if (missing) return;
  ({ browser, server } = await startSession());
});
after(async () => {
  await stopSession({ browser, server });
  rmSync(tmp, { recursive: true, force: true });
});

const FILES = ['01-input.png', '02-filters.png', '03-feature-maps.png', '04-after-relu.png', '05-after-max-pool.png', '06-sobel-x.png', '07-sobel-y.png', '08-sobel-edges.png'];

/** Every figure of the page as RGB bytes, by file name. */
async function figures(page: Page): Promise<Record<string, { width: number; height: number; rgb: Buffer }>> {
  const shown = await page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll<HTMLCanvasElement>('#tutorial-sections canvas')].map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const rgb = new Uint8Array((d.length / 4) * 3);
      for (let i = 0, o = 0; i < d.length; i += 4) {
        rgb[o++] = d[i]!;
        rgb[o++] = d[i + 1]!;
        rgb[o++] = d[i + 2]!;
      }
      let text = '';
      for (let i = 0; i < rgb.length; i += 0x8000) text += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
      return [c.dataset['file']!, { width: c.width, height: c.height, base64: btoa(text) }];
    })));
  return Object.fromEntries(Object.entries(shown).map(([f, v]) => [f, { width: v.width, height: v.height, rgb: Buffer.from(v.base64, 'base64') }]));
}

const updates = (page: Page): Promise<number> => page.evaluate(() => Number(document.body.dataset['updates'] ?? 0));

async function typeCell(page: Page, f: number, r: number, c: number, text: string): Promise<void> {
  const n = await updates(page);
  await page.fill(`.kernel-cell[data-f="${f}"][data-r="${r}"][data-c="${c}"]`, text);
  if (!Number.isNaN(Number(text))) await page.waitForFunction((before) => Number(document.body.dataset['updates']) > before, n, WAIT);
}

const cellsOf = (page: Page, f: number): Promise<string[]> => page.locator(`.kernel-cell[data-f="${f}"]`).evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));

test('the tutorial page draws what `fovea tutorial` writes for the same photo, and follows edited filters', { skip: missing, timeout: 120_000 }, async () => {
  // A PNG photo under 256 px: no resizing, and PNG decodes to the same pixels in the browser as in Node.
  const dir = join(FLOWERS, 'sunflowers');
  const jpeg = join(dir, readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort()[0]!);
  const photo = join(tmp, 'sunflower.png');
  await sharp(jpeg).resize(200, 150, { fit: 'cover' }).png().toFile(photo);
  const out = join(tmp, 'cli');
  execFileSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'tutorial', photo, '-o', out]);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server.url}tutorial.html`);
  await page.waitForSelector('body[data-ready="true"][data-photo="test picture"]', WAIT);
  await page.waitForFunction(() => Number(document.body.dataset['updates']) > 0, null, WAIT);
  const n = await updates(page);
  await page.setInputFiles('#photo-file', photo);
  await page.waitForFunction((before) => document.body.dataset['photo'] === 'sunflower.png' && Number(document.body.dataset['updates']) > before, n, WAIT);
  assert.match(await page.locator('#photo-name').textContent() ?? '', /200 × 150 pixels/);

  const cli = Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, await loadImageFile(join(out, f), { channels: 3 })] as const)));
  const same = async (what: string): Promise<void> => {
    const shown = await figures(page);
    assert.deepEqual(Object.keys(shown), FILES, 'the eight pictures of fovea tutorial, in order');
    for (const f of FILES) {
      const c = cli[f]!;
      assert.deepEqual([shown[f]!.width, shown[f]!.height], [c.width, c.height], `${f}: size (${what})`);
      assert.ok(shown[f]!.rgb.equals(c.data), `${f}: the page's pixels differ from fovea tutorial's (${what})`);
    }
  };
  await same('the photo as given');

  // A cell that is not a number is named, and nothing is redrawn until it is one.
  await typeCell(page, 0, 1, 2, 'x');
  await page.waitForSelector('#kernel-error:not([hidden])', WAIT);
  assert.equal(await page.locator('#kernel-error').textContent(), "filter 1, row 2, column 3: 'x' is not a number");
  assert.equal(await page.locator('.kernel-cell[data-f="0"][data-r="1"][data-c="2"]').getAttribute('aria-invalid'), 'true');
  // An edited weight changes the filters and the maps, and the page says they are the user's own.
  await typeCell(page, 0, 1, 2, '-3');
  assert.ok(await page.locator('#kernel-error').isHidden());
  const edited = await figures(page);
  assert.ok(!edited['03-feature-maps.png']!.rgb.equals(cli['03-feature-maps.png']!.data), 'the feature maps follow the edited filter');
  assert.ok(edited['01-input.png']!.rgb.equals(cli['01-input.png']!.data), 'the input does not change');
  assert.equal(await page.locator('.tutorial-step h2').nth(1).textContent(), '2. Your 4 hand-set filters');
  await page.screenshot({ path: join(SHOTS, 'tutorial.png'), fullPage: true });

  // Back to the edge filters: the page is fovea tutorial's again. Negate and Transpose make the other three from filter 1.
  await page.click('#kernels-reset');
  await page.waitForFunction(() => (document.querySelector('.kernel-cell[data-f="0"][data-r="1"][data-c="2"]') as HTMLInputElement).value === '1', null, WAIT);
  await page.waitForFunction(() => document.querySelectorAll('.tutorial-step h2')[1]?.textContent === '2. Four hand-set filters', null, WAIT);
  await same('after Reset');
  const [f2, f3] = [await cellsOf(page, 1), await cellsOf(page, 2)];
  await page.click('.kernel-op[data-op="negate"][data-f="0"]');
  assert.deepEqual(await cellsOf(page, 0), f2, 'filter 1 negated is filter 2');
  await page.click('.kernel-op[data-op="negate"][data-f="0"]');
  await page.click('.kernel-op[data-op="transpose"][data-f="0"]');
  assert.deepEqual(await cellsOf(page, 0), f3, 'filter 1 transposed is filter 3');
  assert.deepEqual(errors, []);
  await page.close();
});
