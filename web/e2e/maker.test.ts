// The classifier maker in a real browser: a 3-class flower classifier made
// from real photos (a folder of class folders through the page's folder
// input), trained in the worker on the shipped backbone, validated, and
// downloaded as .fovea and .onnx; `fovea predict` then runs both files on
// photos the page never saw. Needs the shared flowers photos (skips, saying
// so, without them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { exportOnnx, stratifiedSplit } from 'fovea';
import { listImageFolder, loadAnyModel } from 'fovea/node';
import { ROOT, type ServeProcess } from './serve-process.js';
import { FLOWERS, missingWithFlowers, SHOTS, startSession, stopSession, WAIT } from './page-helpers.js';

const CLASSES = ['daisy', 'sunflowers', 'tulips'];
/** Photos per class given to the page (a quarter of them held out there for validation). */
const PER_CLASS = 24;
const missing = missingWithFlowers('classifier-maker tests');

let browser: Browser;
let server: ServeProcess;
const tmp = mkdtempSync(join(tmpdir(), 'fovea-maker-'));

before(async () => {
  if (missing) return;
  ({ browser, server } = await startSession(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']));
});
after(async () => {
  await stopSession({ browser, server });
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * The shipped backbone (web/public/models/flowers.fovea) was trained on the
 * 70 % part of `fovea train --split 70/15/15 --seed 1` of the same folder:
 * the page gets photos from that part, and the held-out photos are its 15 %
 * test part, which neither the backbone nor the new head has seen.
 */
async function photos(): Promise<{ train: Map<string, string[]>; heldOut: { file: string; label: string }[] }> {
  const { classNames, files, labels } = await listImageFolder(FLOWERS);
  const [trainIdx, , testIdx] = stratifiedSplit(labels, [0.7, 0.15, 0.15], 1);
  const train = new Map(CLASSES.map((c) => [c, [...trainIdx!].filter((i) => classNames[labels[i]!] === c).slice(0, PER_CLASS).map((i) => files[i]!)]));
  const heldOut = [...testIdx!].filter((i) => CLASSES.includes(classNames[labels[i]!]!)).map((i) => ({ file: files[i]!, label: classNames[labels[i]!]! }));
  return { train, heldOut };
}

/** The page, with every error it logs and every URL it requests. */
async function openMaker(): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  context.on('request', (r) => requests.push(r.url()));
  await page.goto(`${server.url}maker.html`);
  await page.waitForSelector('body[data-ready="true"][data-backbone="flowers.fovea"]', WAIT);
  return { page, errors, requests };
}

async function download(page: Page, id: string, file: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download', WAIT), page.click(id)]);
  const path = join(tmp, file);
  await d.saveAs(path);
  assert.equal(d.suggestedFilename(), file);
  return path;
}

function predict(model: string, images: string[]): { image: string; top: { class: string; probability: number }[] }[] {
  const out = execFileSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'predict', '--json', model, ...images], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return (JSON.parse(out) as { results: { image: string; top: { class: string; probability: number }[] }[] }).results;
}

test('a 3-class flower classifier made in the page beats chance on held-out photos, and `fovea predict` runs the downloaded .fovea and .onnx', { skip: missing, timeout: 300_000 }, async () => {
  const { train, heldOut } = await photos();
  // A folder of class folders, as a user would pick it: flowers-mine/daisy/..., flowers-mine/sunflowers/..., ...
  const folder = join(tmp, 'flowers-mine');
  for (const [c, files] of train) {
    mkdirSync(join(folder, c), { recursive: true });
    for (const f of files) copyFileSync(f, join(folder, c, basename(f)));
  }
  const { page, errors, requests } = await openMaker();
  await page.setInputFiles('#folder-file', folder);
  await page.waitForFunction((n) => document.body.dataset['photos'] === String(n), 3 * PER_CLASS, WAIT);
  const made = await page.locator('.maker-class').evaluateAll((els) => els.map((e) => [(e.querySelector('.class-name') as HTMLInputElement).value, (e as HTMLElement).dataset['count']]));
  assert.deepEqual(made, CLASSES.map((c) => [c, String(PER_CLASS)]), 'one class per sub-folder, named after it, with its photos');

  await page.click('#maker-train');
  await page.waitForFunction(() => document.body.dataset['state'] === 'trained' || document.body.dataset['state'] === 'error', null, { timeout: 240_000 });
  assert.ok(await page.locator('#maker-error').isHidden(), await page.locator('#maker-error').textContent() ?? '');
  const val = Number(await page.locator('#val-accuracy').getAttribute('data-value'));
  assert.ok(val > 1 / 3, `validation accuracy ${val} is no better than chance (1/3)`);
  assert.equal(await page.locator('#confusion svg').count(), 1);
  assert.ok(await page.locator('#maker-accuracy svg').count() === 1 && await page.locator('#maker-loss svg').count() === 1, 'the curves are drawn');
  // Every misclassified validation photo comes with a Grad-CAM that is not blank.
  for (const max of await page.locator('.misclassified canvas.cam').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset['max'])))) assert.ok(max > 0);
  await page.screenshot({ path: join(SHOTS, 'maker.png'), fullPage: true });

  await page.fill('#model-name', 'my flowers');
  const fovea = await download(page, '#download-fovea', 'my-flowers.fovea');
  const onnx = await download(page, '#download-onnx', 'my-flowers.onnx');
  const results = predict(fovea, heldOut.map((h) => h.file));
  const correct = results.filter((r, i) => r.top[0]!.class === heldOut[i]!.label).length;
  const accuracy = correct / heldOut.length;
  process.stdout.write(`# classifier maker: validation ${(100 * val).toFixed(1)}% in the page; ${correct}/${heldOut.length} = ${(100 * accuracy).toFixed(1)}% on held-out photos with fovea predict\n`);
  assert.deepEqual([...new Set(results.flatMap((r) => r.top.map((t) => t.class)))].sort(), CLASSES, 'the downloaded model names the classes made in the page');
  assert.ok(accuracy >= 0.5, `held-out accuracy ${accuracy} (${correct}/${heldOut.length}); chance is 1/3`);
  // The ONNX file gives the same top class as the .fovea file.
  const some = heldOut.slice(0, 6).map((h) => h.file);
  assert.deepEqual(predict(onnx, some).map((r) => r.top[0]!.class), results.slice(0, 6).map((r) => r.top[0]!.class));
  assert.deepEqual(errors, []);
  // Works offline: nothing but the page's own files (and the photos' blob: URLs) was fetched.
  assert.deepEqual(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('blob:') && !u.startsWith('data:')), []);
  await page.close();
});

test('the maker opens an ONNX and a TF.js backbone, takes photos per class from files, a drop and the webcam, and says what stops a training', { skip: missing, timeout: 120_000 }, async () => {
  const { train } = await photos();
  const { page, errors } = await openMaker();
  // Any model as the backbone: the shipped one exported to ONNX here, opened through the page's file input.
  const shipped = loadAnyModel(join(ROOT, 'web', 'public', 'models', 'flowers.fovea'));
  const onnxFile = join(tmp, 'flowers.onnx');
  writeFileSync(onnxFile, exportOnnx(shipped.model, { inputShape: shipped.meta.inputShape, meta: shipped.meta }));
  await page.setInputFiles('#backbone-file', onnxFile);
  await page.waitForSelector('body[data-backbone="flowers.onnx"]', { state: 'attached', ...WAIT });
  assert.match(await page.locator('#backbone-info').textContent() ?? '', /flowers\.onnx \(onnx\): 3×64×64 input, fit “cover”, cut at '[^']+', 16,384 features/);
  assert.equal(await page.locator('#backbone-choice').inputValue(), 'opened');
  // A TF.js model picked as its files (Teachable Machine's layout: model.json, weights.bin, metadata.json).
  const { tmFolder } = await import(pathToFileURL(join(ROOT, 'dist', 'testing', 'tm-folder.js')).href) as { tmFolder: (dir: string, name: string) => Promise<{ folder: string }> };
  const { folder: tm } = await tmFolder(tmp, 'tm-model');
  await page.setInputFiles('#backbone-file', ['model.json', 'weights.bin', 'metadata.json'].map((f) => join(tm, f)));
  await page.waitForFunction(() => document.body.dataset['backbone'] === 'model.json' || !document.getElementById('backbone-error')!.hidden, null, WAIT);
  assert.ok(await page.locator('#backbone-error').isHidden(), await page.locator('#backbone-error').textContent() ?? '');
  assert.match(await page.locator('#backbone-info').textContent() ?? '', /model\.json \(tfjs-layers\): 3×16×16 input, fit “fill”, cut at 'flat', 64 features/);
  // Junk as a model: the message names the file and what it is.
  const junk = join(tmp, 'notes.fovea');
  writeFileSync(junk, 'not a model at all');
  await page.setInputFiles('#backbone-file', junk);
  await page.waitForSelector('#backbone-error:not([hidden])', WAIT);
  assert.match(await page.locator('#backbone-error').textContent() ?? '', /notes\.fovea/);
  await page.selectOption('#backbone-choice', 'flowers');
  await page.waitForSelector('body[data-backbone="flowers.fovea"]', { state: 'attached', ...WAIT });
  const [a, b] = [train.get('daisy')!, train.get('tulips')!];
  await page.setInputFiles('#class-file-0', a.slice(0, 3));
  await page.waitForFunction(() => document.body.dataset['photos'] === '3', null, WAIT);
  // One photo dropped on the second class.
  await page.evaluate(async ([name, data]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(data!), (ch) => ch.charCodeAt(0))], name!, { type: 'image/jpeg' }));
    document.querySelector('.maker-class[data-class="1"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [basename(b[0]!), readFileSync(b[0]!).toString('base64')]);
  await page.waitForFunction(() => document.querySelector<HTMLElement>('.maker-class[data-class="1"]')!.dataset['count'] === '1', null, WAIT);
  // One class with a single photo cannot be both trained on and validated: the worker says which.
  await page.click('#maker-train');
  await page.waitForFunction(() => document.body.dataset['state'] === 'error', null, WAIT);
  assert.match(await page.locator('#maker-error').textContent() ?? '', /class 'Class 2' has 1 photo; each class needs at least 2/);
  // The webcam (Chromium's fake camera): a capture goes to the chosen class.
  await page.click('#webcam');
  await page.waitForFunction(() => (document.getElementById('webcam-video') as HTMLVideoElement).videoWidth > 0, null, WAIT);
  assert.match(await page.locator('#capture-target').textContent() ?? '', /Class 2/);
  await page.click('#capture');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('.maker-class[data-class="1"]')!.dataset['count'] === '2', null, WAIT);
  await page.click('#webcam');
  // A file that claims to be a photo but is not: the training stops, naming it and its class.
  await page.setInputFiles('#class-file-0', { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a JPEG at all') });
  await page.waitForFunction(() => document.body.dataset['photos'] === '6', null, WAIT);
  await page.click('#maker-train');
  await page.waitForFunction(() => document.body.dataset['state'] === 'error' && !document.getElementById('maker-error')!.hidden && /broken/.test(document.getElementById('maker-error')!.textContent ?? ''), null, WAIT);
  assert.match(await page.locator('#maker-error').textContent() ?? '', /broken\.jpg.*not a supported image.*a photo of class 'Class 1': press its thumbnail to take it out/);
  assert.deepEqual(errors, []);
  await page.close();
});
