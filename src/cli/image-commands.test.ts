// fovea filter, fovea augment and fovea train on an image folder, as a user runs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../io/model-file-node.js';
import { loadImageFile } from '../vision/image-file.js';
import { imageToTensorData } from '../vision/image.js';
import { noGrad } from '../tensor/grad-mode.js';
import { softmax } from '../tensor/ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { sharedDataDir } from '../testing/shared-data.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../test/fixtures/images/', import.meta.url));
const digit = join(fixtures, 'digit7.png');
const dir = mkdtempSync(join(tmpdir(), 'fovea-cli-img-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, FOVEA_DATA: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const flowers = join(sharedDataDir(), 'flowers');
const haveFlowers = existsSync(flowers);
const flowerPhoto = haveFlowers ? join(flowers, 'roses', readdirSync(join(flowers, 'roses')).filter((f) => f.endsWith('.jpg')).sort()[0]!) : '';

test('filter writes the filtered grayscale photo; signed outputs are mid-gray where flat', async () => {
  const out = join(dir, 'sobel-y.png');
  const r = fovea('filter', digit, '--kernel', 'sobel-y', '-o', out, '--json');
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.deepEqual([info.width, info.height, info.display, info.border], [28, 28, 'signed', 'reflect101']);
  assert.ok(info.min < 0 && info.max > 0);
  const img = await loadImageFile(out, { channels: 1 });
  assert.deepEqual([img.width, img.height], [28, 28]);
  assert.equal(img.data[0], 128); // the black corner is flat: response 0 → mid-gray
  for (const k of ['sobel', 'sharpen']) {
    const rk = fovea('filter', digit, '--kernel', k, '--border', 'replicate', '-o', join(dir, `${k}.png`));
    assert.equal(rk.code, 0, `${k}: ${rk.stderr}`);
    assert.match(rk.stdout, /wrote /);
  }
});

test('filter takes a JSON kernel file; the 1x1 identity kernel gives back the grayscale photo', async () => {
  const k = join(dir, 'identity.json');
  writeFileSync(k, '[[1]]');
  const out = join(dir, 'identity.png');
  const r = fovea('filter', digit, '--kernel', k, '-o', out);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await loadImageFile(out, { channels: 1 })).data, (await loadImageFile(digit, { channels: 1 })).data);
});

test('filter on a real flower photo', { skip: !haveFlowers && `no ${flowers}` }, async () => {
  const out = join(dir, 'flower-edges.png');
  const r = fovea('filter', flowerPhoto, '--kernel', 'edge4', '-o', out);
  assert.equal(r.code, 0, r.stderr);
  const src = await loadImageFile(flowerPhoto, { channels: 1 });
  const img = await loadImageFile(out, { channels: 1 });
  assert.deepEqual([img.width, img.height], [src.width, src.height]);
});

test('filter: bad kernels, bad images and bad flags are clear errors, and nothing is written', () => {
  const out = join(dir, 'never.png');
  const ragged = join(dir, 'ragged.json');
  writeFileSync(ragged, '[[1, 2], [3]]');
  let r = fovea('filter', digit, '--kernel', ragged, '-o', out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ragged\.json: not a usable kernel: row 1 has 1 entry but row 0 has 2/);
  r = fovea('filter', digit, '--kernel', 'emboss', '-o', out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown kernel 'emboss'; use one of sobel, sobel-x/);
  const junk = join(dir, 'junk.png');
  writeFileSync(junk, 'not a picture at all');
  r = fovea('filter', junk, '--kernel', 'sobel', '-o', out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /junk\.png: not a supported image/);
  const zero = join(dir, 'zero.jpg');
  writeFileSync(zero, '');
  assert.match(fovea('filter', zero, '--kernel', 'blur', '-o', out).stderr, /zero\.jpg: empty file \(0 bytes\)/);
  assert.match(fovea('filter', digit, '--kernel', 'blur', '-o', join(dir, 'no', 'such', 'dir.png')).stderr, /does not exist/);
  assert.ok(!existsSync(out));
});

test('augment writes a seeded grid of augmented samples', async () => {
  const spec = 'hflip,rotate:20,affine:translate=0.1,scale=0.9-1.1';
  const a = join(dir, 'grid-a.png');
  const r = fovea('augment', digit, '--transform', spec, '-n', '16', '--seed', '1', '-o', a, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).grid, [4 * 30 + 2, 4 * 30 + 2]);
  const grid = await loadImageFile(a, { channels: 3 });
  assert.deepEqual([grid.width, grid.height], [122, 122]);
  const b = join(dir, 'grid-b.png');
  assert.equal(fovea('augment', digit, '--transform', spec, '-n', '16', '--seed', '1', '-o', b).code, 0);
  assert.deepEqual(readFileSync(a), readFileSync(b), 'same seed, same grid');
  const c = join(dir, 'grid-c.png');
  assert.equal(fovea('augment', digit, '--transform', spec, '-n', '16', '--seed', '2', '-o', c).code, 0);
  assert.notDeepEqual(readFileSync(a), readFileSync(c));
  const bad = fovea('augment', digit, '--transform', 'hflip,spin:3', '-o', join(dir, 'x.png'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown step 'spin'/);
});

test('augment on a real flower photo', { skip: !haveFlowers && `no ${flowers}` }, async () => {
  const out = join(dir, 'flower-grid.png');
  const r = fovea('augment', flowerPhoto, '--transform', 'hflip,affine,crop:8,jitter', '-n', '4', '--size', '48x64', '-o', out);
  assert.equal(r.code, 0, r.stderr);
  const g = await loadImageFile(out, { channels: 3 });
  assert.deepEqual([g.width, g.height], [2 * 66 + 2, 2 * 50 + 2]);
});

test('train --data on the flower photo folder writes a model with the 5 class names, input shape and normalisation', { skip: !haveFlowers && `no ${flowers}` }, async () => {
  // A small copy of the real folder: 6 photos per class, linked, so the test stays fast.
  const small = join(dir, 'flowers');
  for (const c of readdirSync(flowers).filter((n) => !n.includes('.')).sort()) {
    mkdirSync(join(small, c), { recursive: true });
    for (const f of readdirSync(join(flowers, c)).sort().slice(0, 6)) symlinkSync(join(flowers, c, f), join(small, c, f));
  }
  const model = join(dir, 'flowers.fovea');
  const r = fovea('train', '--data', small, '--size', '32', '--fit', 'cover', '--epochs', '1', '--batch-size', '8', '--augment', 'hflip,rotate:10,crop:2,jitter',
    '--split', '70/15/15', '--seed', '3', '--out', model, '--no-report', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(out.classNames, ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']);
  assert.equal(out.history.length, 1);
  assert.ok(out.test.count >= 5);
  const { model: net, meta } = loadModel(model);
  assert.deepEqual(meta.classNames, ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']);
  assert.equal(meta.fit, 'cover');
  assert.deepEqual(meta.inputShape, [3, 32, 32]);
  assert.equal(meta.normalize.mean.length, 3);
  assert.ok(meta.normalize.std.every((s) => s > 0.05 && s < 0.5), JSON.stringify(meta.normalize));
  assert.equal(meta.training?.['augment'], 'hflip,rotate:10,crop:2,jitter');
  const p = fovea('predict', model, flowerPhoto, '--json');
  assert.equal(p.code, 0, p.stderr);
  const top = JSON.parse(p.stdout).results[0].top;
  assert.equal(top.length, 3);
  // predict resizes as the model was trained: the centre cut out ('cover'), not the stretched photo.
  const probsOf = async (fit: 'fill' | 'cover'): Promise<Float32Array> => {
    const img = await loadImageFile(flowerPhoto, { channels: 3, size: [32, 32], fit });
    return noGrad(() => softmax(net.forward(new Tensor(imageToTensorData(img, meta.normalize.mean, meta.normalize.std), [1, 3, 32, 32])), 1)).data;
  };
  const [cover, fill] = [await probsOf('cover'), await probsOf('fill')];
  assert.ok(Math.abs(cover[top[0].index]! - top[0].probability) < 1e-4, `predict gave ${top[0].probability}, the centre crop ${cover[top[0].index]}`);
  assert.ok(Math.abs(fill[top[0].index]! - top[0].probability) > 1e-4, 'the stretched photo gives other probabilities (the test can tell them apart)');
});

test('train on a bad image folder or with misplaced flags fails clearly', () => {
  const one = join(dir, 'one-class');
  mkdirSync(join(one, 'roses'), { recursive: true });
  writeFileSync(join(one, 'roses', 'r.png'), readFileSync(digit));
  let r = fovea('train', '--data', one, '--epochs', '1', '--no-report');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /one-class: only one class folder \('roses'\)/);
  mkdirSync(join(one, 'tulips'));
  writeFileSync(join(one, 'tulips', 't.png'), 'broken');
  r = fovea('train', '--data', one, '--epochs', '1', '--no-report');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /tulips\/t\.png: not a supported image/);
  assert.match(fovea('train', '--split', '80/20', '--epochs', '1').stderr, /--split applies to image folders/);
  assert.match(fovea('train', '--fit', 'cover', '--epochs', '1').stderr, /--fit applies to image folders/);
  assert.match(fovea('train', '--clip-grad-norm', '0', '--epochs', '1').stderr, /--clip-grad-norm: expected a number > 0, got '0'/);
  assert.match(fovea('train', '--data', one, '--fit', 'contain', '--epochs', '1').stderr, /--fit: unknown 'contain'; expected fill .* or cover/);
  assert.match(fovea('train', '--augment', 'hflip,twirl').stderr, /--augment: augmentation list 'hflip,twirl': .*unknown step 'twirl'/);
  assert.match(fovea('train', '--help').stdout, /--augment LIST/);
});
