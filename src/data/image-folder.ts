/**
 * Image folders (Node): torchvision's `ImageFolder` layout, one sub-folder
 * per class (`flowers/roses/1.jpg`, `flowers/tulips/2.jpg`), decoded with
 * sharp into an in-memory {@link ImageDataset} of one fixed size.
 */
import { readdirSync, statSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { FileError } from '../errors.js';
import { ImageError } from '../vision/image-error.js';
import { loadImageFile } from '../vision/image-file.js';
import type { ImageFit } from '../vision/load-image-options.js';
import { ImageDataset } from './dataset.js';
import { DataError } from './errors.js';
import { dropDuplicateImages, type DuplicateImage } from './duplicate-images.js';
import { DEFAULT_MEMORY_LIMIT, formatBytes } from '../util/memory-estimate.js';

/**
 * File extensions taken as images (case-insensitive): what sharp decodes.
 * torchvision also lists .bmp, .ppm and .pgm, which sharp cannot read;
 * such files are ignored and counted in the error for a class without images.
 */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif'];

const UNDECODABLE = ['.bmp', '.ppm', '.pgm', '.heic', '.jxl'];

/** How image files are decoded besides their size: `loadImageFile`'s `maxPixels` and `fit`. */
export interface ImageDecodeOptions {
  /** Default 100e6 pixels per image. */
  maxPixels?: number;
  /** Default `'fill'`. */
  fit?: ImageFit;
}

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /** Every image is resized to `[height, width]` (bilinear; `fit` says whether the aspect ratio is kept). */
  size: readonly [height: number, width: number];
  /** `'fill'` (default): stretched, as torchvision's `Resize((h, w))`; `'cover'`: the centre cut out, as `Resize(min(h, w))` + `CenterCrop((h, w))`. */
  fit?: ImageFit;
  /** 3 for RGB (default), 1 for grayscale (luma). */
  channels?: 1 | 3;
  /** Skip files that cannot be decoded and list them in `skipped`, instead of failing on the first; default false. */
  skipUnreadable?: boolean;
  /** How many images are decoded at once; default 4. */
  concurrency?: number;
  /** Passed on to `loadImageFile` (default 100e6 pixels per image). */
  maxPixels?: number;
  /** Called after each decoded image, e.g. for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /**
   * The most memory the decoded images may take, checked (files x C x H x W
   * bytes) before the first one is decoded; default 2 GiB.
   */
  maxBytes?: number;
}

/** What {@link loadImageFolder} returns. */
export interface ImageFolderResult {
  /** The images as bytes `[N, C, H, W]` with labels = class indices. */
  dataset: ImageDataset;
  /** The file of each example, in dataset order (class by class, sorted). */
  files: string[];
  /** Files left out with `skipUnreadable`, and why. */
  skipped: { file: string; problem: string }[];
  /** Files left out because they are the same image as an earlier file (hard link or same bytes). */
  duplicates: DuplicateImage[];
}

/**
 * The class names of an image folder: its sub-folders' names, sorted by
 * code point (torchvision's `find_classes`, so label indices agree with
 * PyTorch's). Folders whose name starts with a dot are ignored.
 *
 * @throws {DataError} when `dir` is missing, not a folder, or has no class sub-folders.
 * @example await findClasses('flowers'); // ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']
 */
export async function findClasses(dir: string): Promise<string[]> {
  const s = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (s instanceof Error) throw new DataError(dir, s.code === 'ENOENT' ? 'image folder not found' : `cannot read the image folder (${s.message})`, undefined, { cause: s });
  if (!s.isDirectory()) throw new DataError(dir, 'is a file, not an image folder (a directory with one sub-folder per class)');
  const entries = await readdir(dir, { withFileTypes: true });
  const classes: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory() || (e.isSymbolicLink() && (await stat(join(dir, e.name)).then((t) => t.isDirectory(), () => false)))) classes.push(e.name);
  }
  if (classes.length === 0) {
    const images = entries.filter((e) => isImageName(e.name)).length;
    throw new DataError(
      dir,
      `no class sub-folders: an image folder holds one sub-folder per class, e.g. ${join(dir, 'cat', '1.jpg')} and ${join(dir, 'dog', '2.jpg')}`,
      images > 0 ? `It holds ${images} image file(s) directly; move them into one folder per class.` : undefined,
    );
  }
  return classes.sort(byCodePoint);
}

/**
 * Loads an image folder into memory: finds the classes ({@link findClasses}),
 * lists each class folder's image files recursively (sorted, by extension,
 * see {@link IMAGE_EXTENSIONS}), and decodes them with `loadImageFile` to
 * `size` and `channels`, a few at a time.
 *
 * Shape: the dataset is `[N, channels, size[0], size[1]]` bytes; labels are
 * indices into the sorted class names.
 *
 * @throws {DataError} for a folder with no class sub-folders, with only one
 *   class, or with a class folder holding no images.
 * @throws {ImageError} naming the file for an unreadable image (missing,
 *   empty, not an image, truncated, too many pixels), unless `skipUnreadable`.
 * @example
 * const { dataset, skipped } = await loadImageFolder('flowers', { size: [64, 64], skipUnreadable: true });
 * dataset.classNames; // ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolderResult> {
  const channels = options.channels ?? 3;
  const [height, width] = options.size;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`loadImageFolder: concurrency is ${concurrency}; expected a positive integer`);
  const { classNames, files, labels, duplicates } = await listImageFolder(dir);
  const per = channels * height * width;
  const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_LIMIT;
  if (files.length * per > maxBytes) {
    throw new DataError(dir, `${files.length} images of ${channels}x${height}x${width} need ${formatBytes(files.length * per)} once decoded; the limit is ${formatBytes(maxBytes)} (use a smaller image size, or raise loadImageFolder's maxBytes)`);
  }
  const bytes = sharedBytes(files.length * per);
  const ok = new Uint8Array(files.length);
  const skipped: { file: string; problem: string }[] = [];
  let done = 0;
  await forEachPooled(files.length, concurrency, async (i) => {
    const file = files[i]!;
    try {
      bytes.set(await readImageChw(file, [channels, height, width], options), i * per);
      ok[i] = 1;
    } catch (err) {
      if (!(err instanceof ImageError) || !options.skipUnreadable) throw err;
      skipped.push({ file, problem: err.problem });
    }
    options.onProgress?.(++done, files.length);
  });
  if (skipped.length === 0) {
    return { dataset: new ImageDataset(bytes, Int32Array.from(labels), [channels, height, width], classNames), files, skipped, duplicates };
  }
  skipped.sort((a, b) => byCodePoint(a.file, b.file));
  const keep = files.map((_, i) => i).filter((i) => ok[i] === 1);
  for (let c = 0; c < classNames.length; c++) {
    if (!keep.some((i) => labels[i] === c)) throw new DataError(join(dir, classNames[c]!), `every image of class '${classNames[c]}' was unreadable (${skipped.filter((s) => labels[files.indexOf(s.file)] === c).length} skipped)`);
  }
  const compact = sharedBytes(keep.length * per);
  keep.forEach((i, k) => compact.set(bytes.subarray(i * per, (i + 1) * per), k * per));
  return {
    dataset: new ImageDataset(compact, Int32Array.from(keep, (i) => labels[i]!), [channels, height, width], classNames),
    files: keep.map((i) => files[i]!),
    skipped,
    duplicates,
  };
}

/**
 * The image files of an image folder and their labels, without decoding
 * any: the classes ({@link findClasses}), then each class folder's image
 * files, recursively, sorted (see {@link IMAGE_EXTENSIONS}). Symbolic links
 * are followed, but each real folder is walked and each real file listed
 * once, so no image is counted twice or lands in two splits; hard links and
 * copies of the same bytes are kept once too (the first, in class then path
 * order), and listed in `duplicates` ({@link dropDuplicateImages}).
 *
 * @throws {DataError} for a folder with no class sub-folders, with only one
 *   class, or with a class folder holding no images; for a link that makes a
 *   cycle, or that reaches a folder or file of another class (named).
 * @example const { classNames, files, labels } = await listImageFolder('flowers'); // files[i] has label labels[i]
 */
export async function listImageFolder(dir: string): Promise<{ classNames: string[]; files: string[]; labels: number[]; duplicates: DuplicateImage[] }> {
  const classNames = await findClasses(dir);
  if (classNames.length < 2) {
    throw new DataError(dir, `only one class folder ('${classNames[0]}'); a classifier needs at least two classes, one sub-folder each`);
  }
  const files: string[] = [];
  const labels: number[] = [];
  const seen: Seen = { dirs: new Map(), files: new Map() };
  for (let c = 0; c < classNames.length; c++) {
    const classDir = join(dir, classNames[c]!);
    const { images, ignored } = await listImages(classDir, classNames[c]!, seen);
    if (images.length === 0) throw new DataError(classDir, `class '${classNames[c]}' has no images (${IMAGE_EXTENSIONS.join(' ')})${describeIgnored(ignored)}`);
    for (const f of images) {
      files.push(f);
      labels.push(c);
    }
  }
  const unique = await dropDuplicateImages(files, labels);
  for (let c = 0; c < classNames.length; c++) {
    if (!unique.labels.includes(c)) {
      const d = unique.duplicates.find((x) => labels[files.indexOf(x.file)] === c);
      throw new DataError(join(dir, classNames[c]!), `every image of class '${classNames[c]}' is a copy of an image of another class${d ? ` (e.g. ${d.file} is ${d.sameAs})` : ''}; an image cannot have two labels`);
    }
  }
  return { classNames, ...unique };
}

/**
 * Decodes an image file to `shape` = [C, H, W] bytes, channels first, as an
 * {@link ImageDataset} holds them: `loadImageFile` (sharp) with `channels`
 * C and `size` [H, W], then HWC → CHW.
 *
 * Shape: `[C, H, W]` bytes.
 *
 * @throws {ImageError} naming the file (missing, not an image, truncated, too many pixels).
 * @example const bytes = await readImageChw('flowers/roses/1.jpg', [3, 224, 224], { fit: 'cover' });
 */
export async function readImageChw(file: string, shape: readonly [number, number, number], decode: ImageDecodeOptions = {}): Promise<Uint8Array> {
  const [channels, height, width] = shape;
  if (channels !== 1 && channels !== 3) throw new RangeError(`readImageChw: ${channels} channels; expected 1 or 3`);
  const { maxPixels, fit } = decode;
  const img = await loadImageFile(file, { channels, size: [height, width], ...(maxPixels !== undefined ? { maxPixels } : {}), ...(fit !== undefined ? { fit } : {}) });
  const out = new Uint8Array(channels * height * width);
  hwcToChw(img.data, out, 0, height * width, channels);
  return out;
}

/**
 * Whether `dir` looks like an image folder rather than a folder of data
 * files (such as MNIST's IDX files): a directory with at least one
 * non-hidden sub-folder that holds an image file, and no IDX files.
 *
 * @example if (isImageFolder(dir)) { ... } else { loadMnist({ dir, train: true }); }
 */
export function isImageFolder(dir: string): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => /-idx\d-ubyte/.test(e.name))) return false;
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const sub = join(dir, e.name);
    try {
      if (!statSync(sub).isDirectory()) continue;
      if (readdirSync(sub).some(isImageName)) return true;
    } catch {
      // unreadable entries do not make it an image folder
    }
  }
  return false;
}

function isImageName(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** Where a real path (a folder or a file) was first reached in one listing, and in which class. */
interface Seen {
  dirs: Map<string, { path: string; className: string }>;
  files: Map<string, { path: string; className: string }>;
}

/**
 * Image files under `dir`, recursively, following links, sorted like
 * Python's sorted(os.walk()), with each real folder walked and each real file
 * listed at most once across the whole image folder (`seen`). Without that, a
 * link to a sibling folder listed its photos again (12 photos came out as 108
 * images, and a copy could land in both the training and the test split), and
 * a link to an ancestor walked the tree again and again.
 *
 * @throws {DataError} naming the link when it leads back into a folder that
 *   contains it (a cycle), or to a folder or file already listed under
 *   another class (an image cannot have two labels).
 */
async function listImages(dir: string, className: string, seen: Seen): Promise<{ images: string[]; ignored: Map<string, number> }> {
  const images: string[] = [];
  const ignored = new Map<string, number>();
  const claim = (kind: 'dirs' | 'files', real: string, path: string): boolean => {
    const first = seen[kind].get(real);
    if (first === undefined) {
      seen[kind].set(real, { path, className });
      return true;
    }
    if (first.className !== className) {
      const what = kind === 'dirs' ? 'folder' : 'file';
      throw new DataError(
        path,
        `is the same ${what} as ${first.path} (both are ${real}), listed under class '${first.className}' and again under class '${className}'; an image cannot have two labels`,
        'Remove the link (or the copy), or move the images into one class folder.',
      );
    }
    return false; // the same class reached it before: list it once
  };
  const walk = async (d: string, realDir: string, depth: number, ancestors: readonly string[]): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => byCodePoint(a.name, b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(d, e.name);
      const link = e.isSymbolicLink();
      const isDir = e.isDirectory() || (link && (await stat(path).then((s) => s.isDirectory(), () => false)));
      if (isDir) {
        const real = link ? await realpath(path) : join(realDir, e.name);
        if (ancestors.includes(real)) {
          throw new DataError(path, `is a symbolic link to ${real}, a folder that contains it: following it would list the same images forever (a cycle)`, 'Remove the link or point it elsewhere.');
        }
        if (depth < 16 && claim('dirs', real, path)) await walk(path, real, depth + 1, [...ancestors, real]);
      } else if (isImageName(e.name)) {
        const real = link ? await realpath(path).catch(() => path) : join(realDir, e.name);
        if (claim('files', real, path)) images.push(path);
      } else {
        const ext = extname(e.name).toLowerCase() || '(no extension)';
        ignored.set(ext, (ignored.get(ext) ?? 0) + 1);
      }
    }
  };
  try {
    const real = await realpath(dir);
    if (claim('dirs', real, dir)) await walk(dir, real, 0, [real]);
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new DataError(dir, `cannot list the class folder (${err instanceof Error ? err.message : String(err)})`, undefined, { cause: err });
  }
  return { images, ignored };
}

function describeIgnored(ignored: Map<string, number>): string {
  if (ignored.size === 0) return '';
  const parts = [...ignored].map(([ext, n]) => `${n} ${ext}`).join(', ');
  const undecodable = [...ignored.keys()].filter((e) => UNDECODABLE.includes(e));
  return `; it holds other files (${parts})${undecodable.length ? `; ${undecodable.join(', ')} cannot be decoded here, convert them to PNG or JPEG` : ''}`;
}

/** HWC bytes → CHW bytes at `out[offset...]`. */
function hwcToChw(src: Uint8Array, out: Uint8Array, offset: number, plane: number, channels: number): void {
  if (channels === 1) {
    out.set(src, offset);
    return;
  }
  for (let c = 0; c < channels; c++) {
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = src[i * channels + c]!;
  }
}

/** Runs `fn(0..n-1)` with at most `limit` calls in flight; rejects with the first error after the running calls settle. */
async function forEachPooled(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < n) {
      const i = next++;
      try {
        await fn(i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  if (failure !== null) throw (failure as { err: unknown }).err;
}

/** Bytes in a SharedArrayBuffer: a DataLoader's worker threads then read the images without a copy. */
function sharedBytes(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
