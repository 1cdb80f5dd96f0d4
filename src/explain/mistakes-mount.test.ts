// mountMistakesView is the one copy of the mistakes widget's behaviour: a web
// app imports it, a report page runs its source. So its source must work on
// its own, also once a minifier has been through it: here the minified
// function, alone in a fresh context with only a small DOM, lists a cell's
// images and shows one. (Chromium runs the real thing: web/e2e/report.test.ts,
// web/e2e/mistakes.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import type { MistakesViewData } from './mistakes-mount.js';
import { MISTAKES_SCRIPT } from './mistakes-view-script.js';

/** Just the DOM the widget uses: elements with classes, ids, data-*, style, text, children, closest, click listeners. */
class FakeElement {
  children: FakeElement[] = [];
  parent: FakeElement | null = null;
  className = '';
  id = '';
  title = '';
  disabled = false;
  dataset: Record<string, string> = {};
  style: Record<string, string> = {};
  attributes: Record<string, string> = {};
  private text = '';
  private listeners: ((e: { target: FakeElement }) => void)[] = [];
  constructor(readonly tagName: string) {}
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(t: string) {
    this.text = t;
    this.children = [];
  }
  get firstChild(): FakeElement | null {
    return this.children[0] ?? null;
  }
  appendChild(c: FakeElement): FakeElement {
    c.parent = this;
    this.children.push(c);
    return c;
  }
  setAttribute(k: string, v: string): void {
    this.attributes[k] = v;
  }
  matches(sel: string): boolean {
    return sel.startsWith('#') ? this.id === sel.slice(1) : this.className.split(' ').includes(sel.slice(1));
  }
  querySelectorAll(sel: string): FakeElement[] {
    return this.children.flatMap((c) => [...(c.matches(sel) ? [c] : []), ...c.querySelectorAll(sel)]);
  }
  querySelector(sel: string): FakeElement | null {
    return this.querySelectorAll(sel)[0] ?? null;
  }
  closest(sel: string): FakeElement | null {
    return this.matches(sel) ? this : this.parent?.closest(sel) ?? null;
  }
  addEventListener(_type: 'click', f: (e: { target: FakeElement }) => void): void {
    this.listeners.push(f);
  }
  /** A click: bubbles up through the parents' listeners. */
  click(): void {
    for (let at: FakeElement | null = this; at; at = at.parent) at.listeners.forEach((f) => f({ target: this }));
  }
}

const make = (tag: string, props: Partial<FakeElement> = {}, ...children: FakeElement[]): FakeElement => {
  const e = Object.assign(new FakeElement(tag), props);
  children.forEach((c) => e.appendChild(c));
  return e;
};

/** Two classes: cell (0, 1) holds images 7 (90%) and 3 (60%), cell (1, 1) image 5. */
const data: MistakesViewData = {
  classNames: ['cat', 'dog'], counts: [4, 2, 0, 1], tile: [6, 6], cols: 2, thumbScale: 9, detailScale: 20, gradCamLayer: 'features.3', gradCamProblem: null,
  examples: [
    { index: 7, actual: 0, predicted: 1, confidence: 0.9, top: [[1, 0.9], [0, 0.1]] },
    { index: 3, actual: 0, predicted: 1, confidence: 0.6, top: [[1, 0.6], [0, 0.4]] },
    { index: 5, actual: 1, predicted: 1, confidence: 0.8, top: [[1, 0.8], [0, 0.2]] },
  ],
};

function widgetMarkup(): { root: FakeElement; cell: (a: number, p: number) => FakeElement } {
  const cells = [0, 1].flatMap((a) => [0, 1].map((p) => make('button', { className: 'mistakes-cell', dataset: { actual: String(a), predicted: String(p) } })));
  const root = make('div', {}, make('div', { className: 'mistakes' }, ...cells, make('div', { id: 'mistakes-list' }), make('div', { id: 'mistakes-detail' })));
  return { root, cell: (a, p) => cells[a * 2 + p]! };
}

/** Runs `source` (a function expression) alone in a new context whose only global is `document`, on the widget. */
function mountAlone(source: string, sprites?: Record<string, string>): ReturnType<typeof widgetMarkup> {
  const w = widgetMarkup();
  const document = { createElement: (tag: string) => new FakeElement(tag) };
  runInNewContext(`(${source})(root, data, sprites)`, { document, root: w.root, data, sprites });
  return w;
}

function checkClicks({ root, cell }: ReturnType<typeof widgetMarkup>, sprites?: Record<string, string>): void {
  cell(0, 1).click();
  const list = root.querySelector('#mistakes-list')!, detail = root.querySelector('#mistakes-detail')!;
  assert.equal(list.dataset['cell'], '0,1');
  assert.deepEqual(list.querySelectorAll('.mistakes-thumb').map((t) => t.dataset['index']), ['7', '3'], 'the cell\'s images, surest first');
  assert.match(list.textContent, /^Actual cat, predicted dog: 2 images, surest first\./);
  assert.equal(detail.dataset['index'], '7', 'the surest one is shown at once');
  list.querySelectorAll('.mistakes-thumb')[1]!.click();
  assert.equal(detail.dataset['index'], '3');
  assert.match(detail.textContent, /Test image #3: actual cat, predicted dog \(60\.0%\)\..*the image.*saliency for dog.*Grad-CAM for dog at features\.3.*dog60\.0%.*cat \(actual\)40\.0%/);
  // the second tile of a 2-column sheet, at the detail's scale
  const tile = detail.querySelectorAll('.mistakes-saliency')[0]!;
  assert.deepEqual([tile.style['backgroundPosition'], tile.style['width']], ['-120px 0px', '120px']);
  assert.equal(tile.style['backgroundImage'], sprites ? `url("${sprites['saliency']}")` : undefined);
  cell(1, 1).click();
  assert.deepEqual(list.querySelectorAll('.mistakes-thumb').map((t) => t.dataset['index']), ['5']);
  assert.deepEqual([cell(0, 1).attributes['aria-pressed'], cell(1, 1).attributes['aria-pressed']], ['false', 'true']);
}

test('the report page\'s script is mountMistakesView\'s own source, and runs alone', () => {
  const call = /^\((function mountMistakesView[\s\S]*)\)\(document, JSON\.parse\(document\.getElementById\('mistakes-data'\)\.textContent\)\);$/.exec(MISTAKES_SCRIPT);
  assert.ok(call, MISTAKES_SCRIPT.slice(0, 200));
  checkClicks(mountAlone(call[1]!));
});

test('minified, mountMistakesView still runs on its own (as a bundled library would put it in a report page), with sprite URLs too', async () => {
  const { rolldown } = await import('rolldown');
  const dir = mkdtempSync(join(tmpdir(), 'fovea-mount-'));
  try {
    const bundle = await rolldown({ input: fileURLToPath(new URL('./mistakes-mount.js', import.meta.url)), platform: 'neutral', logLevel: 'silent' });
    await bundle.write({ file: join(dir, 'mount.min.js'), format: 'es', minify: true, keepNames: false });
    await bundle.close();
    const min = await import(pathToFileURL(join(dir, 'mount.min.js')).href) as { mountMistakesView: (...a: unknown[]) => void };
    const source = min.mountMistakesView.toString();
    assert.ok(!source.includes('\n  '), 'the source is minified');
    checkClicks(mountAlone(source));
    const sprites = { images: 'data:image/png;base64,AAAA', saliency: 'blob:x/1', gradcam: 'blob:x/2' };
    checkClicks(mountAlone(source, sprites), sprites);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mountMistakesView on a root without the widget\'s markup says so', () => {
  assert.throws(() => runInNewContext(`(${MISTAKES_SCRIPT.slice(1, MISTAKES_SCRIPT.lastIndexOf(')(document'))})(root, data)`, { root: make('div'), data, document: {} }),
    /mountMistakesView: no mistakes widget markup \(\.mistakes, #mistakes-list, #mistakes-detail\) under root: insert the widget's html first/);
});
