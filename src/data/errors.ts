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
export class DataError extends Error {
  /** The file or directory the problem is about, as the caller named it. */
  readonly file: string;
  /** What is wrong, without the file name, e.g. `"not an IDX file (...)"`. */
  readonly problem: string;
  /** How to fix it, when there is something to say; `undefined` otherwise. */
  readonly hint: string | undefined;

  constructor(file: string, problem: string, hint?: string, options?: { cause?: unknown }) {
    super(hint === undefined ? `${file}: ${problem}` : `${file}: ${problem}\n${hint}`, options);
    this.name = 'DataError';
    this.file = file;
    this.problem = problem;
    this.hint = hint;
  }
}
