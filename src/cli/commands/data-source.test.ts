// --data DIR as a user meets it: whatever the folder holds, train and eval
// say what they found or what they expected; and the model file train
// writes is named after the data and never overwritten without --force.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const main = fileURLToPath(new URL('../main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fovea-cli-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fovea(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FOVEA_DATA: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function png(path: string, rgb: [number, number, number]): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path);
}

test('a folder of loose photos, or of other files, is named as such by train and eval (not taken for a missing MNIST)', async () => {
  const loose = join(dir, 'loose-jpegs');
  for (let i = 0; i < 37; i++) await png(join(loose, `${i}.png`), [i, 2 * i, 3 * i]);
  const other = join(dir, 'papers');
  mkdirSync(other);
  writeFileSync(join(other, 'notes.txt'), 'x');
  const model = join(dir, 'any.fovea');
  assert.equal(fovea(dir, 'train', '--limit', '50', '--epochs', '1', '--no-report', '--out', model).code, 0);
  for (const cmd of [['train', '--data', loose, '--epochs', '1'], ['eval', model, '--data', loose]]) {
    const r = fovea(dir, ...cmd);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.split('\n')[0], `fovea ${cmd[0]}: ${loose}: holds 37 images but no class sub-folders: put each class in its own folder (${loose}/daisy/*.png, ${loose}/tulips/*.png, ...); the folder names become the class names`);
    assert.doesNotMatch(r.stderr, /MNIST/);
  }
  for (const cmd of [['train', '--data', other, '--epochs', '1'], ['eval', model, '--data', other]]) {
    const r = fovea(dir, ...cmd);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^fovea ${cmd[0]}: ${other}: holds no data fovea reads \\(it has 1 file \\(\\.txt\\)\\); expected the MNIST / Fashion-MNIST IDX files \\(train-images-idx3-ubyte\\[\\.gz\\].*the CIFAR-10 binary batches \\(data_batch_1\\.bin .*or an image folder with one sub-folder of images per class`));
  }
  const photos = join(dir, 'photos');
  await png(join(photos, 'red', 'a.png'), [255, 0, 0]);
  await png(join(photos, 'blue', 'a.png'), [0, 0, 255]);
  const both = fovea(dir, 'train', '--data', photos, '--dataset', 'fashion-mnist');
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--dataset fashion-mnist: .*photos is an image folder \(its sub-folders are the classes\); leave --dataset out/);
});

test('train names the model after the data and refuses to overwrite it or its report without --force', async () => {
  const cwd = join(dir, 'runs');
  mkdirSync(cwd);
  const quick = ['--limit', '60', '--epochs', '1', '--batch-size', '30'];
  const first = fovea(cwd, 'train', ...quick, '--no-report');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /saved mnist-lenet\.fovea/);
  assert.ok(existsSync(join(cwd, 'mnist-lenet.fovea')));
  const again = fovea(cwd, 'train', ...quick, '--no-report');
  assert.equal(again.code, 2);
  assert.equal(again.stderr.split('\n')[0], 'fovea train: mnist-lenet.fovea exists; pass --force to overwrite it or --out to choose another name');
  assert.doesNotMatch(again.stdout, /training/, 'refused before any training');
  const forced = fovea(cwd, 'train', ...quick, '--no-report', '--force');
  assert.equal(forced.code, 0, forced.stderr);

  // The report folder counts too, unless no report is written.
  mkdirSync(join(cwd, 'mine.report'));
  const report = fovea(cwd, 'train', ...quick, '--out', 'mine.fovea');
  assert.equal(report.code, 2);
  assert.match(report.stderr, /^fovea train: mine\.report exists \(the report of an earlier run\); pass --force to overwrite it, --out to choose another name or --no-report to write no report/);
  assert.equal(fovea(cwd, 'train', ...quick, '--out', 'mine.fovea', '--no-report').code, 0);

  // An image folder gives its name, with or without a backbone; the check comes before the backbone is read.
  const flowers = join(dir, 'flowers');
  await png(join(flowers, 'daisy', 'a.png'), [255, 255, 255]);
  await png(join(flowers, 'roses', 'a.png'), [255, 0, 0]);
  writeFileSync(join(cwd, 'flowers.fovea'), 'an earlier model');
  for (const extra of [[], ['--backbone', join(dir, 'no-such-backbone.fovea')]]) {
    const r = fovea(cwd, 'train', '--data', `${flowers}/`, '--epochs', '1', '--no-report', ...extra);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^fovea train: flowers\.fovea exists; pass --force to overwrite it or --out to choose another name/);
  }
});
