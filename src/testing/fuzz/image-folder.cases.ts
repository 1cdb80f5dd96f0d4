/**
 * Fuzz inputs for image folders (`loadImageFolder`, what `train --data`,
 * `eval` and cross-validation read): random class trees with symlink loops
 * and links up and across, hard links and copies, corrupt and empty images,
 * dangling links, folders named like images, FIFOs named like images and
 * empty classes. Each must load with every real image exactly once (no file,
 * inode or content twice, so none can land in two splits) or be refused with
 * a DataError or ImageError naming the folder.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageFolderResult } from '../../data/image-folder.js';
import { loadImageFolder } from '../../data/image-folder.js';
import type { FuzzCase, FuzzRandom } from './fuzz-case.js';

const EXTRAS = ['loop to itself', 'loop to the root', 'link up', 'link across', 'hard link', 'copy', 'corrupt', 'empty file', 'dangling link', 'folder named .png', 'fifo', 'empty class', 'text file'] as const;

function loadedOnce(r: unknown): string | null {
  const { dataset, files } = r as ImageFolderResult;
  if (dataset.length !== files.length) return `${dataset.length} images for ${files.length} files`;
  const inodes = new Set<string>(), hashes = new Set<string>();
  for (const f of files) {
    const s = statSync(f);
    const inode = `${s.dev}:${s.ino}`, hash = createHash('sha256').update(readFileSync(f)).digest('hex');
    if (inodes.has(inode)) return `${f} is listed twice (the same inode)`;
    if (hashes.has(hash)) return `${f} has the content of another listed file`;
    inodes.add(inode);
    hashes.add(hash);
  }
  if (dataset.labels.some((l) => l < 0 || l >= dataset.classNames.length)) return 'a label out of range';
  return null;
}

export async function* cases(r: FuzzRandom, rounds: number): AsyncGenerator<FuzzCase> {
  const tmp = mkdtempSync(join(tmpdir(), 'fovea-fuzz-folders-'));
  try {
    const pngs = await Promise.all(Array.from({ length: 12 }, (_, k) =>
      sharp(Buffer.alloc(6 * 6 * 3).map((_, i) => (i * 13 + k * 71) % 256), { raw: { width: 6, height: 6, channels: 3 } }).png().toBuffer()));
    let n = 0;
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < 40; k++) {
        const root = join(tmp, `f${n++}`);
        const classes = ['a', 'b', 'c'].slice(0, 2 + r.int(2));
        const images: string[] = [];
        let next = 0;
        for (const c of classes) {
          mkdirSync(join(root, c), { recursive: true });
          for (let i = 0, count = 1 + r.int(3); i < count; i++) {
            const f = join(root, c, `${i}.png`);
            writeFileSync(f, pngs[next++ % pngs.length]!);
            images.push(f);
          }
        }
        const extras: string[] = [];
        for (let e = 0, count = r.int(3); e < count; e++) {
          const what = r.pick(EXTRAS), c = r.pick(classes), other = r.pick(classes), at = join(root, c, `x${e}`);
          extras.push(`${what} in ${c}`);
          if (what === 'loop to itself') symlinkSync('.', at);
          else if (what === 'loop to the root') symlinkSync('..', at);
          else if (what === 'link up') symlinkSync(join(root, other), at);
          else if (what === 'link across') symlinkSync(join('..', other, '0.png'), `${at}.png`);
          else if (what === 'hard link') linkSync(r.pick(images), `${at}.png`);
          else if (what === 'copy') copyFileSync(r.pick(images), `${at}.png`);
          else if (what === 'corrupt') writeFileSync(`${at}.png`, r.smash(pngs[0]!, 8));
          else if (what === 'empty file') writeFileSync(`${at}.jpg`, '');
          else if (what === 'dangling link') symlinkSync(join(root, 'nowhere.png'), `${at}.png`);
          else if (what === 'folder named .png') mkdirSync(`${at}.png`);
          else if (what === 'fifo') spawnSync('mkfifo', [`${at}.png`]);
          else if (what === 'empty class') mkdirSync(join(root, `empty${e}`));
          else writeFileSync(`${at}.png`, 'not a picture');
        }
        const skipUnreadable = r.int(2) === 1;
        yield {
          name: `${classes.length} classes, ${images.length} images, ${extras.join(', ')}${skipUnreadable ? ', skipUnreadable' : ''} (round ${round}, ${k})`,
          names: root,
          run: () => loadImageFolder(root, { size: [8, 8], skipUnreadable }),
          check: loadedOnce,
        };
      }
    }
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    yield { name: 'a file, not a folder', names: file, run: () => loadImageFolder(file, { size: [8, 8] }) };
    yield { name: 'a missing folder', names: join(tmp, 'missing'), run: () => loadImageFolder(join(tmp, 'missing'), { size: [8, 8] }) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
