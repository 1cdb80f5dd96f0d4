import { FileError } from '../errors.js';
/**
 * A model file (weights, checkpoint, exported model) that cannot be read or
 * written: not the format it claims to be, truncated, internally inconsistent,
 * or a write that the file system refused.
 *
 * The message always starts with the file (or, for bytes that did not come
 * from a file, a label such as a URL or `"<upload>"`) and then says exactly
 * what is wrong, with the numbers involved, so the user can tell a truncated
 * download from a file of another format.
 *
 * This class imports nothing, so it works in Node and in the browser.
 *
 * @example
 * try { decodeSafetensors(bytes, 'model.safetensors'); }
 * catch (e) { if (e instanceof ModelFileError) console.error(e.file, e.problem); }
 */
export class ModelFileError extends FileError {
  override name = 'ModelFileError';
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(file, problem, undefined, options);
  }
}
