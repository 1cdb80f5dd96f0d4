/**
 * TF.js layers models by path (Node): model.json and the weight shards its
 * manifest names, which must lie inside the model's folder, plus the
 * metadata.json Teachable Machine writes beside them.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { loadTfjs, type LoadTfjsOptions, type LoadedTfjs } from './load-tfjs.js';
import { TfjsError } from './tfjs-error.js';
import { parseTfjsMetadata, type TfjsMetadata } from './tfjs-metadata.js';
import { parseWeightsManifest } from './tfjs-weights.js';

export { loadNsfwjsModel, NSFWJS_CLASS_NAMES, NSFWJS_MODELS, type LoadedNsfwjs } from './nsfwjs-node.js';

export interface LoadedTfjsFile extends LoadedTfjs {
  /** The model.json read. */
  file: string;
  /** metadata.json beside it (Teachable Machine: labels), or null. */
  metadata: TfjsMetadata | null;
}

/** Largest model.json read (the topology of a big network is a few MB). */
const MAX_JSON_BYTES = 64 * 2 ** 20;

/** Checks a shard path from the manifest: relative, no '..', no URL, inside the model's folder. */
export function checkShardPath(path: string, source: string): void {
  const parts = path.split(/[\\/]+/);
  if (path.includes('\0') || path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || parts.includes('..')) {
    throw new TfjsError(source, `weight shard path '${path}' points outside the model's folder (only relative paths inside it are read)`);
  }
}

function readJson(file: string, what: string, limit: number): unknown {
  const size = statSync(file).size;
  if (size > limit) throw new TfjsError(file, `${what} is ${size} bytes, more than the ${limit} accepted`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TfjsError(file, `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The real path of a shard, confined to `folder` (symlinks included), and its size. */
function shardFile(folder: string, path: string, source: string): { real: string; size: number } {
  checkShardPath(path, source);
  const full = resolve(folder, path);
  if (!existsSync(full)) throw new TfjsError(source, `weight shard '${path}' is missing (looked for ${full})`);
  const real = realpathSync(full);
  if (!real.startsWith(folder + sep)) throw new TfjsError(source, `weight shard '${path}' points outside the model's folder`);
  const st = statSync(real);
  if (!st.isFile()) throw new TfjsError(source, `weight shard '${path}' is not a file`);
  return { real, size: st.size };
}

/**
 * Loads a TF.js layers model (model.json, or a folder holding one) with its
 * weight shards as a fovea model.
 * @example
 * const { model, inputShape, metadata } = loadTfjsFile('tm-model/');   // a Teachable Machine export
 * metadata?.labels   // ['cat', 'dog']
 */
export function loadTfjsFile(path: string, options: Omit<LoadTfjsOptions, 'source'> = {}): LoadedTfjsFile {
  if (!existsSync(path)) throw new TfjsError(path, 'no such file or folder');
  const file = statSync(path).isDirectory() ? join(path, 'model.json') : path;
  if (!existsSync(file)) throw new TfjsError(path, 'the folder holds no model.json');
  const json = readJson(file, 'model.json', MAX_JSON_BYTES);
  const folder = realpathSync(dirname(resolve(file)));
  const fail = (problem: string): never => {
    throw new TfjsError(file, problem);
  };
  const manifest = parseWeightsManifest((json as Record<string, unknown> | null)?.['weightsManifest'], fail);
  // every size is checked before a byte of weights is read
  const groups = manifest.groups.map((g, gi) => {
    const shards = g.paths.map((p) => shardFile(folder, p, file));
    const size = shards.reduce((n, s) => n + s.size, 0);
    if (size !== g.byteLength) fail(`weight group ${gi + 1} (${g.paths.join(', ')}) holds ${size} bytes but its weights take ${g.byteLength}${size < g.byteLength ? ' (a truncated shard?)' : ''}`);
    return shards;
  });
  const bytes = new Uint8Array(manifest.byteLength);
  let offset = 0;
  for (const shard of groups.flat()) {
    const fd = openSync(shard.real, 'r');
    try {
      for (let done = 0; done < shard.size;) {
        const n = readSync(fd, bytes, offset + done, shard.size - done, done);
        if (n === 0) fail(`weight shard '${shard.real}' shrank while it was read`);
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    offset += shard.size;
  }
  const metaFile = join(dirname(file), 'metadata.json');
  let metadata: TfjsMetadata | null = null;
  if (existsSync(metaFile) && statSync(metaFile).isFile()) metadata = parseTfjsMetadata(readJson(metaFile, 'metadata.json', 2 ** 20), metaFile);
  return { ...loadTfjs(json, bytes, { ...options, source: file }), file, metadata };
}
