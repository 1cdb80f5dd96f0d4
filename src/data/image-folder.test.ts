import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ImageError } from '../vision/image-error.js';
import { DataError } from './errors.js';
import { findClasses, isImageFolder, listImageFolder, loadImageFolder } from './image-folder.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-folder-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A uniform w x h image of one RGB colour, in the format the extension names. */
async function solid(path: string, rgb: [number, number, number], w = 10, h = 6): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  const s = sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  const ext = path.split('.').pop()!.toLowerCase();
  const encoded = ext === 'png' ? s.png() : ext === 'webp' ? s.webp({ lossless: true }) : s.jpeg({ quality: 100 });
  await encoded.toFile(path);
}

/** The shared real-data folder (as in mnist.test.ts): $FOVEA_SHARED_DATA or ../shared/data beside the repo. */
function sharedDataDir(): string {
  const fromEnv = process.env['FOVEA_SHARED_DATA'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fileURLToPath(new URL('../../../shared/data/', import.meta.url));
}

const good = join(tmp, 'good');
before(async () => {
  await solid(join(good, 'dog', 'a.png'), [200, 100, 50]);
  await solid(join(good, 'dog', 'nested', 'b.webp'), [200, 100, 50]);
  await solid(join(good, 'cat', 'z.PNG'), [0, 0, 255]);
  await solid(join(good, 'cat', 'a.jpg'), [0, 0, 255], 7, 9);
  await solid(join(good, 'Bird', 'x.png'), [255, 255, 255]);
  writeFileSync(join(good, 'cat', 'notes.txt'), 'not an image');
  writeFileSync(join(good, 'cat', '.hidden.png'), 'ignored');
  mkdirSync(join(good, '.ipynb_checkpoints'));
  writeFileSync(join(good, 'README.md'), 'a file beside the classes');
});

test('findClasses sorts sub-folder names by code point and skips hidden ones', async () => {
  assert.deepEqual(await findClasses(good), ['Bird', 'cat', 'dog']);
});

test('loadImageFolder decodes every class folder (recursively, sorted) to one size, CHW bytes, labelled by class', async () => {
  const { dataset, files, skipped } = await loadImageFolder(good, { size: [4, 5] });
  assert.deepEqual(dataset.classNames, ['Bird', 'cat', 'dog']);
  assert.deepEqual(dataset.shape, [3, 4, 5]);
  assert.deepEqual(files.map((f) => f.slice(good.length + 1)), ['Bird/x.png', 'cat/a.jpg', 'cat/z.PNG', 'dog/a.png', 'dog/nested/b.webp']);
  assert.deepEqual(Array.from(dataset.labels), [0, 1, 1, 2, 2]);
  assert.deepEqual(skipped, []);
  const img = dataset.image(3); // dog: (200, 100, 50), planes of 20 bytes each
  assert.deepEqual([img[0], img[19], img[20], img[39], img[40], img[59]], [200, 200, 100, 100, 50, 50]);
  const cat = dataset.image(1);
  assert.ok(Math.abs(cat[0]!) <= 2 && Math.abs(cat[40]! - 255) <= 2, 'JPEG blue stays blue');
  const gray = await loadImageFolder(good, { size: [2, 2], channels: 1, concurrency: 1 });
  assert.deepEqual(gray.dataset.shape, [1, 2, 2]);
  assert.deepEqual(Array.from(gray.dataset.image(0)), [255, 255, 255, 255]);
  assert.equal(isImageFolder(good), true);
});

test('folders that are not image folders are DataErrors naming the folder and the problem', async () => {
  const expectData = async (dir: string, re: RegExp): Promise<void> => {
    await assert.rejects(loadImageFolder(dir, { size: [4, 4] }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.match(e.message, re);
      return true;
    });
  };
  await expectData(join(tmp, 'missing'), /missing: image folder not found/);
  writeFileSync(join(tmp, 'plain-file'), 'x');
  await expectData(join(tmp, 'plain-file'), /is a file, not an image folder/);
  const flat = join(tmp, 'flat');
  await solid(join(flat, 'one.png'), [1, 2, 3]);
  await expectData(flat, /no class sub-folders: an image folder holds one sub-folder per class[^]*holds 1 image file\(s\) directly/);
  const single = join(tmp, 'single');
  await solid(join(single, 'roses', 'r.png'), [1, 2, 3]);
  await expectData(single, /only one class folder \('roses'\); a classifier needs at least two/);
  const empty = join(tmp, 'empty-class');
  await solid(join(empty, 'a', 'x.png'), [1, 2, 3]);
  mkdirSync(join(empty, 'b'));
  writeFileSync(join(empty, 'b', 'scan.bmp'), 'BM');
  await expectData(empty, /empty-class\/b: class 'b' has no images \(\.jpg .*\); it holds other files \(1 \.bmp\); \.bmp cannot be decoded here/);
  assert.equal(isImageFolder(empty), true);
  assert.equal(isImageFolder(flat), false);
  assert.equal(isImageFolder(join(tmp, 'missing')), false);
});

test('an unreadable image is an ImageError naming it, or is skipped and listed with skipUnreadable', async () => {
  const dir = join(tmp, 'broken');
  await solid(join(dir, 'a', '1.png'), [10, 20, 30]);
  await solid(join(dir, 'a', '2.png'), [11, 20, 30]); // not a copy of 1.png (copies are kept once)
  await solid(join(dir, 'b', '1.png'), [40, 50, 60]);
  writeFileSync(join(dir, 'b', 'zero.jpg'), '');
  writeFileSync(join(dir, 'b', 'text.png'), 'hello, not a picture');
  const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919 + (i >> 5) * 31) % 251));
  const jpeg = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
  writeFileSync(join(dir, 'a', 'cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  await assert.rejects(loadImageFolder(dir, { size: [4, 4] }), (e: unknown) => e instanceof ImageError && e.file.startsWith(dir) && /(empty file|not a supported image|corrupt or truncated)/.test(e.problem));
  const r = await loadImageFolder(dir, { size: [4, 4], skipUnreadable: true });
  assert.deepEqual(r.skipped.map((s) => s.file.slice(dir.length + 1)), ['a/cut.jpg', 'b/text.png', 'b/zero.jpg']);
  assert.match(r.skipped[0]!.problem, /corrupt or truncated JPEG/);
  assert.match(r.skipped[2]!.problem, /empty file \(0 bytes\)/);
  assert.equal(r.dataset.length, 3);
  assert.deepEqual(Array.from(r.dataset.labels), [0, 0, 1]);
  assert.deepEqual(r.dataset.image(2)[0], 40);
  // Too many pixels is refused through loadImageFile's limit, naming the file.
  await assert.rejects(loadImageFolder(good, { size: [4, 4], maxPixels: 50 }), (e: unknown) => e instanceof ImageError && /pixels exceeds the limit of 50/.test(e.message));
});

const flowers = join(sharedDataDir(), 'flowers');
test('the real flower photos: 600 JPEGs of 5 classes decode quickly to one small size', { skip: !existsSync(flowers) && `no ${flowers}` }, async () => {
  const { dataset, skipped } = await loadImageFolder(flowers, { size: [16, 16] });
  assert.deepEqual(dataset.classNames, ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips']);
  assert.equal(dataset.length, 600);
  assert.deepEqual(dataset.shape, [3, 16, 16]);
  assert.deepEqual(skipped, []);
  const counts = [0, 0, 0, 0, 0];
  for (const l of dataset.labels) counts[l]!++;
  assert.deepEqual(counts, [120, 120, 120, 120, 120]);
  assert.equal(isImageFolder(flowers), true);
});

/** A folder of classes from a list of relative file paths (contents do not matter for listing) and links [path, target]. */
function tree(name: string, files: string[], links: [string, string][]): string {
  const root = join(tmp, name);
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), f); // distinct bytes: copies of one content are kept once
  }
  for (const [path, target] of links) symlinkSync(target, join(root, path));
  return root;
}

const rel = (root: string, files: string[]): string[] => files.map((f) => f.slice(root.length + 1));

test('listImageFolder follows a symlinked folder once: each real folder and file is listed once', async () => {
  // cat/alias -> sub and cat/more/again -> ../sub: before, each link listed sub's photos again.
  const root = tree('links-once', ['cat/sub/1.png', 'cat/sub/2.png', 'dog/1.png'], [['cat/alias', 'sub'], ['cat/zlink.png', 'sub/1.png']]);
  mkdirSync(join(root, 'cat', 'more'));
  symlinkSync('../sub', join(root, 'cat', 'more', 'again'));
  const { files, labels } = await listImageFolder(root);
  // 'alias' sorts before 'sub', so the photos are listed once, under the first path that reaches them.
  assert.deepEqual(rel(root, files), ['cat/alias/1.png', 'cat/alias/2.png', 'dog/1.png']);
  assert.deepEqual(labels, [0, 0, 1]);
});

test('listImageFolder refuses a symlink cycle, naming the link', async () => {
  const root = tree('links-cycle', ['cat/1.png', 'dog/1.png'], [['cat/loop', '.']]);
  await assert.rejects(listImageFolder(root), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, join(root, 'cat', 'loop'));
    assert.match(e.message, /symbolic link to .*cat, a folder that contains it.*\(a cycle\)/);
    return true;
  });
  const up = tree('links-cycle-up', ['cat/1.png', 'dog/1.png'], [['dog/up', '..']]);
  await assert.rejects(listImageFolder(up), /links-cycle-up\/dog\/up\/.*(cycle|two labels)/);
});

test('listImageFolder refuses a file or folder that would be listed under two classes', async () => {
  const dirs = tree('links-two-classes', ['cat/sub/1.png', 'dog/1.png'], [['dog/cats', '../cat/sub']]);
  await assert.rejects(listImageFolder(dirs), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.file, join(dirs, 'dog', 'cats'));
    assert.match(e.message, /same folder as .*cat\/sub .*under class 'cat' and again under class 'dog'; an image cannot have two labels/);
    return true;
  });
  const file = tree('links-two-classes-file', ['cat/1.png', 'dog/1.png'], [['dog/2.png', '../cat/1.png']]);
  await assert.rejects(listImageFolder(file), /dog\/2\.png: is the same file as .*cat\/1\.png .*two labels/);
});

test('loadImageFolder refuses a decode above maxBytes before decoding, with the estimate and the limit', async () => {
  await assert.rejects(loadImageFolder(good, { size: [512, 512], maxBytes: 2 ** 20 }), (e: unknown) => e instanceof DataError &&
    /\d+ images of 3x512x512 need [\d.]+ MiB once decoded; the limit is 1\.0 MiB \(use a smaller image size, or raise loadImageFolder's maxBytes\)/.test(e.message));
});
