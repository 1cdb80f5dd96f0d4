/**
 * Saving and loading training checkpoints by path (Node). Saves are atomic
 * (temporary file, fsync, rename): a kill during a save leaves the previous
 * checkpoint intact, never a half-written one.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ModelFileError } from '../io/io-error.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';

/** @example await saveCheckpoint('lenet.fovea.ckpt', { model, meta, options, optimizer: opt.stateDict(), scheduler: null, fit: state }); */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

/**
 * @throws {ModelFileError} naming `path`: missing, a directory, truncated, or not a checkpoint.
 * @example const { model, optimizer, fit } = loadCheckpoint('lenet.fovea.ckpt');
 */
export function loadCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new ModelFileError(path, 'no such file');
  if (statSync(path).isDirectory()) throw new ModelFileError(path, 'is a directory, not a checkpoint file');
  return decodeCheckpoint(readFileSync(path), path);
}
