/**
 * Writing a {@link Page} to a folder in Node: its pictures as PNG, its SVG
 * documents, and the HTML that ties them together.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { FileError, FoveaError } from '../errors.js';
import { encodePng, svgToPng } from '../vision/render/encode-png-node.js';
import { pageEmbeddedImages, pageHtml, pngTwin, type Page } from './html-page.js';

/**
 * Writes `page` into `dir` (created if missing, with its parents) and
 * returns the paths written, the HTML last.
 *
 * Everything is rendered and encoded in memory first, so a failure there
 * writes nothing; each file is then replaced atomically, and the HTML is
 * written last, so it never links to a file that is not there yet.
 *
 * @throws {FileError} if the folder cannot be created; ModelFileError if a
 *   file cannot be written.
 * @throws {FoveaError} if a figure's file name is not a plain `*.png`
 *   (picture) or `*.svg` (SVG) name, or two figures share a name.
 * @example
 * await writePage('out/explain', page);                            // out/explain/index.html
 * await writePage('lenet.report', page, { htmlName: 'report.html' });
 */
export async function writePage(dir: string, page: Page, o: { htmlName?: string } = {}): Promise<string[]> {
  const htmlName = o.htmlName ?? 'index.html';
  const files = new Map<string, Uint8Array | string>();
  const add = (name: string, data: Uint8Array | string): void => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) throw new FoveaError(`writePage: figure file '${name}' must be a plain file name (letters, digits, . _ -)`);
    if (files.has(name) || name === htmlName) throw new FoveaError(`writePage: two files named '${name}'`);
    files.set(name, data);
  };
  for (const f of page.sections.flatMap((s) => s.figures)) {
    if (typeof f.content === 'string') {
      if (!f.file.endsWith('.svg')) throw new FoveaError(`writePage: SVG figure file '${f.file}' must end in .svg`);
      add(f.file, f.content);
      if (f.png) add(pngTwin(f.file), await svgToPng(f.content));
    } else {
      if (!f.file.endsWith('.png')) throw new FoveaError(`writePage: picture file '${f.file}' must end in .png`);
      add(f.file, await encodePng(f.content));
    }
  }
  // Widgets' pictures go inside the HTML (data URLs), so the page works alone; palette PNG keeps it small.
  const embedded = new Map<string, string>();
  for (const [key, img] of pageEmbeddedImages(page)) embedded.set(key, Buffer.from(await encodePng(img, { palette: true })).toString('base64'));
  const html = pageHtml(page, { embedded });
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new FileError(dir, `cannot create the output folder: ${(e as Error).message}`, undefined, { cause: e });
  });
  const written: string[] = [];
  for (const [name, data] of files) {
    const path = join(dir, name);
    await writeFileAtomic(path, data);
    written.push(path);
  }
  const htmlPath = join(dir, htmlName);
  await writeFileAtomic(htmlPath, html);
  written.push(htmlPath);
  return written;
}
