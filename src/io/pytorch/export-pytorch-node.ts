/**
 * Writing a PyTorch export to a folder (Node): model.py and
 * model.safetensors, each atomically.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Module } from '../../nn/module.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ModelFileError } from '../io-error.js';
import type { ModelMeta } from '../model-file.js';
import { exportPyTorch, type ExportPyTorchOptions } from './export-pytorch.js';

/**
 * Exports a model as PyTorch code and weights into `dir` (created if needed):
 * `dir/model.py` and `dir/model.safetensors` (see exportPyTorch); returns
 * the paths written. Existing files of those names are replaced.
 *
 * Shape: the exported nn.Module maps [N, ...meta.inputShape] to the model's logits.
 * @example
 * const { model, meta } = loadModel('lenet.fovea');
 * await savePyTorch('lenet-pytorch', model, meta);   // then: python3 -c 'import sys; sys.path.insert(0, "lenet-pytorch"); import model; model.load()'
 */
export async function savePyTorch(dir: string, model: Module, meta: ModelMeta, options: ExportPyTorchOptions = {}): Promise<string[]> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ModelFileError(dir, 'exists and is not a folder; --pytorch takes a folder to write model.py and model.safetensors into');
  const files = exportPyTorch(model, meta, options); // before touching the disk: a layer without a twin writes nothing
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, data] of Object.entries(files) as [string, string | Uint8Array][]) {
    const path = join(dir, name);
    await writeFileAtomic(path, data);
    written.push(path);
  }
  return written;
}
