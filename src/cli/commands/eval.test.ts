// fovea eval as a user runs it after fovea train: on an image folder it
// reproduces training's test accuracy (same seeded split, classes matched by
// name), on CIFAR-10 batches it finds them by their names, and a model of
// another shape or other classes gets a clear error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { loadModel, saveModel } from '../../io/model-file-node.js';
import { sharedDataDir } from '../../testing/shared-data.js';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-cli-eval-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const flowers = join(sharedDataDir(), 'flowers');

function fovea(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, FOVEA_DATA: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lastJson = (s: string): Record<string, any> => JSON.parse(s.trim().split('\n').pop()!);

/** A small random generator, so the pictures are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** `n` noisy 12x12 PNGs per class around each class's colour: a folder a tiny CNN learns in two epochs. */
async function colourFolder(path: string, colours: Record<string, [number, number, number]>, n: number): Promise<string> {
  const rand = lcg(7);
  for (const [name, rgb] of Object.entries(colours)) {
    mkdirSync(join(path, name), { recursive: true });
    for (let i = 0; i < n; i++) {
      const px = Buffer.alloc(12 * 12 * 3);
      for (let k = 0; k < px.length; k++) px[k] = Math.max(0, Math.min(255, Math.round(rgb[k % 3]! + (rand() - 0.5) * 200)));
      await sharp(px, { raw: { width: 12, height: 12, channels: 3 } }).png().toFile(join(path, name, `${i}.png`));
    }
  }
  return path;
}

/** Trains via the CLI and checks that eval, with no split options, reports exactly training's test part. */
function trainThenEval(data: string, out: string, trainArgs: string[]): { train: Record<string, any>; evaluated: Record<string, any> } {
  const t = fovea('train', '--data', data, ...trainArgs, '--out', out, '--no-report', '--json');
  assert.equal(t.code, 0, t.stderr);
  const train = lastJson(t.stdout);
  const e = fovea('eval', out, '--data', data, '--json');
  assert.equal(e.code, 0, e.stderr);
  const evaluated = lastJson(e.stdout);
  assert.equal(evaluated.count, train.test.count);
  assert.equal(evaluated.accuracy, train.test.accuracy);
  assert.deepEqual(Object.values(evaluated.perClassAccuracy), train.test.perClassAccuracy);
  assert.ok(Math.abs(evaluated.loss - train.test.loss) < 1e-6, `eval loss ${evaluated.loss}, training's ${train.test.loss}`);
  assert.equal(evaluated.part, 'test');
  return { train, evaluated };
}

test('eval on the flower photos reproduces the test accuracy train reported (same split, size, fit, normalisation)', { skip: !existsSync(flowers) && `no ${flowers}` }, () => {
  const { train, evaluated } = trainThenEval(flowers, join(dir, 'flowers-16.fovea'), ['--size', '16', '--epochs', '1']);
  assert.equal(train.test.count, 60);
  assert.deepEqual([evaluated.split, evaluated.seed, evaluated.splitFrom, evaluated.images], ['80/10/10', 1, 'as in training', 600]);
  const text = fovea('eval', join(dir, 'flowers-16.fovea'), '--data', flowers);
  assert.match(text.stdout, new RegExp(`on the test part of ${flowers} \\(split 80/10/10, seed 1, as in training; 60 of 600 images\\)\\naccuracy ${(train.test.accuracy * 100).toFixed(2)}%`));
});

test('eval on an image folder: the training split by default, --split none, a 2-part split, classes matched by name', async () => {
  const colours = await colourFolder(join(dir, 'colours'), { blue: [40, 60, 220], green: [40, 200, 60], red: [220, 40, 40] }, 15);
  const model = join(dir, 'colours.fovea');
  const { train } = trainThenEval(colours, model, ['--size', '16', '--epochs', '4', '--batch-size', '4', '--optimizer', 'adam', '--lr', '0.003', '--split', '60/20/20', '--seed', '5']);
  assert.ok(train.test.accuracy > 0.5, `a model that learned something: ${train.test.accuracy}`);

  const all = lastJson(fovea('eval', model, '--data', colours, '--split', 'none', '--json').stdout);
  assert.deepEqual([all.count, all.part, all.split], [45, 'all', 'none']);

  // The same classes in another order: eval maps the folder's classes to the model's by name.
  const { model: net, meta } = loadModel(model);
  const order = [2, 0, 1];
  const state = [...net.stateDict()];
  for (const [, t] of state.slice(-2)) {
    const per = t.data.length / 3;
    const copy = Float32Array.from(t.data);
    order.forEach((from, to) => t.data.set(copy.subarray(from * per, (from + 1) * per), to * per));
  }
  const shuffled = join(dir, 'shuffled.fovea');
  await saveModel(shuffled, net, { ...meta, classNames: order.map((i) => meta.classNames[i]!) });
  const same = lastJson(fovea('eval', shuffled, '--data', colours, '--json').stdout);
  assert.deepEqual([same.count, same.accuracy], [train.test.count, train.test.accuracy]);
  assert.deepEqual(same.classNames, ['red', 'blue', 'green']);

  // Without --data, the folder the model was trained on, when it is there.
  assert.equal(lastJson(fovea('eval', model, '--json').stdout).accuracy, train.test.accuracy);
  const moved = join(dir, 'moved.fovea');
  await saveModel(moved, net, { ...meta, training: { ...meta.training, dataset: join(dir, 'gone') } });
  const gone = fovea('eval', moved);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, new RegExp(`^fovea eval: ${moved} was trained on ${dir}/gone, which is not here; pass --data DIR`));

  // Without a test part, eval takes the validation part and says so.
  const two = join(dir, 'two.fovea');
  const t2 = lastJson(fovea('train', '--data', colours, '--size', '16', '--epochs', '1', '--split', '70/30', '--out', two, '--no-report', '--json').stdout);
  const e2 = fovea('eval', two, '--data', colours);
  assert.equal(e2.code, 0, e2.stderr);
  assert.match(e2.stdout, new RegExp(`on the validation part of ${colours} \\(split 70/30, seed 1, as in training; 12 of 45 images; a 2-part split has no test part, and training chose its best epoch on this one\\)\\naccuracy ${(t2.valAccuracy * 100).toFixed(2)}%`));
  const overridden = lastJson(fovea('eval', two, '--data', colours, '--split', '50/25/25', '--seed', '9', '--json').stdout);
  assert.deepEqual([overridden.split, overridden.seed, overridden.part, overridden.splitFrom], ['50/25/25', 9, 'test', 'given']);

  // Other classes: both lists named.
  const other = await colourFolder(join(dir, 'other'), { blue: [0, 0, 255], green: [0, 255, 0], purple: [128, 0, 128] }, 2);
  const bad = fovea('eval', model, '--data', other);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.split('\n')[0], `fovea eval: ${other}: its class folders [blue, green, purple] do not match the classes of ${model} [blue, green, red] (in the folder but not the model: purple; model classes with no folder: red); eval matches them by name`);
});

test('train and eval find CIFAR-10 batches by their names; a model of another input shape is refused', () => {
  const cifar = join(dir, 'cifar-10-batches-bin');
  mkdirSync(cifar);
  const rand = lcg(3);
  const batch = (n: number): Uint8Array => {
    const b = new Uint8Array(n * 3073);
    for (let i = 0; i < n; i++) {
      b[i * 3073] = i % 10;
      for (let k = 1; k < 3073; k++) b[i * 3073 + k] = Math.floor(rand() * 256);
    }
    return b;
  };
  for (let i = 1; i <= 5; i++) writeFileSync(join(cifar, `data_batch_${i}.bin`), batch(20));
  writeFileSync(join(cifar, 'test_batch.bin'), batch(30));
  const t = fovea('train', '--data', dir, '--epochs', '1', '--no-report', '--json');
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, new RegExp(`data: ${dir}: CIFAR-10 binary batches \\(data_batch_1\\.bin, .*test_batch\\.bin\\)`));
  assert.deepEqual([lastJson(t.stdout).dataset, lastJson(t.stdout).out], ['cifar10', 'cifar10-lenet.fovea']);
  const e = fovea('eval', 'cifar10-lenet.fovea', '--dataset', 'cifar10', '--data', cifar, '--json');
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual([lastJson(e.stdout).dataset, lastJson(e.stdout).count], ['cifar10', 30]);
  const wrong = fovea('eval', 'cifar10-lenet.fovea', '--dataset', 'mnist');
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /cifar10-lenet\.fovea: model expects input \[3, 32, 32\] but mnist images are \[1, 28, 28\]/);
  const mixed = fovea('eval', 'cifar10-lenet.fovea', '--dataset', 'mnist', '--data', cifar);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /--dataset mnist: .*holds CIFAR-10 batches/);
});
