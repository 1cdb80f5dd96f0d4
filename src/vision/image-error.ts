import { FileError } from '../errors.js';
/**
 * An image file that cannot be used: missing, empty, not an image, truncated
 * or corrupt, or larger than the caller allows.
 *
 * The message always starts with the file as the caller named it and then
 * says what is wrong, with the numbers involved, e.g.
 * `scan.png: 50000 x 50000 = 2.5e9 pixels exceeds the limit of 1e8; raise maxPixels to allow it`.
 *
 * This class imports nothing, so it works in Node and in the browser.
 *
 * @example
 * try { await loadImageFile('digit.png', { channels: 1 }); }
 * catch (e) { if (e instanceof ImageError) console.error(e.file, e.problem); }
 */
export class ImageError extends FileError {
  override name = 'ImageError';
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(file, problem, undefined, options);
  }
}
