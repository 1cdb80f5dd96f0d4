// The explainer's drawing loop runs in flat memory: every update (a new
// digit on the pad) runs the model, records every layer, draws the maps, bars,
// softmax and saliency; hundreds of them must leave the wasm heap where it was
// and the JavaScript heap (after a garbage collection) within a small margin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { missing, openPage, startSession, stopSession, type Session } from './page-helpers.js';

let session: Session;
before(async () => {
  if (missing) return;
  session = await startSession(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
});
after(() => stopSession(session));

test('250 drawing updates leave the wasm heap flat and the JS heap within 2 MB', { skip: missing, timeout: 240_000 }, async () => {
  const page = await openPage(session, { width: 1280, height: 900 });
  const samples = page.locator('button.sample');
  const count = await samples.count();
  assert.ok(count >= 2, 'the page offers sample digits');
  /** Picks `n` samples in turn, each waited for (one update each). */
  const updates = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const before = Number(await page.evaluate(() => document.body.dataset['updates']));
      await samples.nth(i % count).click();
      await page.waitForFunction((b) => Number(document.body.dataset['updates']) > b, before, { timeout: 30_000 });
    }
  };
  const measure = (): Promise<{ wasm: number; js: number }> => page.evaluate(() => {
    (globalThis as unknown as { gc: () => void }).gc();
    return { wasm: Number(document.body.dataset['heapUsed']), js: (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize };
  });
  await updates(40); // warm-up: pools and caches settle
  const start = await measure();
  assert.ok(Number.isFinite(start.wasm) && start.wasm > 0, 'the page publishes its wasm heap use');
  await updates(250);
  const end = await measure();
  assert.ok(end.wasm <= start.wasm, `wasm heap grew from ${start.wasm} to ${end.wasm} bytes over 250 updates`);
  assert.ok(end.js - start.js < 2 << 20, `JS heap grew by ${((end.js - start.js) / 1024).toFixed(0)} KB over 250 updates`);
  assert.deepEqual(page.errors, []);
  await page.close();
});
