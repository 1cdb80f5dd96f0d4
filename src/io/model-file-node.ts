/**
 * Saving and loading .fovea files by path (Node). Saves are atomic: a crash
 * mid-save leaves the previous file intact, never a half-written one.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import type { Module } from '../nn/module.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ModelFileError } from './io-error.js';
import { decodeModel, encodeModel, type ModelMeta } from './model-file.js';

/** @example await saveModel('lenet.fovea', model, { inputShape: [1, 28, 28], normalize, classNames }); */
export async function saveModel(path: string, model: Module, meta: ModelMeta): Promise<void> {
  await writeFileAtomic(path, encodeModel(model, meta));
}

/** @example const { model, meta } = loadModel('lenet.fovea'); */
export function loadModel(path: string): { model: Module; meta: ModelMeta } {
  if (!existsSync(path)) throw new ModelFileError(path, 'no such file');
  if (statSync(path).isDirectory()) throw new ModelFileError(path, 'is a directory, not a model file');
  return decodeModel(readFileSync(path), path);
}
