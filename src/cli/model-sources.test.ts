// Every command that takes a model takes every kind of model: a .fovea file,
// its ONNX export, the TF.js folder (or model.json) it came from, whatever the
// file is named; a file of the wrong kind is named as such. And predict /
// explain say when a picture clearly does not fit the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../io/model-file-node.js';
import { buildModel } from '../nn/models.js';
import { manualSeed } from '../util/random.js';
import { tmFolder } from '../testing/tm-folder.js';
import { writePng } from '../vision/write-png.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-sources-'));

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Top = { class: string; probability: number }[];
const predictTop = (model: string, image: string): Top => {
  const r = fovea('predict', model, image, '--top', '3', '--json');
  assert.equal(r.code, 0, `${model}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { results: { top: Top }[] }).results[0]!.top;
};

/** A 20 x 12 RGB picture with strong colours. */
async function colourPng(name: string): Promise<string> {
  const file = join(dir, name);
  await writePng(file, { width: 20, height: 12, channels: 3, data: Uint8Array.from({ length: 20 * 12 * 3 }, (_, i) => (i % 3 === 0 ? 230 : (i * 37) % 120)) });
  return file;
}

test('predict, summary and explain take a TF.js folder, its model.json, its .fovea import and that file\'s ONNX export alike (the ONNX file keeps class names and normalisation)', async () => {
  const { folder } = await tmFolder(dir, 'tm');
  const png = await colourPng('pixel.png');
  const fov = join(dir, 'tm.fovea');
  assert.equal(fovea('import', folder, '-o', fov).code, 0);
  const onnx = join(dir, 'tm.onnx');
  const ex = fovea('export', fov, '--onnx', onnx);
  assert.equal(ex.code, 0, ex.stderr);

  const want = predictTop(folder, png);
  assert.deepEqual(want.map((t) => t.class).sort(), ['bird', 'cat', 'dog']);
  for (const source of [join(folder, 'model.json'), fov, onnx]) {
    const got = predictTop(source, png);
    assert.deepEqual(got.map((t) => t.class), want.map((t) => t.class), source);
    got.forEach((t, i) => assert.ok(Math.abs(t.probability - want[i]!.probability) < 1e-5, `${source}: ${t.probability} vs ${want[i]!.probability}`));
  }

  for (const source of [folder, onnx]) {
    const s = fovea('summary', source, '--json');
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual((JSON.parse(s.stdout) as { inputShape: number[] }).inputShape, [3, 16, 16]);
    const e = fovea('explain', source, png, '-o', join(dir, `explain-${source === folder ? 'tfjs' : 'onnx'}`), '--json');
    assert.equal(e.code, 0, e.stderr);
    assert.ok((JSON.parse(e.stdout) as { files: string[] }).files.length > 3);
  }
});

test('the format comes from the bytes: a .fovea named .onnx and an ONNX file named .fovea both load', async () => {
  manualSeed(3);
  const fov = join(dir, 'lenet.fovea');
  await saveModel(fov, buildModel('lenet'), { inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: 'abcdefghij'.split('') });
  const misnamed = join(dir, 'really-fovea.onnx');
  copyFileSync(fov, misnamed);
  const digit = fileURLToPath(new URL('../../test/fixtures/images/digit7.png', import.meta.url));
  assert.deepEqual(predictTop(misnamed, digit), predictTop(fov, digit));
  const onnx = join(dir, 'lenet.onnx');
  assert.equal(fovea('export', fov, '--onnx', onnx).code, 0);
  const misnamedOnnx = join(dir, 'really-onnx.fovea');
  copyFileSync(onnx, misnamedOnnx);
  const s = fovea('summary', misnamedOnnx);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /input \[1, 1, 28, 28\]/);
});

test('a file or folder that is not a model is named for what it is, never a byte-level safetensors error', async () => {
  const png = await colourPng('photo.png');
  const asModel = fovea('predict', png, png);
  assert.equal(asModel.code, 1);
  assert.match(asModel.stderr, /photo\.png: is a PNG image, not a model; expected a \.fovea file, an ONNX file, a TF\.js model/);
  assert.match(asModel.stderr, /swap MODEL and IMAGE/);
  assert.doesNotMatch(asModel.stderr, /safetensors|header length|\n\s+at /);

  const empty = join(dir, 'empty-folder');
  mkdirSync(empty);
  const r = fovea('summary', empty);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /empty-folder: is a folder without a model\.json/);

  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'hello, this is not a model\n');
  assert.match(fovea('explain', text, png).stderr, /notes\.txt: is not a model fovea reads/);
  assert.match(fovea('predict', join(dir, 'missing.fovea'), png).stderr, /missing\.fovea: no such file or folder/);
});

test('predict and explain say when a picture does not fit the model: colour into grayscale, stretched shapes, light backgrounds for MNIST', async () => {
  manualSeed(4);
  const digits = join(dir, 'digits.fovea');
  await saveModel(digits, buildModel('lenet'), {
    inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: '0123456789'.split(''), training: { dataset: 'mnist' },
  });
  const photo = await colourPng('wide-colour.png');
  const r = fovea('predict', digits, photo, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: .*wide-colour\.png is a colour picture but the model takes 1-channel \(grayscale\) 28 x 28 images: it was converted to grayscale/);
  assert.match(r.stderr, /note: .*is 20 x 12 .* stretched to 28 x 28/);
  const notes = (JSON.parse(r.stdout) as { results: { notes?: string[] }[] }).results[0]!.notes ?? [];
  assert.equal(notes.length, 2, notes.join('\n'));

  // A dark digit on white paper: the hint to pass --invert; the MNIST-like fixture gets no note at all.
  const paper = join(dir, 'paper.png');
  await writePng(paper, { width: 28, height: 28, channels: 1, data: Uint8Array.from({ length: 28 * 28 }, (_, i) => (i % 28 > 12 && i % 28 < 16 ? 10 : 245)) });
  assert.match(fovea('explain', digits, paper, '-o', join(dir, 'paper.explain')).stderr, /paper\.png is mostly light, .*pass --invert/);
  const digit = fileURLToPath(new URL('../../test/fixtures/images/digit7.png', import.meta.url));
  const clean = fovea('predict', digits, digit);
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.stderr, '');
});
