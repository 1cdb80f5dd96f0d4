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
