/**
 * The benchmark harness's workloads.json, read from disk and checked (Node):
 * a missing file, a file that is not JSON, or fields of the wrong type or
 * range are refused with a message naming the file and the field, before
 * anything is built. The check itself is platform-free (workload-spec.ts).
 */
import { readFileSync } from 'node:fs';
import { ModelFileError } from '../io/io-error.js';
import { checkWorkloadFile, type WorkloadFile } from './workload-spec.js';

/**
 * Reads and checks a workloads file.
 * @throws {ModelFileError} naming the file and the field at fault.
 * @example
 * const spec = readWorkloadFile('bench/workloads.json');
 * Object.keys(spec.workloads); // ['lenet', 'convnet', 'cifar']
 */
export function readWorkloadFile(file: string): WorkloadFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelFileError(file, `cannot read the workloads file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(file, `not a JSON workloads file: ${(e as Error).message}`);
  }
  return checkWorkloadFile(json, file);
}

