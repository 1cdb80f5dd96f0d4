/**
 * The image files named by folders and glob patterns (Node), listed lazily:
 * a folder is walked one directory at a time (each directory's names sorted),
 * so listing a million files holds one directory's names, not a million
 * paths. For prediction over folders of any size.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { FileError } from '../errors.js';
import { IMAGE_EXTENSIONS } from './image-folder.js';

/** Extensions a folder walk also lists, so the user hears that they cannot be read rather than nothing. */
const PICTURE_LIKE = ['.bmp', '.ppm', '.pgm', '.heic', '.jxl'];
const MAGIC = /[*?[{]/;

/** Whether `s` is a glob pattern (has `*`, `?`, `[` or `{`) rather than a path. @example isGlob('photos/*.jpg') // true */
export const isGlob = (s: string): boolean => MAGIC.test(s);

/**
 * A glob pattern as a regular expression over `/`-separated paths: `*` and
 * `?` within one name, `**` across folders (`a/**\/b` also matches `a/b`),
 * `[abc]` classes and `{x,y}` alternatives.
 * @example globToRegExp('photos/**\/*.{jpg,png}').test('photos/2024/a.png')   // true
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else if (ch === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${pattern.slice(i + 1, end).split(',').map((a) => a.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('|')})`;
        i = end;
      }
    } else re += ch.replace(/[.+^$()|\\\]}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function* walk(dir: string, depth: number, keep: (path: string, name: string) => boolean): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    const isDir = e.isDirectory() || (e.isSymbolicLink() && existsSync(path) && statSync(path).isDirectory());
    if (isDir) {
      if (depth > 1) yield* walk(path, depth - 1, keep);
    } else if (keep(path, e.name)) yield path;
  }
}

/**
 * The files of each source in turn: a file as it is; a folder's images
 * (JPEG, PNG, WebP, GIF, TIFF, AVIF, and BMP/PPM/PGM/HEIC/JXL to be reported
 * as unreadable), sub-folders included, hidden files skipped; a glob
 * pattern's matches (the pattern as typed, any extension). Sorted by name
 * within each folder.
 *
 * @throws {FileError} for a source that is neither a file, a folder nor a glob matching anything.
 * @example
 * for await (const path of imageFiles(['photos/', 'more/**\/*.jpg'])) console.log(path);
 */
export async function* imageFiles(sources: readonly string[]): AsyncGenerator<string> {
  for (const source of sources) {
    if (existsSync(source)) {
      if (!statSync(source).isDirectory()) {
        yield source;
        continue;
      }
      const wanted = [...IMAGE_EXTENSIONS, ...PICTURE_LIKE];
      yield* walk(source, Infinity, (_p, name) => wanted.includes(extname(name).toLowerCase()));
      continue;
    }
    if (!isGlob(source)) throw new FileError(source, 'no such file or folder');
    // matched against the walk's paths, which join() writes without a leading './'
    const norm = source.split(sep).join('/').replace(/^(\.\/)+/, '');
    const parts = norm.split('/');
    const fixed = parts.findIndex((p) => isGlob(p));
    const base = parts.slice(0, fixed).join('/') || (norm.startsWith('/') ? '/' : '.');
    if (!existsSync(base) || !statSync(base).isDirectory()) throw new FileError(source, `the pattern's folder '${base}' does not exist`);
    const re = globToRegExp(norm);
    const depth = parts.slice(fixed).some((p) => p.includes('**')) ? Infinity : parts.length - fixed;
    let matched = 0;
    for await (const path of walk(base, depth, (p) => re.test(p.split(sep).join('/')))) {
      matched++;
      yield path;
    }
    if (matched === 0) throw new FileError(source, 'the pattern matches no file');
  }
}

/**
 * How many files `imageFiles(sources)` lists (a walk that keeps only the count), for progress and ETA.
 * @example const total = await countImageFiles(['photos/']);
 */
export async function countImageFiles(sources: readonly string[]): Promise<number> {
  let n = 0;
  for await (const _ of imageFiles(sources)) n++;
  return n;
}
