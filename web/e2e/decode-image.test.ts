// decodeImage in a real browser: Debian's Chromium (playwright-core) loads the
// package's built platform-free entry (dist/index.js) as native ES modules and
// decodes real PNG, JPEG and WebP bytes; Node decodes the same bytes with
// sharp (loadImageFile). PNG and lossless WebP must agree exactly, JPEG
// within the differences of two JPEG decoders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { loadImageFile, type LoadImageOptions } from 'fovea/node';
import { ROOT } from './serve-process.js';

const CHROMIUM = process.env['FOVEA_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const missing = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set FOVEA_CHROMIUM`;
if (missing && process.env['CI']) throw new Error(missing);

const DIST = join(ROOT, 'dist');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'images');
const tmp = mkdtempSync(join(tmpdir(), 'fovea-decode-'));
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;

/** Serves dist/ (the package's built modules) and one blank page, on loopback. */
function serveDist(): Promise<void> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/blank.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>decodeImage</title>');
    const file = normalize(join(DIST, path));
    if (!file.startsWith(DIST + sep) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    origin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    resolve();
  }));
}

before(async () => {
  if (missing) return;
  await serveDist();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage();
  await page.goto(`${origin}/blank.html`);
});
after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  rmSync(tmp, { recursive: true, force: true });
});

interface Decoded { width: number; height: number; channels: number; data: number[] }
type Outcome = Decoded | { error: string; name: string };

/** decodeImage(bytes, options) in the page, from dist/index.js; `asFile` passes a File named so. */
function decodeInPage(bytes: Uint8Array, options: LoadImageOptions & { name?: string }, asFile?: string): Promise<Outcome> {
  return page.evaluate(async ({ b64, options, asFile }) => {
    const fovea = await import('/index.js' as string) as typeof import('fovea');
    const raw = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    try {
      const img = await fovea.decodeImage(asFile ? new File([raw], asFile) : raw, options);
      if (!(img.data instanceof Uint8Array)) throw new Error('data is not a Uint8Array');
      return { width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) };
    } catch (e) {
      return { error: (e as Error).message, name: (e as Error).name };
    }
  }, { b64: Buffer.from(bytes).toString('base64'), options, ...(asFile ? { asFile } : {}) });
}

/** The same bytes through sharp (loadImageFile) in Node. */
async function decodeInNode(bytes: Uint8Array, ext: string, options: LoadImageOptions): Promise<Decoded> {
  const file = join(tmp, `img-${Math.random().toString(36).slice(2)}${ext}`);
  writeFileSync(file, bytes);
  const img = await loadImageFile(file, options);
  return { width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) };
}

function decoded(o: Outcome): Decoded {
  if ('error' in o) assert.fail(`decodeImage failed in the page: ${o.name}: ${o.error}`);
  return o;
}

/** Largest and mean absolute difference of two decodes of one size. */
function compare(a: Decoded, b: Decoded): { max: number; mean: number } {
  assert.deepEqual([a.width, a.height, a.channels], [b.width, b.height, b.channels]);
  let max = 0, sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.data.length };
}

/** A colourful RGBA picture with a transparent corner and an asymmetric mark (so a rotation shows). */
async function colourPicture(): Promise<ReturnType<typeof sharp>> {
  const [w, h] = [48, 32];
  const raw = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const mark = x < 10 && y < 6;
    raw.set([mark ? 255 : (x * 5) % 256, mark ? 0 : (y * 8) % 256, (x * y) % 256, x > 40 && y > 24 ? 90 : 255], (y * w + x) * 4);
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 4 } });
}

test('PNG fixture: the page decodes exactly what sharp decodes, RGB and luma, and resizes within a level', { skip: missing }, async () => {
  const png = readFileSync(join(FIXTURES, 'digit7.png'));
  for (const options of [{ channels: 1 }, { channels: 3 }, { channels: 3, order: 'bgr' }] as LoadImageOptions[]) {
    const d = compare(decoded(await decodeInPage(png, options)), await decodeInNode(png, '.png', options));
    assert.equal(d.max, 0, JSON.stringify(options));
  }
  for (const size of [[56, 56], [14, 10], [28, 40]] as [number, number][]) {
    const d = compare(decoded(await decodeInPage(png, { channels: 1, size })), await decodeInNode(png, '.png', { channels: 1, size }));
    assert.ok(d.max <= 1, `size ${size}: differs by ${d.max}`);
  }
});

test('JPEG fixture: the page and sharp agree within what two JPEG decoders differ by', { skip: missing }, async () => {
  const jpg = readFileSync(join(FIXTURES, 'digit7.jpg'));
  for (const options of [{ channels: 1 }, { channels: 3 }, { channels: 3, size: [20, 20] }] as LoadImageOptions[]) {
    const page = decoded(await decodeInPage(jpg, options));
    const d = compare(page, await decodeInNode(jpg, '.jpg', options));
    assert.ok(d.max <= 12 && d.mean < 1.5, `${JSON.stringify(options)}: differs by up to ${d.max}, ${d.mean.toFixed(2)} on average`);
    assert.ok(Math.max(...page.data) > 200 && Math.min(...page.data) < 30, 'white ink on black: the pixels are real');
  }
});

test('WebP and colour: lossless WebP with transparency is flattened onto white exactly as sharp does; a colour JPEG agrees closely', { skip: missing }, async () => {
  const webp = await (await colourPicture()).webp({ lossless: true }).toBuffer();
  const d = compare(decoded(await decodeInPage(webp, { channels: 3 })), await decodeInNode(webp, '.webp', { channels: 3 }));
  assert.ok(d.max <= 1, `lossless WebP differs by ${d.max}`); // flattening rounds once in the canvas
  const lossy = await (await colourPicture()).flatten({ background: '#ffffff' }).jpeg({ quality: 92 }).toBuffer();
  const j = compare(decoded(await decodeInPage(lossy, { channels: 3 })), await decodeInNode(lossy, '.jpg', { channels: 3 }));
  assert.ok(j.max <= 16 && j.mean < 2, `colour JPEG differs by up to ${j.max}, ${j.mean.toFixed(2)} on average`);
});

test('the EXIF orientation is applied in the page as in Node: orientation 6 stands the picture upright', { skip: missing }, async () => {
  const rotated = await (await colourPicture()).flatten({ background: '#ffffff' }).png().toBuffer()
    .then((b) => sharp(b).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
  const inPage = decoded(await decodeInPage(rotated, { channels: 3 }));
  const inNode = await decodeInNode(rotated, '.jpg', { channels: 3 });
  assert.deepEqual([inPage.width, inPage.height], [32, 48], 'width and height swapped');
  const d = compare(inPage, inNode);
  assert.ok(d.max <= 16 && d.mean < 2, `differs by up to ${d.max}, ${d.mean.toFixed(2)} on average`);
  // the red mark, top-left before turning 90° clockwise, is now top-right
  const at = (x: number, y: number): number[] => inPage.data.slice((y * 32 + x) * 3, (y * 32 + x) * 3 + 3);
  assert.ok(at(29, 3)[0]! > 200 && at(29, 3)[1]! < 60, `top-right is red: ${at(29, 3)}`);
});

test("fit: 'cover' cuts out the same centre in the page as in Node, also from an EXIF-rotated picture", { skip: missing }, async () => {
  const png = await (await colourPicture()).flatten({ background: '#ffffff' }).png().toBuffer();
  for (const size of [[16, 16], [20, 12], [9, 30]] as [number, number][]) {
    const d = compare(decoded(await decodeInPage(png, { channels: 3, size, fit: 'cover' })), await decodeInNode(png, '.png', { channels: 3, size, fit: 'cover' }));
    assert.ok(d.max <= 1, `size ${size}: differs by ${d.max}`);
  }
  const rotated = await sharp(png).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const d = compare(decoded(await decodeInPage(rotated, { channels: 3, size: [10, 10], fit: 'cover' })), await decodeInNode(rotated, '.jpg', { channels: 3, size: [10, 10], fit: 'cover' }));
  assert.ok(d.max <= 16 && d.mean < 3, `rotated: differs by up to ${d.max}, ${d.mean.toFixed(2)} on average`);
});

test('bad input fails with an ImageError naming the image: empty, not an image, a decompression bomb, over maxPixels', { skip: missing }, async () => {
  const failure = async (bytes: Uint8Array, options: LoadImageOptions & { name?: string }, asFile?: string): Promise<string> => {
    const r = await decodeInPage(bytes, options, asFile);
    assert.ok('error' in r, 'expected an error');
    assert.equal(r.name, 'ImageError');
    return r.error;
  };
  assert.match(await failure(new Uint8Array(0), { channels: 3 }, 'empty.png'), /^empty\.png: empty file \(0 bytes\)/);
  assert.match(await failure(new TextEncoder().encode('<!DOCTYPE html><p>Not found</p>'), { channels: 3, name: 'page.jpg' }),
    /^page\.jpg: not a supported image .*starts with "<!DOCTYPE html><p>Not fo"/);
  // a PNG header claiming 50000 x 50000: refused from the header, nothing decoded
  const bomb = Buffer.concat([readFileSync(join(FIXTURES, 'digit7.png'))]);
  bomb.writeUInt32BE(50000, 16);
  bomb.writeUInt32BE(50000, 20);
  assert.match(await failure(bomb, { channels: 1 }), /^image bytes: 50000 x 50000 = 2\.5e9 pixels exceeds the limit of 1e8; raise maxPixels/);
  assert.match(await failure(readFileSync(join(FIXTURES, 'digit7.png')), { channels: 1, maxPixels: 500 }), /28 x 28 = 784 pixels exceeds the limit of 500/);
});
