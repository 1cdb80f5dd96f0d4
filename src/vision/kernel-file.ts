/**
 * Reading a filter kernel from a JSON file (Node): a 2-D array of numbers
 * such as `[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`.
 */
import { readFile } from 'node:fs/promises';
import { FileError } from '../errors.js';
import { kernelProblem, type Kernel } from './kernel.js';

/**
 * Reads and checks a kernel file: JSON holding a non-empty rectangular 2-D
 * array of finite numbers (rows of the kernel, top to bottom).
 *
 * Shape: the result is `[kH, kW]`.
 *
 * @throws {FileError} naming the file and the problem: missing, not JSON,
 *   ragged rows, strings, an empty array, NaN or other non-finite entries.
 * @example
 * const k = await readKernelFile('my-edge.json'); // [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
 * const out = filter2d(gray, k);
 */
export async function readKernelFile(path: string): Promise<Kernel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'kernel file not found' : code === 'EISDIR' ? 'is a directory, not a kernel file' : `cannot read the kernel file (${String(err)})`;
    throw new FileError(path, problem, undefined, { cause: err });
  }
  if (text.trim() === '') throw new FileError(path, 'the kernel file is empty; expected JSON such as [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]');
  let value: unknown;
  try {
    // JSON has no NaN; a bare NaN or Infinity written by hand is reported as such rather than as a syntax error.
    if (/\b(NaN|-?Infinity)\b/.test(text)) throw new FileError(path, 'the kernel contains NaN or Infinity; kernel entries must be finite numbers');
    value = JSON.parse(text);
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new FileError(path, `not valid JSON (${err instanceof Error ? err.message : String(err)}); expected a 2-D array of numbers such as [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`, undefined, { cause: err });
  }
  const problem = kernelProblem(value);
  if (problem !== null) throw new FileError(path, `not a usable kernel: ${problem}`);
  return value as Kernel;
}
