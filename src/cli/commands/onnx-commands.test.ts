// `fovea export` and `fovea import` as a user runs them: real processes, real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, saveModel } from '../../io/model-file-node.js';
import { loadOnnxFile } from '../../io/onnx/onnx-file-node.js';
import { lenet } from '../../nn/models.js';
import { Conv2d } from '../../nn/conv2d.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import { AdaptiveAvgPool2d } from '../../nn/pooling.js';
import { Sequential } from '../../nn/sequential.js';
import type { ModelMeta } from '../../io/model-file.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { randn, tensor } from '../../tensor/ops/creation.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../../test/fixtures/onnx/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-onnx-cli-'));

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('export writes an ONNX file that imports back to the same model', async () => {
  const model = lenet();
  const file = join(dir, 'lenet.fovea');
  await saveModel(file, model, { inputShape: [1, 28, 28], normalize: { mean: [0.1307], std: [0.3081] }, classNames: [...'0123456789'] });
  const r = fovea('export', file, '--onnx', join(dir, 'lenet.onnx'), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).output, ['N', 10]);
  const back = fovea('import', join(dir, 'lenet.onnx'), '-o', join(dir, 'back.fovea'), '--mean', '0.1307', '--std', '0.3081', '--json');
  assert.equal(back.code, 0, back.stderr);
  const { model: m, meta } = loadModel(join(dir, 'back.fovea'));
  assert.deepEqual(meta.normalize, { mean: [0.1307], std: [0.3081] });
  const x = randn([2, 1, 28, 28]);
  const a = noGrad(() => model.eval().forward(x)).toArray();
  const b = noGrad(() => m.forward(x)).toArray();
  assert.ok(a.every((v, i) => Math.abs(v - b[i]!) < 1e-5));
});

test('import takes class names from a file and ImageNet normalisation by name', () => {
  const names = join(dir, 'classes.txt');
  writeFileSync(names, Array.from({ length: 10 }, (_, i) => `class ${i}`).join('\n'));
  const out = join(dir, 'resnet.fovea');
  const r = fovea('import', join(fixtures, 'resnet-small.onnx'), '-o', out, '--classes', names, '--mean', 'imagenet', '--std', 'imagenet');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote .*resnet\.fovea: \d+ layers/);
  const { model, meta } = loadModel(out);
  assert.equal(meta.classNames[3], 'class 3');
  assert.deepEqual(meta.normalize.std, [0.229, 0.224, 0.225]);
  const fx = JSON.parse(readFileSync(join(fixtures, 'resnet-small.json'), 'utf8')) as { input: number[]; inputShape: number[]; output: number[] };
  const y = noGrad(() => model.forward(tensor(fx.input, fx.inputShape))).toArray();
  assert.ok(y.every((v, i) => Math.abs(v - fx.output[i]!) < 1e-4));
  assert.equal([...loadOnnxFile(join(fixtures, 'resnet-small.onnx')).model.parameters()].length, model.parameters().length);
});

test('import errors: a bad file, a wrong class count', () => {
  writeFileSync(join(dir, 'junk.onnx'), 'this is not a model');
  const r = fovea('import', join(dir, 'junk.onnx'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /fovea import: .*junk\.onnx: /);
  const c = fovea('import', join(fixtures, 'lenet.onnx'), '-o', join(dir, 'x.fovea'), '--classes', '3');
  assert.equal(c.code, 2);
  assert.match(c.stderr, /3 names for a model with 10 outputs/);
});

test('export writes the class names, normalisation and fit into the .onnx file; import reads them back', async () => {
  const model = new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 3));
  const meta: ModelMeta = {
    inputShape: [3, 6, 6], normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] },
    classNames: ['cat', 'dog', 'fox'], fit: 'cover', training: { dataset: 'pets' },
  };
  const file = join(dir, 'pets.fovea');
  await saveModel(file, model, meta);
  const onnx = join(dir, 'pets.onnx');
  const r = fovea('export', file, '--onnx', onnx);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /3 class names, normalize mean \[0\.5, 0\.4, 0\.3\] std \[0\.2, 0\.25, 0\.3\] in metadata/);
  const loaded = loadOnnxFile(onnx);
  assert.deepEqual(loaded.meta, meta);
  assert.match(loaded.metadataProps['fovea.format_version'] ?? '', /^1$/);

  // import without flags takes all of it; --classes and --mean/--std still win
  const back = fovea('import', onnx, '-o', join(dir, 'pets-back.fovea'));
  assert.equal(back.code, 0, back.stderr);
  const { meta: m } = loadModel(join(dir, 'pets-back.fovea'));
  assert.deepEqual([m.classNames, m.normalize, m.fit, m.training?.['dataset']], [meta.classNames, meta.normalize, 'cover', 'pets']);
  const over = fovea('import', onnx, '-o', join(dir, 'pets-over.fovea'), '--classes', '3', '--mean', '0', '--std', '1');
  assert.equal(over.code, 0, over.stderr);
  const { meta: o } = loadModel(join(dir, 'pets-over.fovea'));
  assert.deepEqual([o.classNames, o.normalize], [['0', '1', '2'], { mean: [0, 0, 0], std: [1, 1, 1] }]);

  // baked: the graph normalises, the metadata says mean 0 / std 1, and a re-import gives the same logits on raw pixels
  const baked = join(dir, 'pets-baked.onnx');
  const b = fovea('export', file, '--onnx', baked, '--bake-normalization', '--json');
  assert.equal(b.code, 0, b.stderr);
  assert.equal(JSON.parse(b.stdout).bakedNormalization, true);
  const lb = loadOnnxFile(baked);
  assert.equal(lb.metadataProps['fovea.normalize.baked'], 'true');
  assert.deepEqual([lb.meta.classNames, lb.meta.normalize, lb.meta.fit], [meta.classNames, { mean: [0, 0, 0], std: [1, 1, 1] }, 'cover']);
  const pixels = randn([2, 3, 6, 6]).data.map((v) => Math.abs(v) % 1);
  const norm = pixels.map((v, i) => Math.fround(Math.fround(v - meta.normalize.mean[Math.floor(i / 36) % 3]!) / Math.fround(meta.normalize.std[Math.floor(i / 36) % 3]!)));
  const want = noGrad(() => model.eval().forward(tensor(norm, [2, 3, 6, 6]))).toArray();
  const got = noGrad(() => lb.model.forward(tensor(pixels, [2, 3, 6, 6]))).toArray();
  assert.ok(want.every((v, i) => Math.abs(v - got[i]!) < 1e-5));
});

test('export --help documents the metadata keys and --bake-normalization', () => {
  const r = fovea('export', '--help');
  assert.equal(r.code, 0);
  for (const k of ['fovea.class_names', 'fovea.normalize.mean', 'fovea.normalize.baked', 'fovea.fit', '--bake-normalization']) assert.ok(r.stdout.includes(k), k);
});
