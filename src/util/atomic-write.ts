/**
 * Crash-safe file replacement for Node: a reader (or the next run after a
 * crash or power loss) sees either the old content or the new, never a
 * half-written checkpoint.
 *
 * How: write a temp file in the same directory (a rename is only atomic within
 * one file system), fsync it so its bytes are on disk before its name is,
 * rename it over the target, then fsync the directory so the rename itself is
 * durable. On any failure the temp file is removed.
 *
 * Special files are not replaced: a target that is a character device
 * (`/dev/null`, a terminal), a FIFO or a socket is written through directly
 * (open + write, no temp file, no rename), as `cp` does, so
 * `fovea export m.fovea --onnx /dev/null` discards the bytes instead of
 * replacing (as root) the system's /dev/null with a regular file. Such writes
 * are not atomic; there is nothing on disk to keep whole. A target that is a
 * directory is refused before anything is written.
 *
 * Node-only (it imports `node:fs`); browser code saves through downloads or
 * IndexedDB instead.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync, closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { open, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileError } from '../errors.js';

/**
 * Replaces `path` with `data` atomically (see the module comment). Strings are
 * written as UTF-8. An existing target keeps its permission bits; a symlink
 * target is followed, so the file it points to is replaced and the link stays.
 *
 * The directory must already exist: a missing one is reported, not created,
 * since a typo in a checkpoint directory should not silently create a tree.
 * A character device, FIFO or socket is written through, not replaced; a
 * directory is refused (see the module comment).
 *
 * @throws {FileError} naming `path` (and the directory when it is missing).
 * @example
 * await writeFileAtomic('runs/mnist/last.safetensors', encodeSafetensors(weights));
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const target = await realpath(path).catch(() => path);
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined && writeThrough(path, existing)) {
    await writeFile(target, data).catch((e: unknown) => {
      throw writeError(path, e);
    });
    return;
  }
  const dir = dirname(target);
  checkDirectory(path, dir, await stat(dir).catch((e: unknown) => e as NodeJS.ErrnoException));
  const mode = existing === undefined ? undefined : existing.mode & 0o7777;
  const tmp = tempPath(target);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx');
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw writeError(path, e);
  }
  await syncDirectory(dir);
}

/**
 * The synchronous twin of {@link writeFileAtomic}, for exit handlers and
 * scripts; same guarantees, same errors.
 *
 * @example
 * writeFileAtomicSync('model.json', JSON.stringify(config));
 */
export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  let target = path;
  try {
    target = realpathSync(path);
  } catch {
    // Not there yet (or a dangling link): write the path as given.
  }
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(target);
  } catch {
    existing = undefined;
  }
  if (existing !== undefined && writeThrough(path, existing)) {
    try {
      writeFileSync(target, data);
    } catch (e) {
      throw writeError(path, e);
    }
    return;
  }
  const dir = dirname(target);
  let dirStat: ReturnType<typeof statSync> | NodeJS.ErrnoException;
  try {
    dirStat = statSync(dir);
  } catch (e) {
    dirStat = e as NodeJS.ErrnoException;
  }
  checkDirectory(path, dir, dirStat);
  const mode = existing === undefined ? undefined : existing.mode & 0o7777;
  const tmp = tempPath(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    if (mode !== undefined) chmodSync(tmp, mode);
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) ignore(() => closeSync(fd as number));
    ignore(() => unlinkSync(tmp));
    throw writeError(path, e);
  }
  syncDirectorySync(dir);
}

interface FileKind {
  isDirectory(): boolean;
  isCharacterDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

/**
 * True when the existing target must be written through rather than replaced:
 * a character device, FIFO or socket. Renaming over one would swap a device
 * node (or a pipe a reader is waiting on) for a regular file.
 * @throws {FileError} when the target is a directory.
 */
function writeThrough(path: string, s: FileKind): boolean {
  if (s.isDirectory()) {
    throw new FileError(path, 'cannot write: it is a directory', 'Give a file name (for example inside that directory) instead.');
  }
  return s.isCharacterDevice() || s.isFIFO() || s.isSocket();
}

/** `.<base>.<pid>.<random>.tmp` beside the target: hidden, unique, same file system. */
function tempPath(target: string): string {
  // Keep the name under the usual 255-byte limit however long the target's is.
  const base = basename(target).slice(0, 200);
  return join(dirname(target), `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function checkDirectory(path: string, dir: string, s: { isDirectory(): boolean } | NodeJS.ErrnoException): void {
  if (s instanceof Error) {
    if (s.code === 'ENOENT') {
      throw new FileError(path, `cannot write: directory ${dir} does not exist`, undefined, { cause: s });
    }
    throw new FileError(path, `cannot write: directory ${dir} is not accessible (${s.message})`, undefined, { cause: s });
  }
  if (!s.isDirectory()) throw new FileError(path, `cannot write: ${dir} is not a directory`);
}

function writeError(path: string, e: unknown): FileError {
  const message = e instanceof Error ? e.message : String(e);
  return new FileError(path, `cannot write: ${message}`, undefined, { cause: e });
}

/** Makes the rename durable. Best effort: some platforms (Windows) cannot open or fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // The data is already safely renamed; only durability across a power cut is weakened.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function syncDirectorySync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // As in syncDirectory: best effort.
  } finally {
    if (fd !== undefined) ignore(() => closeSync(fd as number));
  }
}

function ignore(f: () => void): void {
  try {
    f();
  } catch {
    // Cleanup after a failure that is already being reported.
  }
}
