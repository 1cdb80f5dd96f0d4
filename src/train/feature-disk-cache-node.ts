/**
 * Backbone features kept on disk between runs (Node): transfer learning runs
 * a frozen network over every image once, the slow step (a MobileNetV2 does
 * about 20 images/s on two cores); a second run with the same backbone, cut,
 * images and preprocessing reads them back instead. Entries are keyed by a
 * SHA-256 of everything the features depend on, so a changed weight, image,
 * size, normalisation or augmentation can never be served stale.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImageDataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { FeatureSet } from './feature-cache.js';

const MAGIC = 'fovea-features/1\n';

/** What features depend on: the network (architecture and weights), the images and how they reach it. */
export interface FeatureCacheKey {
  model: Module;
  images: ImageDataset;
  normalize: { mean: readonly number[]; std: readonly number[] };
  /** Augmented passes (1: the plain images). */
  views: number;
  /** With views > 1: the augmentation and the seed of its random stream. */
  augment?: string;
  seed?: number;
}

/** The default cache folder: `$FOVEA_CACHE`, else `$XDG_CACHE_HOME/fovea`, else `~/.cache/fovea`; features go to `features/` in it. */
export function defaultFeatureCacheDir(): string {
  const root = process.env['FOVEA_CACHE'] || (process.env['XDG_CACHE_HOME'] ? join(process.env['XDG_CACHE_HOME'], 'fovea') : join(homedir(), '.cache', 'fovea'));
  return join(root, 'features');
}

/**
 * The SHA-256 (hex) of everything in `key`: the model's architecture and every
 * weight, the images' bytes, labels and shape, the normalisation, the views
 * and the augmentation with its seed.
 * @example const k = featureCacheKey({ model: backbone, images: train, normalize, views: 1 });
 */
export function featureCacheKey(key: FeatureCacheKey): string {
  const h = createHash('sha256');
  const part = (label: string, data: string | Uint8Array): void => {
    h.update(`${label}:${data.length}:`);
    h.update(data);
  };
  part('spec', JSON.stringify(key.model.spec()));
  for (const [name, t] of key.model.stateDict()) part(`w ${name} ${t.shape.join('x')}`, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  part('images', key.images.images);
  part('labels', new Uint8Array(key.images.labels.buffer, key.images.labels.byteOffset, key.images.labels.byteLength));
  part('meta', JSON.stringify({ shape: key.images.shape, normalize: key.normalize, views: key.views, augment: key.views > 1 ? key.augment ?? null : null, seed: key.views > 1 ? key.seed ?? null : null }));
  return h.digest('hex');
}

/**
 * The features for `key` from `dir` when they are there, else `compute()`'s,
 * which are then stored (atomically) for the next run. `dir` null: no cache.
 * @example const { set, hit } = await cachedFeatures(defaultFeatureCacheDir(), key, () => extractFeatures(backbone, loader, n));
 */
export async function cachedFeatures(dir: string | null, key: FeatureCacheKey, compute: () => Promise<FeatureSet>): Promise<{ set: FeatureSet; hit: boolean; file: string | null }> {
  if (dir === null) return { set: await compute(), hit: false, file: null };
  const file = join(dir, `${featureCacheKey(key)}.bin`);
  const stored = existsSync(file) ? readEntry(file) : null;
  if (stored) return { set: stored, hit: true, file };
  const set = await compute();
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(file, encodeEntry(set));
  return { set, hit: false, file };
}

function encodeEntry(set: FeatureSet): Uint8Array {
  const header = new TextEncoder().encode(`${MAGIC}${JSON.stringify({ length: set.length, dim: set.dim, shape: set.shape, views: set.views })}\n`);
  const pad = (4 - (header.length % 4)) % 4;
  const out = new Uint8Array(header.length + pad + set.labels.byteLength + set.features.byteLength);
  out.set(header);
  out.fill(0x20, header.length, header.length + pad);
  out.set(new Uint8Array(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength), header.length + pad);
  out.set(new Uint8Array(set.features.buffer, set.features.byteOffset, set.features.byteLength), header.length + pad + set.labels.byteLength);
  return out;
}

/** An entry, or null when it is unreadable or inconsistent (then it is recomputed and overwritten). */
function readEntry(file: string): FeatureSet | null {
  const bytes = readFileSync(file);
  const text = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 4096)));
  if (!text.startsWith(MAGIC)) return null;
  const end = text.indexOf('\n', MAGIC.length);
  if (end < 0) return null;
  let h: { length: number; dim: number; shape: number[]; views: number };
  try {
    h = JSON.parse(text.slice(MAGIC.length, end)) as typeof h;
  } catch {
    return null;
  }
  let offset = new TextEncoder().encode(text.slice(0, end + 1)).length;
  offset += (4 - (offset % 4)) % 4;
  const floats = h.views * h.length * h.dim;
  if (!(Number.isInteger(floats) && floats >= 0) || bytes.length !== offset + 4 * h.length + 4 * floats) return null;
  const copy = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + bytes.length);
  return {
    labels: new Int32Array(copy, 0, h.length), features: new Float32Array(copy, 4 * h.length, floats),
    length: h.length, dim: h.dim, shape: h.shape, views: h.views,
  };
}
