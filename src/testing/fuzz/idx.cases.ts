/**
 * Fuzz inputs for IDX files (`readIdx`, MNIST's format): bit flips, bad magic,
 * dimensions whose product overflows, truncation, and gzip bombs (a small
 * compressed file that inflates far beyond what its header declares). Each
 * must parse to exactly the declared array or be refused with a DataError
 * naming the file, without inflating more than the header allows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx, type IdxArray } from '../../data/idx.js';
import type { FuzzCase, FuzzRandom } from './fuzz-case.js';

/** An IDX file of unsigned bytes: magic 0x00000800 + ndims, big-endian dims, then the data. */
function idx(dims: number[], data: Uint8Array, magic = 0x0800 + dims.length): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, magic);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const parsedAsDeclared = (r: unknown): string | null => {
  const a = r as IdxArray;
  const n = a.dims.reduce((x, y) => x * y, 1);
  return a.data.length === n ? null : `${a.data.length} values for dims ${a.dims.join('x')}`;
};

export function* cases(r: FuzzRandom, rounds: number): Generator<FuzzCase> {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-fuzz-idx-'));
  try {
    let n = 0;
    const load = (name: string, bytes: Uint8Array): FuzzCase => {
      const file = join(dir, `f${n++}-idx3-ubyte${bytes[0] === 0x1f ? '.gz' : ''}`);
      writeFileSync(file, bytes);
      return { name, names: file, run: () => readIdx(file), check: parsedAsDeclared };
    };
    const images = new Uint8Array(5 * 6 * 7).map((_, i) => i);
    const good = idx([5, 6, 7], images);
    const gz = new Uint8Array(gzipSync(good));
    yield load('unchanged', good);
    yield load('unchanged, gzipped', gz);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < 16; k++) {
        const { bytes, how } = r.mutate(good);
        yield load(`${how} (round ${round}, ${k})`, bytes);
      }
      for (let k = 0; k < 16; k++) {
        const { bytes, how } = r.mutate(gz);
        yield load(`gzipped, ${how} (round ${round}, ${k})`, bytes);
      }
    }
    yield load('bad magic', idx([5, 6, 7], images, 0x12345678));
    yield load('element type float64', idx([5, 6, 7], images, 0x0e03));
    yield load('255 dimensions', idx(Array(255).fill(1), new Uint8Array(1)));
    yield load('0 dimensions', idx([], new Uint8Array()));
    yield load('dims whose product overflows', idx([65_535, 65_535, 65_535], images));
    yield load('dims 2^32 - 1', idx([2 ** 32 - 1], images));
    yield load('a zero dim', idx([0, 28, 28], new Uint8Array()));
    // gzip bombs: 64 MiB of zeros (64 KiB compressed) behind a header declaring 10 bytes, or 2^31 bytes
    const zeros = new Uint8Array(64 * 2 ** 20);
    yield load('gzip bomb behind a small header', new Uint8Array(gzipSync(Buffer.concat([idx([10], new Uint8Array(10)), zeros]), { level: 9 })));
    yield load('gzip bomb declaring 2^31 bytes', new Uint8Array(gzipSync(Buffer.concat([idx([2 ** 31 - 1], new Uint8Array()), zeros]), { level: 9 })));
    yield load('empty', new Uint8Array());
    yield load('gzip magic only', new Uint8Array([0x1f, 0x8b]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
