// The same photo twice in an image folder (hard link, copy) is kept once, so
// that no image lands in two splits; the copies dropped are reported (issue 14).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadFolderSplits } from '../train/train-data.js';
import { describeDuplicate } from './duplicate-images.js';
import { DataError } from './errors.js';
import { listImageFolder } from './image-folder.js';

async function png(path: string, seed: number): Promise<void> {
  const px = Buffer.alloc(8 * 8 * 3, 0).map((_, i) => (i * 37 + seed * 101) % 256);
  writeFileSync(path, await sharp(px, { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer());
}

test('hard links and copies are listed once, the first kept, each dropped one reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-dups-'));
  for (const c of ['a', 'b']) mkdirSync(join(dir, c));
  await png(join(dir, 'a', '1.png'), 1);
  linkSync(join(dir, 'a', '1.png'), join(dir, 'a', '2.png')); // hard link, same class
  copyFileSync(join(dir, 'a', '1.png'), join(dir, 'b', '3.png')); // same bytes, other class
  await png(join(dir, 'b', '4.png'), 4);
  linkSync(join(dir, 'b', '4.png'), join(dir, 'a', '5.png')); // hard link across classes
  await png(join(dir, 'b', '6.png'), 6);
  const { files, labels, duplicates } = await listImageFolder(dir);
  assert.deepEqual(files, [join(dir, 'a', '1.png'), join(dir, 'a', '5.png'), join(dir, 'b', '6.png')]);
  assert.deepEqual(labels, [0, 0, 1]);
  assert.deepEqual(duplicates.map((d) => [d.file, d.sameAs, d.how]), [
    [join(dir, 'a', '2.png'), join(dir, 'a', '1.png'), 'hard link'],
    [join(dir, 'b', '3.png'), join(dir, 'a', '1.png'), 'same content'],
    [join(dir, 'b', '4.png'), join(dir, 'a', '5.png'), 'hard link'],
  ]);
  assert.equal(describeDuplicate(duplicates[1]!), `skipped ${join(dir, 'b', '3.png')}: the same image as ${join(dir, 'a', '1.png')} (kept once, so it cannot land in two splits)`);
});

test('a class whose every image is a copy of another class\'s is refused, naming both files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-dups-'));
  for (const c of ['a', 'b']) mkdirSync(join(dir, c));
  await png(join(dir, 'a', '1.png'), 1);
  copyFileSync(join(dir, 'a', '1.png'), join(dir, 'b', '1.png'));
  await assert.rejects(listImageFolder(dir), (e: unknown) => e instanceof DataError && /every image of class 'b' is a copy of an image of another class \(e\.g\. .*b\/1\.png is .*a\/1\.png\)/.test(e.message));
});

test('after dropping duplicates, no image content is in two splits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-dups-'));
  for (const c of ['a', 'b']) mkdirSync(join(dir, c));
  for (let i = 0; i < 10; i++) {
    await png(join(dir, 'a', `${i}.png`), i);
    await png(join(dir, 'b', `${i}.png`), 100 + i);
    copyFileSync(join(dir, 'a', `${i}.png`), join(dir, 'a', `copy${i}.png`));
    linkSync(join(dir, 'b', `${i}.png`), join(dir, 'b', `link${i}.png`));
  }
  const s = await loadFolderSplits(dir, { size: [8, 8], channels: 3, fit: 'fill', fractions: [0.5, 0.25, 0.25], seed: 3, skipUnreadable: false });
  assert.equal(s.total, 20);
  assert.equal(s.duplicates.length, 20);
  const key = (d: { length: number; image(i: number): Uint8Array } | null): string[] => (d ? Array.from({ length: d.length }, (_, i) => Buffer.from(d.image(i)).toString('base64')) : []);
  const parts = [key(s.train), key(s.val), key(s.test)];
  const all = parts.flat();
  assert.equal(new Set(all).size, all.length, 'an image in two splits');
});

test('a FIFO and an empty file named like images are not read when looking for copies (reading a FIFO would block)', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-dups-'));
  for (const c of ['a', 'b']) mkdirSync(join(dir, c));
  await png(join(dir, 'a', '1.png'), 1);
  await png(join(dir, 'b', '1.png'), 2);
  spawnSync('mkfifo', [join(dir, 'a', 'fifo.png')]);
  writeFileSync(join(dir, 'a', 'empty.png'), '');
  writeFileSync(join(dir, 'b', 'empty.png'), '');
  const { files, duplicates } = await listImageFolder(dir);
  assert.equal(files.length, 5, 'listed; the decoder names what it cannot read');
  assert.deepEqual(duplicates, []);
});
