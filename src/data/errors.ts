import { FileError } from '../errors.js';
/**
 * A data file or data directory that cannot be used: missing, empty, not the
 * format it should be, truncated, or inconsistent with its partner file.
 *
 * The message always names the file (or directory) and the problem, and, where
 * the user can fix it by fetching or moving files, says how.
 *
 * @example
 * try { readIdx('train-images-idx3-ubyte'); }
 * catch (e) { if (e instanceof DataError) console.error(e.file, e.problem); }
 */
export class DataError extends FileError {
  override name = 'DataError';
}
