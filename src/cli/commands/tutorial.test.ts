// `fovea tutorial`, end to end: a real process, real files, real exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const digit = fileURLToPath(new URL('../../../test/fixtures/images/digit7.png', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'fovea-tutorial-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, FOVEA_BACKEND: 'js' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const expected = ['01-input.png', '02-filters.png', '03-feature-maps.png', '04-after-relu.png', '05-after-max-pool.png', '06-sobel-x.png', '07-sobel-y.png', '08-sobel-edges.png'];

test('tutorial writes the input, filters, feature maps (before/after ReLU, pooled), Sobel, and index.html in order', async () => {
  const dir = join(tmp, 'digit');
  const r = fovea('tutorial', digit, '-o', dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote 9 files/);
  assert.deepEqual(readdirSync(dir).sort(), [...expected, 'index.html']);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  assert.deepEqual([...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]), expected);
  assert.equal((html.match(/<figcaption>/g) ?? []).length, expected.length);
  assert.deepEqual((await sharp(join(dir, '01-input.png')).metadata()).width, 112, '28 px shown 4x');
});

test('tutorial shrinks a large photo to --size, keeping its shape; bad input writes nothing', async () => {
  const photo = join(tmp, 'wide.jpg');
  await sharp({ create: { width: 300, height: 150, channels: 3, background: { r: 200, g: 80, b: 30 } } }).jpeg().toFile(photo);
  const r = fovea('tutorial', photo, '-o', join(tmp, 'wide'), '--size', '64', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([JSON.parse(r.stdout).width, JSON.parse(r.stdout).height], [64, 32]);
  const junk = join(tmp, 'junk.png');
  writeFileSync(junk, 'not a picture');
  const bad = fovea('tutorial', junk, '-o', join(tmp, 'bad'));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /junk\.png: not a supported image/);
  assert.ok(!existsSync(join(tmp, 'bad')));
  assert.equal(fovea('tutorial').code, 2);
});
