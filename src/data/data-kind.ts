/**
 * What a data folder holds, found in one place (Node): the IDX files of
 * MNIST / Fashion-MNIST, the CIFAR-10 binary batches, or an image folder
 * (one sub-folder of images per class). Every command that takes `--data DIR`
 * asks this, so a folder of loose photos is never mistaken for a missing
 * MNIST download.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';
import { DataError } from './errors.js';
import { IMAGE_EXTENSIONS, isImageFolder } from './image-folder.js';

/** What {@link dataKind} found in a folder. */
export type DataKind =
  /** MNIST-style IDX files (`train-images-idx3-ubyte[.gz]` ...); which data set they are cannot be told from the files. */
  | { kind: 'idx'; dir: string; files: string[] }
  /** CIFAR-10 binary batches (`data_batch_1.bin` ... `test_batch.bin`), in `dir` or its `cifar-10-batches-bin/`. */
  | { kind: 'cifar10'; dir: string; files: string[] }
  /** An image folder (see `isImageFolder`): `classes` are its sub-folders, sorted by code point as the loader sorts them. */
  | { kind: 'image-folder'; dir: string; classes: string[] };

const IDX_FILE = /-idx\d-ubyte(\.gz)?$/;
const CIFAR_FILE = /^(data_batch_\d|test_batch)\.bin$/;

/**
 * Tells what a data folder holds, from its file names only (nothing is
 * decoded): IDX files, CIFAR-10 batches (in it or in its
 * `cifar-10-batches-bin/`), or class sub-folders of images
 * (`isImageFolder`). In that order: a folder with IDX files is IDX data even
 * if it also has sub-folders.
 *
 * @throws {DataError} naming the folder when it is missing, is a file, holds
 *   images but no class sub-folders (saying to make one per class), or holds
 *   none of the three (saying what was expected).
 * @example dataKind('../data/flowers'); // { kind: 'image-folder', dir: '../data/flowers', classes: ['daisy', ...] }
 */
export function dataKind(dir: string): DataKind {
  const entries = listDir(dir);
  const idx = entries.filter((e) => !e.isDirectory() && IDX_FILE.test(e.name)).map((e) => e.name).sort();
  if (idx.length) return { kind: 'idx', dir, files: idx };
  for (const d of [dir, join(dir, 'cifar-10-batches-bin')]) {
    const bins = (d === dir ? entries : safeList(d)).filter((e) => CIFAR_FILE.test(e.name)).map((e) => e.name).sort();
    if (bins.length) return { kind: 'cifar10', dir, files: bins };
  }
  if (isImageFolder(dir)) {
    // Every sub-folder is a class, as findClasses has it: one without images is the loader's error to report.
    const classes = entries.filter((e) => !e.name.startsWith('.') && isDir(dir, e)).map((e) => e.name);
    return { kind: 'image-folder', dir, classes: classes.sort(byCodePoint) };
  }
  const loose = entries.filter((e) => !isDir(dir, e) && isImageName(e.name));
  if (loose.length) {
    const ext = mostCommon(loose.map((e) => extname(e.name).toLowerCase()));
    throw new DataError(dir, `holds ${loose.length} image${loose.length === 1 ? '' : 's'} but no class sub-folders: put each class in its own folder (${join(dir, 'daisy', `*${ext}`)}, ${join(dir, 'tulips', `*${ext}`)}, ...); the folder names become the class names`);
  }
  throw new DataError(dir, `holds no data fovea reads (${describe(dir, entries)}); expected ${EXPECTED}`);
}

/** The three kinds of data folder, for messages. */
export const EXPECTED = 'the MNIST / Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...), ' +
  'the CIFAR-10 binary batches (data_batch_1.bin ... data_batch_5.bin, test_batch.bin), ' +
  'or an image folder with one sub-folder of images per class (DIR/daisy/1.jpg, DIR/tulips/2.jpg, ...)';

/**
 * One line saying what {@link dataKind} found, for logs.
 * @example describeDataKind(dataKind('flowers')); // 'flowers: an image folder with 5 classes (daisy, dandelion, roses, sunflowers, tulips)'
 */
export function describeDataKind(k: DataKind): string {
  if (k.kind === 'idx') return `${k.dir}: IDX files (${k.files.join(', ')})`;
  if (k.kind === 'cifar10') return `${k.dir}: CIFAR-10 binary batches (${k.files.join(', ')})`;
  return `${k.dir}: an image folder with ${k.classes.length} class${k.classes.length === 1 ? '' : 'es'} (${k.classes.join(', ')})`;
}

function listDir(dir: string): Dirent[] {
  let s;
  try {
    s = statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(dir, code === 'ENOENT' ? `no such folder; expected a folder holding ${EXPECTED}` : `cannot read it (${(e as Error).message})`, undefined, { cause: e });
  }
  if (!s.isDirectory()) throw new DataError(dir, `is a file, not a folder; --data takes a folder holding ${EXPECTED}`);
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new DataError(dir, `cannot list the folder (${(e as Error).message})`, undefined, { cause: e });
  }
}

function safeList(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** A directory, or a link to one (as the image-folder loader follows links). */
function isDir(parent: string, e: Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return statSync(join(parent, e.name)).isDirectory();
  } catch {
    return false;
  }
}

function isImageName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** "3 files (.txt, .csv), 1 folder without images" or "it is empty". */
function describe(dir: string, entries: Dirent[]): string {
  const shown = entries.filter((e) => !e.name.startsWith('.'));
  if (shown.length === 0) return 'it is empty';
  const folders = shown.filter((e) => isDir(dir, e)).length;
  const files = shown.length - folders;
  const exts = [...new Set(shown.filter((e) => !isDir(dir, e)).map((e) => extname(e.name).toLowerCase() || '(no extension)'))].slice(0, 6);
  const parts = [];
  if (files) parts.push(`${files} file${files === 1 ? '' : 's'} (${exts.join(', ')})`);
  if (folders) parts.push(`${folders} folder${folders === 1 ? '' : 's'} without images`);
  return `it has ${parts.join(' and ')}`;
}

function mostCommon(xs: string[]): string {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]![0];
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
