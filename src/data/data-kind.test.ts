import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { dataKind, describeDataKind } from './data-kind.js';
import { DataError } from './errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-data-kind-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: string[]): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), 'x');
  }
  return dir;
}

test('dataKind tells IDX files, CIFAR-10 batches (also in cifar-10-batches-bin/) and image folders apart by their names', () => {
  const idx = folder('idx', ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'README.md']);
  assert.deepEqual(dataKind(idx), { kind: 'idx', dir: idx, files: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] });
  const cifar = folder('cifar', ['cifar-10-batches-bin/data_batch_1.bin', 'cifar-10-batches-bin/test_batch.bin', 'cifar-10-batches-bin/batches.meta.txt']);
  assert.deepEqual(dataKind(cifar), { kind: 'cifar10', dir: cifar, files: ['data_batch_1.bin', 'test_batch.bin'] });
  const photos = folder('photos', ['tulips/a.JPG', 'daisy/b.png', 'daisy/c.png', '.cache/x.png', 'README.md']);
  const k = dataKind(photos);
  assert.deepEqual(k, { kind: 'image-folder', dir: photos, classes: ['daisy', 'tulips'] });
  assert.equal(describeDataKind(k), `${photos}: an image folder with 2 classes (daisy, tulips)`);
});

test('dataKind names loose photos, a folder of other files, an empty folder, a file and a missing folder', () => {
  const expectError = (dir: string, re: RegExp): void => {
    assert.throws(() => dataKind(dir), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.match(e.message, re);
      return true;
    });
  };
  const loose = folder('loose', ['1.jpg', '2.jpg', '3.jpeg', 'notes.txt']);
  expectError(loose, new RegExp(`^${loose}: holds 3 images but no class sub-folders: put each class in its own folder \\(${loose}/daisy/\\*\\.jpg, ${loose}/tulips/\\*\\.jpg, \\.\\.\\.\\)`));
  const other = folder('other', ['a.csv', 'b.txt', 'sub/c.txt']);
  expectError(other, /other: holds no data fovea reads \(it has 2 files \(\.csv, \.txt\) and 1 folder without images\); expected the MNIST \/ Fashion-MNIST IDX files .*, the CIFAR-10 binary batches .*, or an image folder with one sub-folder of images per class/);
  expectError(folder('empty', []), /empty: holds no data fovea reads \(it is empty\)/);
  expectError(join(other, 'a.csv'), /a\.csv: is a file, not a folder/);
  expectError(join(tmp, 'missing'), /missing: no such folder/);
});
