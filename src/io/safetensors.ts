/**
 * The safetensors file format, read and written with nothing but the
 * JavaScript platform (no Node imports), so the same code loads weights in
 * Node and in the browser.
 *
 * Layout (all little-endian, tensors row-major):
 *
 * ```
 * ┌─────────────┬───────────────────────────────┬──────────────────────────┐
 * │ u64 N       │ N bytes of UTF-8 JSON header  │ byte buffer (tensor data)│
 * └─────────────┴───────────────────────────────┴──────────────────────────┘
 * header: { "__metadata__"?: { string: string },
 *           "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ... }
 * ```
 *
 * `data_offsets` count from the start of the byte buffer, not of the file.
 * Writers pad the header with spaces so the buffer starts 8-byte aligned.
 */
import { ModelFileError } from './io-error.js';

/** A tensor to write: row-major float32 values and their shape. */
export interface SafetensorsInput {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A tensor read back, converted to float32 whatever dtype the file stored. */
export interface DecodedTensor {
  /** The dtype stored in the file (`"F32"`, `"F16"`, `"BF16"`, `"I64"`, ...). */
  dtype: string;
  shape: number[];
  /** A fresh, 4-byte-aligned copy; never a view into the input bytes. */
  data: Float32Array;
}

/** What {@link decodeSafetensors} returns. */
export interface DecodedSafetensors {
  /** The `__metadata__` string map; `{}` when the file has none. */
  metadata: Record<string, string>;
  /** Tensors by name, in the order the header lists them. */
  tensors: Map<string, DecodedTensor>;
}

/** The reference implementation refuses headers larger than this (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype the format defines. */
const ITEM_SIZE: ReadonlyMap<string, number> = new Map([
  ['BOOL', 1], ['U8', 1], ['I8', 1], ['F8_E5M2', 1], ['F8_E4M3', 1],
  ['I16', 2], ['U16', 2], ['F16', 2], ['BF16', 2],
  ['I32', 4], ['U32', 4], ['F32', 4],
  ['I64', 8], ['U64', 8], ['F64', 8],
]);

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Serializes float32 tensors to safetensors bytes, laid out exactly as the
 * reference implementation (Python/Rust `safetensors`) lays out F32 tensors:
 * tensors sorted by name (byte-wise UTF-8 order, as Rust sorts strings), the
 * header `{"__metadata__":{..},"name":{"dtype":"F32","shape":[..],"data_offsets":[b,e]},..}`
 * with no whitespace, padded with spaces to a multiple of 8 bytes.
 *
 * Metadata keys are written in sorted order (the reference's order is a hash
 * map's, i.e. unspecified); `__metadata__` is omitted when `metadata` is not
 * given, as the reference does for `None`.
 *
 * Shape: `data.length` must equal the product of `shape` (1 for `[]`).
 *
 * @example
 * const bytes = encodeSafetensors(
 *   { 'conv1.weight': { shape: [8, 1, 3, 3], data: w }, 'conv1.bias': { shape: [8], data: b } },
 *   { format: 'pt' },
 * );
 */
export function encodeSafetensors(
  tensors: Readonly<Record<string, SafetensorsInput>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const names = Object.keys(tensors).sort(compareCodePoints);
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${metadataJson(metadata)}`);
  const layout: { data: Float32Array; begin: number }[] = [];
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name];
    if (tensor === undefined) continue;
    checkInput(name, tensor);
    const end = offset + tensor.data.length * 4;
    const info = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, end] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    layout.push({ data: tensor.data, begin: offset });
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces: still valid JSON whitespace
  const dataStart = 8 + headerLength;
  for (const { data, begin } of layout) {
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart + begin);
    } else {
      for (let i = 0; i < data.length; i++) view.setFloat32(dataStart + begin + 4 * i, data[i] ?? 0, true);
    }
  }
  return out;
}

/**
 * Parses safetensors bytes and converts every tensor to float32.
 *
 * Reads F32, F64, F16, BF16, F8_E4M3, F8_E5M2 and the integer and BOOL dtypes
 * (integers become the nearest float32). Everything is validated before any
 * tensor memory is allocated, so a corrupt or hostile file cannot make it
 * allocate more than a small multiple of its own size. Tensor data may sit at
 * any alignment, and `bytes` may be a view at any `byteOffset`.
 *
 * As strict as the reference about the layout: the tensors must cover the
 * data buffer exactly, with no gap, overlap or trailing byte. A header length
 * off by one byte would otherwise still parse (JSON allows the padding
 * spaces) and read every tensor one byte off.
 *
 * @param source names the file in error messages (a path, URL or label).
 * @throws {ModelFileError} naming `source` and the exact problem.
 * @example
 * const { metadata, tensors } = decodeSafetensors(await readFile(p), p);
 * const w = tensors.get('conv1.weight'); // { dtype: 'F32', shape: [8, 1, 3, 3], data }
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): DecodedSafetensors {
  const { header, dataStart } = readHeader(bytes, source);
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') metadata = parseMetadata(value, source);
    else entries.push(parseEntry(name, value, source));
  }
  checkLayout(entries, bytes.length - dataStart, source);
  const tensors = new Map<string, DecodedTensor>();
  for (const e of entries) {
    const data = toFloat32(bytes, dataStart + e.begin, e.count, e.dtype);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { metadata, tensors };
}

/** One validated header entry. */
interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

function readHeader(bytes: Uint8Array, source: string): { header: object; dataStart: number } {
  const fail = (problem: string): never => {
    throw new ModelFileError(source, problem);
  };
  if (bytes.length < 8) {
    fail(`not a safetensors file: it is ${bytes.length} bytes, shorter than the 8-byte header-length prefix`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(
      `not a safetensors file: the 8-byte prefix gives a header length of ${declared} bytes, ` +
        `more than the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  const n = Number(declared);
  if (n > bytes.length - 8) {
    fail(
      `truncated (or not a safetensors file): the 8-byte prefix gives a JSON header of ${n} bytes, ` +
        `but only ${bytes.length - 8} bytes follow it`,
    );
  }
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(`not a safetensors file: the ${n}-byte header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`not a safetensors file: the ${n}-byte header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) {
    fail(`not a safetensors file: the header is JSON ${describe(header)}, not an object`);
  }
  return { header: header as object, dataStart: 8 + n };
}

function parseMetadata(value: unknown, source: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new ModelFileError(source, `"__metadata__" is ${describe(value)}, expected an object of strings`);
  }
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof v !== 'string') {
      throw new ModelFileError(source, `"__metadata__" value for key ${JSON.stringify(key)} is ${describe(v)}, not a string`);
    }
  }
  // fromEntries defines own properties, so a key like "__proto__" stays a plain key.
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseEntry(name: string, value: unknown, source: string): Entry {
  const fail = (problem: string): never => {
    throw new ModelFileError(source, `tensor ${JSON.stringify(name)}: ${problem}`);
  };
  if (!isPlainObject(value)) return fail(`header entry is ${describe(value)}, expected {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') return fail(`dtype is ${describe(dtype)}, expected a string such as "F32"`);
  const itemSize = ITEM_SIZE.get(dtype);
  if (itemSize === undefined) {
    return fail(`unknown dtype ${JSON.stringify(dtype)} (known: ${[...ITEM_SIZE.keys()].join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    return fail(`shape ${JSON.stringify(shape) ?? 'missing'} is not an array of non-negative integers`);
  }
  const [begin, end] = Array.isArray(offsets) && offsets.length === 2 ? (offsets as unknown[]) : [];
  if (!isCount(begin) || !isCount(end) || begin > end) {
    return fail(`data_offsets ${JSON.stringify(offsets) ?? 'missing'} is not [begin, end] with integers 0 <= begin <= end`);
  }
  const count = elementCount(shape as number[]);
  if (count === undefined || count > Number.MAX_SAFE_INTEGER / itemSize) {
    return fail(`shape [${shape.join(', ')}] has too many elements to address`);
  }
  if (count * itemSize !== end - begin) {
    return fail(
      `dtype ${dtype} with shape [${shape.join(', ')}] needs ${count * itemSize} bytes, ` +
        `but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape: [...(shape as number[])], count, begin, end };
}

/** Every tensor must lie inside the buffer, no two may share a byte, and together they cover it exactly. */
function checkLayout(entries: readonly Entry[], available: number, source: string): void {
  const needed = entries.reduce((max, e) => Math.max(max, e.end), 0);
  if (needed > available) {
    throw new ModelFileError(
      source,
      `truncated: header describes ${needed} bytes of tensor data, file holds ${available}`,
    );
  }
  const occupied = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin || a.end - b.end);
  let last: Entry | undefined;
  for (const e of occupied) {
    if (last !== undefined && e.begin < last.end) {
      throw new ModelFileError(
        source,
        `tensors ${JSON.stringify(last.name)} [${last.begin}, ${last.end}] and ` +
          `${JSON.stringify(e.name)} [${e.begin}, ${e.end}] overlap in the data buffer`,
      );
    }
    if (last !== undefined && e.begin > last.end) {
      throw new ModelFileError(
        source,
        `corrupt layout: bytes [${last.end}, ${e.begin}) of the data buffer, between tensors ${JSON.stringify(last.name)} and ${JSON.stringify(e.name)}, belong to no tensor`,
      );
    }
    if (last === undefined && e.begin > 0) {
      throw new ModelFileError(source, `corrupt layout: the data buffer's first ${e.begin} bytes, before tensor ${JSON.stringify(e.name)}, belong to no tensor`);
    }
    if (last === undefined || e.end > last.end) last = e;
  }
  if (needed < available) {
    throw new ModelFileError(
      source,
      `corrupt layout (or a wrong header length): the tensors cover ${needed} bytes of the data buffer but ${available} bytes follow the header; ` +
        `the ${available - needed} trailing bytes belong to no tensor`,
    );
  }
}

/** Copies `count` elements of `dtype` starting at `bytes[start]` into a new Float32Array. */
function toFloat32(bytes: Uint8Array, start: number, count: number, dtype: string): Float32Array {
  const out = new Float32Array(count);
  const at = bytes.byteOffset + start;
  if (dtype === 'F32' && LITTLE_ENDIAN_HOST) {
    // A byte copy: exact, keeps NaN payloads, and works at any source alignment.
    new Uint8Array(out.buffer).set(bytes.subarray(start, start + count * 4));
    return out;
  }
  const view = new DataView(bytes.buffer, at, count * (ITEM_SIZE.get(dtype) ?? 0));
  const read = elementReader(view, dtype);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

function elementReader(view: DataView, dtype: string): (i: number) => number {
  switch (dtype) {
    case 'F32': return (i) => view.getFloat32(4 * i, true);
    case 'F64': return (i) => view.getFloat64(8 * i, true);
    case 'F16': return (i) => halfTable()[view.getUint16(2 * i, true)] ?? NaN;
    // bfloat16 is the top half of a float32.
    case 'BF16': return (i) => bits32ToFloat(view.getUint16(2 * i, true) << 16);
    // E5M2 is the top byte of a float16.
    case 'F8_E5M2': return (i) => halfTable()[view.getUint8(i) << 8] ?? NaN;
    case 'F8_E4M3': return (i) => e4m3ToFloat(view.getUint8(i));
    case 'I64': return (i) => Number(view.getBigInt64(8 * i, true));
    case 'U64': return (i) => Number(view.getBigUint64(8 * i, true));
    case 'I32': return (i) => view.getInt32(4 * i, true);
    case 'U32': return (i) => view.getUint32(4 * i, true);
    case 'I16': return (i) => view.getInt16(2 * i, true);
    case 'U16': return (i) => view.getUint16(2 * i, true);
    case 'I8': return (i) => view.getInt8(i);
    case 'U8': return (i) => view.getUint8(i);
    case 'BOOL': return (i) => (view.getUint8(i) !== 0 ? 1 : 0);
    default: throw new Error(`safetensors: no reader for dtype ${dtype}`); // unreachable: dtypes are checked first
  }
}

const scratch32 = new DataView(new ArrayBuffer(4));
function bits32ToFloat(bits: number): number {
  scratch32.setUint32(0, bits >>> 0);
  return scratch32.getFloat32(0);
}

let halfCache: Float32Array | undefined;
/** All 65536 float16 values, built on first use (256 KiB), so F16 files decode by lookup. */
function halfTable(): Float32Array {
  if (halfCache === undefined) {
    halfCache = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfCache[h] = halfToFloat(h);
  }
  return halfCache;
}

/** IEEE 754 binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** OCP FP8 E4M3 ("fn"): bias 7, no infinities, S.1111.111 is NaN, max 448. */
function e4m3ToFloat(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exponent = (b >> 3) & 0xf;
  const fraction = b & 0x7;
  if (exponent === 0xf && fraction === 0x7) return NaN;
  if (exponent === 0) return sign * fraction * 2 ** -9;
  return sign * (1 + fraction / 8) * 2 ** (exponent - 7);
}

function checkInput(name: string, tensor: SafetensorsInput): void {
  if (name === '__metadata__') {
    throw new RangeError('encodeSafetensors: "__metadata__" is reserved by the format and cannot name a tensor');
  }
  const shape = tensor.shape as readonly unknown[];
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new RangeError(`encodeSafetensors: tensor ${JSON.stringify(name)} has shape ${JSON.stringify(shape)}; dimensions must be non-negative integers`);
  }
  if (!(tensor.data instanceof Float32Array)) {
    throw new TypeError(`encodeSafetensors: tensor ${JSON.stringify(name)} data must be a Float32Array`);
  }
  const count = elementCount(tensor.shape);
  if (count !== tensor.data.length) {
    throw new RangeError(
      `encodeSafetensors: tensor ${JSON.stringify(name)} has shape [${tensor.shape.join(', ')}] ` +
        `(${count ?? 'too many'} elements) but its data holds ${tensor.data.length}`,
    );
  }
}

function metadataJson(metadata: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  for (const key of Object.keys(metadata).sort(compareCodePoints)) {
    const value: unknown = metadata[key];
    if (typeof value !== 'string') {
      throw new TypeError(`encodeSafetensors: metadata value for ${JSON.stringify(key)} is ${describe(value)}; safetensors metadata holds only strings`);
    }
    parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Product of the dimensions, or undefined past 2^53 (where counting stops being exact). */
function elementCount(shape: readonly number[]): number | undefined {
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const d of shape) {
    if (count > Number.MAX_SAFE_INTEGER / d) return undefined;
    count *= d;
  }
  return count;
}

/**
 * Orders strings by Unicode code point, which is the byte order of their
 * UTF-8 encodings and so Rust's `String` order. JavaScript's default sort
 * compares UTF-16 code units, which differs once astral characters meet
 * U+E000..U+FFFF.
 */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === undefined) return 'missing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  return `${typeof x === 'string' ? 'the string' : `the ${typeof x}`} ${JSON.stringify(x)}`;
}
