import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { Canvas } from '../vision/render/canvas.js';
import { pageFiles, pageHtml, safeFileName, type Page } from './html-page.js';
import { writePage } from './write-page-node.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-page-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const page: Page = {
  title: 'Page <1> & co',
  intro: ['first "line"'],
  sections: [
    { heading: 'A', text: 'pictures', figures: [{ file: 'a b.png', caption: 'a picture', content: new Canvas(3, 2, [255, 0, 0]) }] },
    { heading: 'B', figures: [{ file: 'chart.svg', caption: 'a chart', content: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="blue"/></svg>', png: true }] },
  ],
};

test('pageHtml: one offline document linking every figure by relative path, text escaped', () => {
  const html = pageHtml(page);
  assert.deepEqual(pageFiles(page), ['a b.png', 'chart.svg', 'chart.png']);
  assert.ok(html.includes('<img src="a%20b.png" alt="a picture" class="px">'));
  assert.ok(html.includes('<img src="chart.svg"') && html.includes('<a href="chart.png">PNG</a>'));
  assert.ok(html.includes('<title>Page &lt;1&gt; &amp; co</title>') && html.includes('first &quot;line&quot;'));
  assert.ok(!/(src|href)="(https?:|\/)/.test(html), 'no absolute or external links');
  assert.ok(html.indexOf('a picture') < html.indexOf('a chart'), 'figures in page order');
  assert.equal(safeFileName('features.0'), 'features.0');
  assert.equal(safeFileName('../x/y z'), '__x_y_z');
});

test('writePage writes PNGs, SVGs with PNG twins, and the HTML', async () => {
  const dir = join(tmp, 'out', 'nested');
  const written = await writePage(dir, { ...page, sections: [page.sections[1]!, { heading: 'A', figures: [{ ...page.sections[0]!.figures[0]!, file: 'a.png' }] }] });
  assert.deepEqual(written.map((p) => p.slice(dir.length + 1)), ['chart.svg', 'chart.png', 'a.png', 'index.html']);
  const meta = await sharp(readFileSync(join(dir, 'a.png'))).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([meta.info.width, meta.info.height], [3, 2]);
  assert.deepEqual(Array.from(meta.data.subarray(0, 3)), [255, 0, 0]);
  assert.equal((await sharp(join(dir, 'chart.png')).metadata()).format, 'png');
  assert.ok(readFileSync(join(dir, 'index.html'), 'utf8').includes('src="a.png"'));
});

test('writePage refuses bad figures before writing anything', async () => {
  const dir = join(tmp, 'never');
  const bad = (file: string, content: Page['sections'][0]['figures'][0]['content']): Promise<string[]> =>
    writePage(dir, { title: 't', sections: [{ heading: 'h', figures: [{ file: 'ok.png', caption: 'ok', content: new Canvas(1, 1) }, { file, caption: 'c', content }] }] });
  await assert.rejects(bad('../escape.png', new Canvas(1, 1)), /must be a plain file name/);
  await assert.rejects(bad('ok.png', new Canvas(1, 1)), /two files named 'ok\.png'/);
  await assert.rejects(bad('x.svg', new Canvas(1, 1)), /must end in \.png/);
  await assert.rejects(bad('x.png', { width: 2, height: 2, channels: 3, data: new Uint8Array(5) }), /5 bytes for a 2 x 2 x 3 picture/);
  assert.equal(existsSync(dir), false, 'no folder, no files');
  writeFileSync(join(tmp, 'a-file'), 'x');
  await assert.rejects(writePage(join(tmp, 'a-file', 'sub'), { title: 't', sections: [] }), /a-file\/sub: cannot create the output folder/);
  assert.deepEqual(readdirSync(tmp).filter((f) => f === 'never'), []);
});
