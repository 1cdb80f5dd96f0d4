// Helpers for the browser tests: Debian's Chromium through playwright-core, the
// app served by `fovea serve`, waits on states the page publishes (data-*).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startServe, type ServeProcess } from './serve-process.js';

export const CHROMIUM = process.env['FOVEA_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SHOTS = join(ROOT, 'test-artifacts', 'browser');
export const WAIT = { timeout: 30_000 };

/** Why the browser tests cannot run here (no Chromium), or false. On CI a missing Chromium is an error. */
export const missing = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set FOVEA_CHROMIUM`;
if (missing && process.env['CI']) throw new Error(missing);

export interface Session {
  server: ServeProcess;
  browser: Browser;
}

/** `fovea serve` and Chromium, with the standard flags plus `extraArgs` (e.g. a fake camera). */
export async function startSession(extraArgs: readonly string[] = []): Promise<Session> {
  mkdirSync(SHOTS, { recursive: true });
  const server = await startServe();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
  return { server, browser };
}

/** The shared data folder's flower photos (../shared/data/flowers, or under $FOVEA_SHARED_DATA). */
export const FLOWERS = join(process.env['FOVEA_SHARED_DATA'] || join(ROOT, '..', 'shared', 'data'), 'flowers');

/** Why a test that also needs the flower photos cannot run: no Chromium (an error on CI, above), or no photos. */
export const missingWithFlowers = (what: string): string | false =>
  missing || (existsSync(FLOWERS) ? false : `no flower photos at ${FLOWERS} (the shared data folder; set FOVEA_SHARED_DATA): ${what} skipped`);

/** Closes the browser and stops the server, whichever of them started (a skipped file started neither). */
export async function stopSession(s: Partial<Session> | undefined): Promise<void> {
  await s?.browser?.close();
  await s?.server?.stop();
}

export type TestPage = Page & { errors: string[] };

/** Opens the app at a viewport size and waits until its model is open; console errors are collected on `page.errors`. */
export async function openPage(s: Session, viewport = { width: 1280, height: 900 }, extra: { hasTouch?: boolean; isMobile?: boolean } = {}, path = ''): Promise<TestPage> {
  const context = await s.browser.newContext({ viewport, deviceScaleFactor: 1, ...extra });
  const page = (await context.newPage()) as TestPage;
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
  await page.goto(new URL(path, s.server.url).href);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  return page;
}

/** Page coordinates of unit (c, y, x) of a layer's canvas, from the geometry it publishes (scrolled into view first unless `scroll` is false). */
export async function unitPoint(page: Page, path: string, c: number, y: number, x: number, scroll = true): Promise<{ x: number; y: number }> {
  const canvas = page.locator(`section.layer[data-path="${path}"] canvas.maps`);
  if (scroll) await canvas.scrollIntoViewIfNeeded();
  const g = await canvas.evaluate((el: HTMLCanvasElement): Record<string, number> => ({ ...Object.fromEntries(Object.entries(el.dataset).map(([k, v]) => [k, Number(v)])), width: el.width }));
  const box = (await canvas.boundingBox())!;
  const { scale, cols, gap, h, w } = g as { scale: number; cols: number; gap: number; h: number; w: number };
  const px = (c % cols) * (w * scale + gap) + (x + 0.5) * scale;
  const py = Math.floor(c / cols) * (h * scale + gap) + (y + 0.5) * scale;
  const k = box.width / g['width']!;
  return { x: box.x + px * k, y: box.y + py * k };
}

/** The screen box of the unit cells (c, y0..y1, x0..x1) of a layer's canvas. */
export async function cellsBox(page: Page, path: string, c: number, y0: number, y1: number, x0: number, x1: number): Promise<{ x: number; y: number; width: number; height: number }> {
  const a = await unitPoint(page, path, c, y0, x0, false);
  const b = await unitPoint(page, path, c, y1, x1, false);
  const canvas = page.locator(`section.layer[data-path="${path}"] canvas.maps`);
  const scale = await canvas.evaluate((el: HTMLCanvasElement) => Number(el.dataset['scale']) * el.getBoundingClientRect().width / el.width);
  return { x: a.x - scale / 2, y: a.y - scale / 2, width: b.x - a.x + scale, height: b.y - a.y + scale };
}

/** Whether an element's box lies entirely inside the viewport. */
export async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
  });
}

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}
