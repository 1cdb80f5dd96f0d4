/**
 * ONNX files by path (Node): reading a model together with its external data
 * files, which must lie inside the model's folder, and writing one atomically.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { Module } from '../../nn/module.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { exportOnnx, type ExportOnnxOptions } from './export-onnx.js';
import { checkExternalLocation, loadOnnx, type LoadOnnxOptions, type LoadedOnnx } from './load-onnx.js';
import { OnnxError } from './onnx-error.js';

/**
 * Loads an .onnx file (and any external data beside it) as a fovea model.
 * @example const { model, inputShape } = loadOnnxFile('resnet18.onnx');
 */
export function loadOnnxFile(path: string, options: Omit<LoadOnnxOptions, 'readExternal'> = {}): LoadedOnnx {
  if (!existsSync(path)) throw new OnnxError(path, 'no such file');
  if (statSync(path).isDirectory()) throw new OnnxError(path, 'is a directory, not an ONNX file');
  const folder = realpathSync(dirname(resolve(path)));
  const readExternal = (location: string): Uint8Array => {
    checkExternalLocation(location, path, location);
    const full = resolve(folder, location);
    // a symlink may still lead out of the folder: compare real paths
    const real = existsSync(full) ? realpathSync(full) : full;
    if (!real.startsWith(folder + sep)) throw new OnnxError(path, `external data '${location}' points outside the model's folder`);
    if (!existsSync(real) || statSync(real).isDirectory()) throw new OnnxError(path, `external data file '${location}' is missing`);
    return readFileSync(real);
  };
  return loadOnnx(readFileSync(path), path, { ...options, readExternal });
}

/** Exports a model to an .onnx file, atomically. @example await saveOnnx('lenet.onnx', model, { inputShape: [1, 28, 28] }); */
export async function saveOnnx(path: string, model: Module, options: ExportOnnxOptions): Promise<void> {
  await writeFileAtomic(path, exportOnnx(model, options));
}
