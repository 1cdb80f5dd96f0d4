/**
 * TF.js weight shards: the `weightsManifest` of a model.json says, weight by
 * weight, the name, shape, dtype and quantisation; the bytes of all shards,
 * concatenated in manifest order, hold them back to back. Every size is
 * checked against the shapes before anything is allocated, and weights are
 * decoded to float32 only when a layer asks for them.
 */
import { isRecord, show } from './tfjs-config.js';

/** Largest weight, in elements (2^28: 1 GiB of float32). */
export const MAX_WEIGHT_ELEMENTS = 2 ** 28;
/** Largest total of weight bytes (2 GiB). */
export const MAX_WEIGHT_BYTES = 2 ** 31;

/** Value = q * scale + min for uint8/uint16 (TF.js's affine quantisation); float16 is IEEE half precision. */
export interface TfjsQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  min: number;
  scale: number;
  originalDtype: string;
}

/** One weight of the manifest and where its bytes lie in the concatenated shards. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization: TfjsQuantization | null;
  offset: number;
  byteLength: number;
}

/** A weight group: its shard paths (relative to model.json) and how many bytes its weights take. */
export interface TfjsWeightGroup {
  paths: string[];
  byteLength: number;
}

type Fail = (problem: string) => never;

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

function checkedShape(name: string, raw: unknown, fail: Fail): number[] {
  if (!Array.isArray(raw)) return fail(`weight '${name}': shape must be a list, got ${show(raw)}`);
  let n = 1;
  for (const d of raw) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return fail(`weight '${name}': invalid dimension ${show(d)} in shape ${show(raw)}`);
    n *= d;
    if (n > MAX_WEIGHT_ELEMENTS) return fail(`weight '${name}': shape ${show(raw)} exceeds the limit of ${MAX_WEIGHT_ELEMENTS} elements`);
  }
  return raw as number[];
}

function quantizationOf(name: string, raw: unknown, fail: Fail): TfjsQuantization | null {
  if (raw === undefined || raw === null) return null;
  if (!isRecord(raw)) return fail(`weight '${name}': quantization must be an object, got ${show(raw)}`);
  const dtype = raw['dtype'];
  if (dtype !== 'uint8' && dtype !== 'uint16' && dtype !== 'float16') return fail(`weight '${name}': quantization dtype ${show(dtype)} is not one of uint8, uint16, float16`);
  const original = raw['original_dtype'] ?? 'float32';
  if (original !== 'float32' && original !== 'int32') return fail(`weight '${name}': quantization original_dtype ${show(original)} is not float32 or int32`);
  if (dtype === 'float16') return { dtype, min: 0, scale: 1, originalDtype: original };
  const { min, scale } = raw;
  if (typeof min !== 'number' || !Number.isFinite(min) || typeof scale !== 'number' || !Number.isFinite(scale)) {
    return fail(`weight '${name}': ${dtype} quantization needs finite min and scale, got min ${show(min)}, scale ${show(scale)}`);
  }
  return { dtype, min, scale, originalDtype: original };
}

/**
 * Reads and checks a `weightsManifest`: groups with their shard paths and
 * byte counts, and each weight's byte range in the concatenated shards.
 * @example const { groups, specs, byteLength } = parseWeightsManifest(json.weightsManifest, fail);
 */
export function parseWeightsManifest(manifest: unknown, fail: Fail): { groups: TfjsWeightGroup[]; specs: TfjsWeightSpec[]; byteLength: number } {
  if (manifest === undefined || manifest === null) return { groups: [], specs: [], byteLength: 0 };
  if (!Array.isArray(manifest)) return fail(`weightsManifest must be a list, got ${show(manifest)}`);
  const groups: TfjsWeightGroup[] = [];
  const specs: TfjsWeightSpec[] = [];
  const seen = new Set<string>();
  let offset = 0;
  manifest.forEach((g, gi) => {
    if (!isRecord(g) || !Array.isArray(g['paths']) || !Array.isArray(g['weights'])) fail(`weightsManifest[${gi}] must be an object with 'paths' and 'weights' lists`);
    const group = g as { paths: unknown[]; weights: unknown[] };
    if (!group.paths.every((p) => typeof p === 'string' && p.length > 0)) fail(`weightsManifest[${gi}].paths must be non-empty strings, got ${show(group.paths)}`);
    const start = offset;
    for (const w of group.weights) {
      if (!isRecord(w) || typeof w['name'] !== 'string') return fail(`weightsManifest[${gi}]: a weight must be an object with a string name, got ${show(w)}`);
      const name = w['name'];
      if (seen.has(name)) fail(`weight '${name}' appears twice in the manifest`);
      seen.add(name);
      const shape = checkedShape(name, w['shape'], fail);
      const dtype = w['dtype'] ?? 'float32';
      if (typeof dtype !== 'string' || !(dtype in BYTES) || dtype === 'uint8' || dtype === 'uint16' || dtype === 'float16') {
        fail(`weight '${name}': dtype ${show(dtype)} is not supported (float32, int32, bool, complex64${dtype === 'string' ? '; string weights have no fixed size' : ''})`);
      }
      const quantization = quantizationOf(name, w['quantization'], fail);
      const byteLength = shape.reduce((a, b) => a * b, 1) * BYTES[quantization ? quantization.dtype : (dtype as string)]!;
      specs.push({ name, shape, dtype: dtype as string, quantization, offset, byteLength });
      offset += byteLength;
      if (offset > MAX_WEIGHT_BYTES) fail(`the weights take more than ${MAX_WEIGHT_BYTES} bytes`);
    }
    groups.push({ paths: group.paths as string[], byteLength: offset - start });
  });
  return { groups, specs, byteLength: offset };
}

/** IEEE 754 half precision to a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** One weight's values as float32 (quantised values expanded, int32 converted). */
export function decodeWeight(spec: TfjsWeightSpec, bytes: Uint8Array, fail: Fail): Float32Array {
  if (spec.offset + spec.byteLength > bytes.length) fail(`weight '${spec.name}': bytes [${spec.offset}, ${spec.offset + spec.byteLength}) run past the end of the weight data (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + spec.offset, spec.byteLength);
  const q = spec.quantization;
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
    const round = q.originalDtype === 'int32' || spec.dtype === 'int32';
    for (let i = 0; i < n; i++) {
      const v = (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * q.scale + q.min;
      out[i] = round ? Math.round(v) : v;
    }
  } else if (q?.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  } else if (spec.dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  } else if (spec.dtype === 'int32') {
    for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
  } else if (spec.dtype === 'bool') {
    for (let i = 0; i < n; i++) out[i] = view.getUint8(i) ? 1 : 0;
  } else {
    fail(`weight '${spec.name}': dtype ${spec.dtype} cannot be used as a layer weight`);
  }
  // a NaN or infinite weight (a damaged shard) would make every prediction NaN
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`weight '${spec.name}' holds a non-finite value (${out[bad]} at index ${bad} of ${n}); the weight data is corrupt`);
  return out;
}

/**
 * The weights of a model by name, decoded on first use. Names are matched
 * as TF.js does (`<layer>/<weight>`, e.g. `Conv1/kernel`), falling back to a
 * unique `.../<layer>/<weight>` suffix for weights saved under a scope.
 *
 * @example
 * const store = new WeightStore(specs, bytes, fail);
 * const kernel = store.take('Conv1', 'kernel', [3, 3, 3, 32]);
 */
export class WeightStore {
  private readonly byName = new Map<string, TfjsWeightSpec>();
  private readonly used = new Set<string>();

  constructor(specs: TfjsWeightSpec[], private readonly bytes: Uint8Array, private readonly fail: Fail) {
    for (const s of specs) this.byName.set(s.name.replace(/:0$/, ''), s);
  }

  private find(layer: string, weight: string): TfjsWeightSpec | undefined {
    const exact = this.byName.get(`${layer}/${weight}`);
    if (exact) return exact;
    const suffix = `/${layer}/${weight}`;
    const hits = [...this.byName.entries()].filter(([n]) => n.endsWith(suffix));
    if (hits.length > 1) this.fail(`layer '${layer}': weight '${weight}' matches several manifest entries (${hits.map(([n]) => n).join(', ')})`);
    return hits[0]?.[1];
  }

  /** Whether the manifest has this weight (optional weights such as a bias). */
  has(layer: string, weight: string): boolean {
    return this.find(layer, weight) !== undefined;
  }

  /** The weight's values; its Keras shape must be `shape`. */
  take(layer: string, weight: string, shape: readonly number[]): Float32Array {
    const spec = this.find(layer, weight);
    if (!spec) return this.fail(`layer '${layer}': the weights manifest has no '${layer}/${weight}'`);
    if (spec.shape.length !== shape.length || spec.shape.some((d, i) => d !== shape[i])) {
      this.fail(`layer '${layer}': weight '${spec.name}' has shape [${spec.shape.join(', ')}], the layer expects [${shape.join(', ')}]`);
    }
    this.used.add(spec.name);
    return decodeWeight(spec, this.bytes, this.fail);
  }

  /** A weight by its full manifest name (a graph model's Const node), with its shape; undefined when the manifest has none. */
  named(name: string): { values: Float32Array; shape: number[] } | undefined {
    const spec = this.byName.get(name);
    if (!spec) return undefined;
    this.used.add(spec.name);
    return { values: decodeWeight(spec, this.bytes, this.fail), shape: [...spec.shape] };
  }

  /** Manifest entries no layer asked for (optimizer state, layers pruned from the graph). */
  unused(): string[] {
    return [...this.byName.values()].map((s) => s.name).filter((n) => !this.used.has(n));
  }
}
