import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CIFAR10_CLASS_NAMES, loadCifar10 } from './cifar10.js';
import { DataError } from './errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-cifar-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** n records: label (start + i) % 10, pixels byte = (record * 7 + position) % 256. */
function batch(n: number, start: number): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    out[i * 3073] = (start + i) % 10;
    for (let p = 0; p < 3072; p++) out[i * 3073 + 1 + p] = ((start + i) * 7 + p) % 256;
  }
  return out;
}

const dir = join(tmp, 'cifar-10-batches-bin');
mkdirSync(dir);
for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), batch(3, (b - 1) * 3));
writeFileSync(join(dir, 'test_batch.bin'), batch(4, 100));

test('loadCifar10 reads the five training batches in order and the test batch, CHW records', () => {
  const train = loadCifar10({ train: true, dir });
  assert.equal(train.length, 15);
  assert.deepEqual(train.shape, [3, 32, 32]);
  assert.deepEqual(Array.from(train.labels), Array.from({ length: 15 }, (_, i) => i % 10));
  assert.deepEqual(train.classNames, CIFAR10_CLASS_NAMES);
  const img = train.image(4);
  assert.deepEqual([img[0], img[1024], img[3071]], [28, (28 + 1024) % 256, (28 + 3071) % 256]); // red[0], green[0], blue[last]
  const test = loadCifar10({ train: false, dir: tmp }); // the parent of cifar-10-batches-bin works too
  assert.equal(test.length, 4);
  assert.deepEqual(Array.from(test.labels), [0, 1, 2, 3]);
});

test('class names come from batches.meta.txt when present', () => {
  const d = join(tmp, 'named');
  mkdirSync(d);
  writeFileSync(join(d, 'test_batch.bin'), batch(2, 0));
  writeFileSync(join(d, 'batches.meta.txt'), 'plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  assert.deepEqual(loadCifar10({ train: false, dir: d }).classNames.slice(0, 2), ['plane', 'car']);
  writeFileSync(join(d, 'batches.meta.txt'), 'a\n\nb\n');
  assert.throws(() => loadCifar10({ train: false, dir: d }), /batches\.meta\.txt: line 2 is blank/);
});

test('missing, empty, truncated and foreign files are DataErrors naming the file', () => {
  const check = (fn: () => unknown, re: RegExp): void => {
    assert.throws(fn, (e: unknown) => e instanceof DataError && re.test(e.message));
  };
  check(() => loadCifar10({ train: true, dir: join(tmp, 'nowhere') }), /nowhere.*: CIFAR-10 training files not found: expected data_batch_1\.bin, [^]*cifar-10-binary\.tar\.gz/);
  const partial = join(tmp, 'partial');
  mkdirSync(partial);
  writeFileSync(join(partial, 'data_batch_1.bin'), batch(1, 0));
  check(() => loadCifar10({ train: true, dir: partial }), /data_batch_2\.bin: CIFAR-10 file missing \(data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin/);
  const bad = (name: string, bytes: Uint8Array, re: RegExp): void => {
    const d = join(tmp, name);
    mkdirSync(d);
    writeFileSync(join(d, 'test_batch.bin'), bytes);
    check(() => loadCifar10({ train: false, dir: d }), re);
  };
  bad('empty', new Uint8Array(0), /test_batch\.bin: empty file/);
  bad('cut', batch(2, 0).subarray(0, 5000), /test_batch\.bin: 5000 bytes is not a whole number of 3073-byte records/);
  const c100 = new Uint8Array(3 * 3074);
  bad('c100', c100, /fits CIFAR-100, whose records have 2 label bytes/);
  const label = batch(2, 0);
  label[3073] = 42;
  bad('label', label, /record 1 has label 42, but there are 10 classes/);
});
