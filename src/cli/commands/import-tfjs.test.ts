// `fovea import` of TF.js layers models as a user runs it: a Teachable
// Machine-style folder (model.json, a shard, metadata.json) and the nsfwjs
// package's MobileNetV2; the written .fovea files reload, predict and summarise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../io/model-file-node.js';
import { NSFWJS_CLASS_NAMES } from '../../io/tfjs/nsfwjs-node.js';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { softmax } from '../../tensor/ops/softmax.js';
import { writePng } from '../../vision/write-png.js';
import { tmFolder as makeTmFolder } from '../../testing/tm-folder.js';

await tf.setBackend('cpu');

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-tfjs-cli-'));

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmFolder = (name: string): ReturnType<typeof makeTmFolder> => makeTmFolder(dir, name);

test('import of a Teachable Machine folder: labels and x/127-1 normalisation from metadata.json, TF.js\'s probabilities', async () => {
  const { folder, model } = await tmFolder('tm-model');
  const r = fovea('import', folder, '-o', join(dir, 'tm.fovea'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { format: string; classes: number; removedSoftmax: boolean };
  assert.equal(report.format, 'tfjs-layers');
  assert.equal(report.removedSoftmax, true);
  const { model: m, meta } = loadModel(join(dir, 'tm.fovea'));
  assert.deepEqual(meta.classNames, ['cat', 'dog', 'bird']);
  assert.deepEqual(meta.inputShape, [3, 16, 16]);
  assert.ok(meta.normalize.mean.every((v) => Math.abs(v - 127 / 255) < 1e-9));
  // the reloaded file still computes TF.js's function
  const x = Float32Array.from({ length: 16 * 16 * 3 }, (_, i) => Math.sin(i));
  const chw = new Float32Array(x.length);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 256; i++) chw[c * 256 + i] = x[i * 3 + c]!;
  const want = await (model.predict(tf.tensor(x, [1, 16, 16, 3])) as tf.Tensor).data();
  const got = noGrad(() => softmax(m.forward(tensor(chw, [1, 3, 16, 16])), 1)).toArray();
  assert.ok(got.every((v, i) => Math.abs(v - want[i]!) < 1e-5), `${got} vs ${Array.from(want)}`);

  const png = join(dir, 'pixel.png');
  await writePng(png, { width: 20, height: 12, channels: 3, data: Uint8Array.from({ length: 20 * 12 * 3 }, (_, i) => (i * 37) % 256) });
  const p = fovea('predict', join(dir, 'tm.fovea'), png, '--json');
  assert.equal(p.code, 0, p.stderr);
  const top = (JSON.parse(p.stdout) as { results: { top: { class: string }[] }[] }).results[0]!.top;
  assert.ok(['cat', 'dog', 'bird'].includes(top[0]!.class));
  const s = fovea('summary', join(dir, 'tm.fovea'));
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /c1_linear +Conv2d +\[1, 4, 8, 8\] +112/); // one row per graph node, named after the Keras layers
  // a model.json path works as well as its folder, and the default output sits beside it
  const byFile = fovea('import', join(folder, 'model.json'));
  assert.equal(byFile.code, 0, byFile.stderr);
  assert.match(byFile.stdout, /wrote .*tm-model[\\/]model\.fovea: \d+ layers, .* 3 classes, .*the final softmax was dropped/);
});

test('import nsfwjs:mobilenet_v2 fills in class names and preprocessing; predict classifies a picture', async () => {
  const r = fovea('import', 'nsfwjs:mobilenet_v2', '-o', 'mnv2.fovea');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote mnv2\.fovea: \d+ layers, 2585349 parameters, input \[3, 224, 224\], 5 classes, normalize mean \[0, 0, 0\] std \[1, 1, 1\]/);
  const { meta } = loadModel(join(dir, 'mnv2.fovea'));
  assert.deepEqual(meta.classNames, NSFWJS_CLASS_NAMES);
  assert.match(String(meta.training?.['package']), /^nsfwjs@/);
  const png = join(dir, 'gradient.png');
  await writePng(png, { width: 64, height: 48, channels: 3, data: Uint8Array.from({ length: 64 * 48 * 3 }, (_, i) => (i % 192) + 32) });
  const p = fovea('predict', 'mnv2.fovea', png, '--top', '5', '--json');
  assert.equal(p.code, 0, p.stderr);
  const top = (JSON.parse(p.stdout) as { results: { top: { class: string; probability: number }[] }[] }).results[0]!.top;
  assert.equal(top.length, 5);
  assert.ok(Math.abs(top.reduce((a, t) => a + t.probability, 0) - 1) < 1e-4);
});

test('import errors: a shard outside the folder, an unknown nsfwjs model, labels that do not match the outputs', async () => {
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'model.json'), JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [] } }, weightsManifest: [{ paths: ['../secret.bin'], weights: [] }] }));
  const r = fovea('import', bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /fovea import: .*bad[\\/]model\.json: weight shard path '\.\.\/secret\.bin' points outside the model's folder/);
  const n = fovea('import', 'nsfwjs:mobilenet_v3');
  assert.equal(n.code, 1);
  assert.match(n.stderr, /unknown nsfwjs model 'mobilenet_v3'; known: mobilenet_v2/);
  const { folder } = await tmFolder('tm-wrong-labels');
  writeFileSync(join(folder, 'metadata.json'), JSON.stringify({ labels: ['only one'] }));
  const c = fovea('import', folder, '-o', join(dir, 'x.fovea'));
  assert.equal(c.code, 2);
  assert.match(c.stderr, /metadata names 1 classes for 3 outputs; give --classes/);
});
