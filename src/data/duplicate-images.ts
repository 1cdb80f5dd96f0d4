/**
 * The same photo twice in an image folder (a hard link, a copy under
 * another name) would land in two splits when the folder is split, so test
 * accuracy would be measured partly on training images. The policy, as a
 * torchvision user would want it: keep the first copy (in class order, then
 * path order), drop the rest, and report each dropped file with the one it
 * duplicates, so the caller can log it.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** A file left out because it is the same image as an earlier one. */
export interface DuplicateImage {
  file: string;
  /** The earlier file it duplicates (the one kept). */
  sameAs: string;
  how: 'hard link' | 'same content';
}

/**
 * Drops later copies of the same file: the same inode (hard links), or the
 * same bytes (compared by SHA-256, only among files of equal size, so a
 * folder without duplicates reads nothing but the sizes).
 * @example const { files, labels, duplicates } = await dropDuplicateImages(files, labels);
 */
export async function dropDuplicateImages(files: readonly string[], labels: readonly number[]): Promise<{ files: string[]; labels: number[]; duplicates: DuplicateImage[] }> {
  const stats = await Promise.all(files.map((f) => stat(f).then((s) => s, () => null)));
  const duplicates: DuplicateImage[] = [];
  const drop = new Set<number>();
  const byInode = new Map<string, number>();
  const bySize = new Map<number, number[]>();
  stats.forEach((s, i) => {
    // Only non-empty regular files can be compared: reading a FIFO named like an image would block
    // forever, and empty or unreadable files are the decoder's to name.
    if (!s || !s.isFile() || s.size === 0) return;
    const key = `${s.dev}:${s.ino}`;
    const first = byInode.get(key);
    if (first !== undefined) {
      drop.add(i);
      duplicates.push({ file: files[i]!, sameAs: files[first]!, how: 'hard link' });
      return;
    }
    byInode.set(key, i);
    const same = bySize.get(s.size);
    if (same) same.push(i);
    else bySize.set(s.size, [i]);
  });
  for (const group of bySize.values()) {
    if (group.length < 2) continue;
    const seen = new Map<string, number>();
    for (const i of group) {
      const bytes = await readFile(files[i]!).catch(() => null);
      if (!bytes) continue;
      const hash = createHash('sha256').update(bytes).digest('hex');
      const first = seen.get(hash);
      if (first === undefined) seen.set(hash, i);
      else {
        drop.add(i);
        duplicates.push({ file: files[i]!, sameAs: files[first]!, how: 'same content' });
      }
    }
  }
  const keep = files.map((_, i) => i).filter((i) => !drop.has(i));
  duplicates.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files: keep.map((i) => files[i]!), labels: keep.map((i) => labels[i]!), duplicates };
}

/** The log line for a dropped duplicate: "skipped a/2.jpg: the same image as a/1.jpg (kept once, so it cannot land in two splits)". */
export function describeDuplicate(d: DuplicateImage): string {
  return `skipped ${d.file}: ${d.how === 'hard link' ? 'a hard link to' : 'the same image as'} ${d.sameAs} (kept once, so it cannot land in two splits)`;
}
