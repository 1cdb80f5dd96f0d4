/**
 * CIFAR-10 in its binary version (Node): `data_batch_1.bin` ...
 * `data_batch_5.bin` (training, 50 000 images) and `test_batch.bin` (test,
 * 10 000), each a run of 3073-byte records, with the class names in
 * `batches.meta.txt`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImageDataset } from './dataset.js';
import { DataError } from './errors.js';

/** CIFAR-10's class names by label index, as in `batches.meta.txt`. */
export const CIFAR10_CLASS_NAMES: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);

/** The usual per-channel mean and std of CIFAR-10's training pixels in [0, 1]. */
export const CIFAR10_NORMALIZATION = Object.freeze({ mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] });

/** One record: 1 label byte, then 1024 red, 1024 green, 1024 blue bytes (32x32, row-major). */
const RECORD = 1 + 3 * 32 * 32;

const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const TEST_FILES = ['test_batch.bin'];
const HOW_TO_GET = 'To get them: download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, unpack it (it makes cifar-10-batches-bin/), and pass that folder with --data DIR (or put it under $FOVEA_DATA/cifar10).';

/** Options of {@link loadCifar10}. */
export interface Cifar10Options {
  /** `true` for the five training batches, `false` for `test_batch.bin`. */
  train: boolean;
  /**
   * The folder with the `.bin` files (or one holding `cifar-10-batches-bin/`).
   * Default: `$FOVEA_DATA/cifar10`, then `$FOVEA_DATA`, else `~/.cache/fovea/cifar10`.
   */
  dir?: string;
}

/**
 * Loads the CIFAR-10 training split (all five batches, in order) or the test
 * split from the binary files, with the class names from
 * `batches.meta.txt` when it is there.
 *
 * Shape: `[N, 3, 32, 32]` bytes (each record's pixels are already CHW), N =
 * 50 000 (train) or 10 000 (test) for the real files.
 *
 * @throws {DataError} naming the file: missing (with how to get the files),
 *   empty, a size that is not a whole number of 3073-byte records, a label
 *   beyond the class names (a CIFAR-100 file has 2 label bytes per record),
 *   or a meta file with blank or missing class names.
 * @example
 * const train = loadCifar10({ train: true, dir: 'data/cifar-10-batches-bin' });
 * train.shape; // [3, 32, 32]
 */
export function loadCifar10(options: Cifar10Options): ImageDataset {
  const names = options.train ? TRAIN_FILES : TEST_FILES;
  const dir = findDir(options.dir, names);
  const classNames = readClassNames(dir);
  const parts = names.map((name) => readBatch(join(dir, name), classNames.length));
  const count = parts.reduce((n, p) => n + p.labels.length, 0);
  const images = new Uint8Array(count * (RECORD - 1));
  const labels = new Uint8Array(count);
  let k = 0;
  for (const p of parts) {
    images.set(p.images, k * (RECORD - 1));
    labels.set(p.labels, k);
    k += p.labels.length;
  }
  return new ImageDataset(images, labels, [3, 32, 32], classNames);
}

function findDir(dir: string | undefined, names: string[]): string {
  const roots: string[] = [];
  if (dir !== undefined) roots.push(dir);
  else {
    const env = process.env['FOVEA_DATA'];
    if (env !== undefined && env !== '') roots.push(join(env, 'cifar10'), env);
    else roots.push(join(homedir(), '.cache', 'fovea', 'cifar10'));
  }
  const candidates = roots.flatMap((r) => [r, join(r, 'cifar-10-batches-bin')]);
  const found = candidates.find((d) => names.every((n) => existsSync(join(d, n))));
  if (found !== undefined) return found;
  // The first candidate with some of the files gets the precise complaint.
  const partial = candidates.find((d) => names.some((n) => existsSync(join(d, n))));
  if (partial !== undefined) {
    const missing = names.filter((n) => !existsSync(join(partial, n)));
    throw new DataError(join(partial, missing[0]!), `CIFAR-10 file missing (${missing.join(', ')} not found beside the other batches)`, HOW_TO_GET);
  }
  if (dir !== undefined && existsSync(dir) && !statSync(dir).isDirectory()) throw new DataError(dir, 'is a file; expected the folder holding the CIFAR-10 .bin files');
  throw new DataError(candidates.join(', '), `CIFAR-10 ${names.length > 1 ? 'training' : 'test'} files not found: expected ${names.join(', ')}`, HOW_TO_GET);
}

function readClassNames(dir: string): string[] {
  const meta = join(dir, 'batches.meta.txt');
  if (!existsSync(meta)) return [...CIFAR10_CLASS_NAMES];
  const lines = readFileSync(meta, 'utf8').split(/\r?\n/);
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const names = lines.map((l) => l.trim());
  const blank = names.findIndex((n) => n === '');
  if (names.length === 0) throw new DataError(meta, 'no class names (the file is empty); expected one name per line');
  if (blank >= 0) throw new DataError(meta, `line ${blank + 1} is blank; expected one class name per line`);
  return names;
}

function readBatch(path: string, numClasses: number): { images: Uint8Array; labels: Uint8Array } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataError(path, `cannot read the file (${err instanceof Error ? err.message : String(err)})`, undefined, { cause: err });
  }
  if (bytes.length === 0) throw new DataError(path, 'empty file (0 bytes)', HOW_TO_GET);
  if (bytes.length % RECORD !== 0) {
    throw new DataError(
      path,
      `${bytes.length} bytes is not a whole number of ${RECORD}-byte records (1 label byte + 3072 pixel bytes); the file is truncated or not a CIFAR-10 binary batch` +
        (bytes.length % (RECORD + 1) === 0 ? ' (its size fits CIFAR-100, whose records have 2 label bytes)' : ''),
    );
  }
  const n = bytes.length / RECORD;
  const images = new Uint8Array(n * (RECORD - 1));
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * RECORD]!;
    if (label >= numClasses) {
      throw new DataError(path, `record ${i} has label ${label}, but there are ${numClasses} classes (0-${numClasses - 1}); not a CIFAR-10 batch (CIFAR-100 records have 2 label bytes)`);
    }
    labels[i] = label;
    images.set(bytes.subarray(i * RECORD + 1, (i + 1) * RECORD), i * (RECORD - 1));
  }
  return { images, labels };
}
