import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ModelFileError } from './io-error.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

const f32 = (...xs: number[]): Float32Array => new Float32Array(xs);

/** Builds a file by hand: u64 length, header text (padded to 8 by default), data bytes. */
function craft(header: unknown, data: ArrayLike<number> = [], pad = true): Uint8Array {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  if (pad) text = text.padEnd(Math.ceil(text.length / 8) * 8, ' ');
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Little-endian bytes of a typed array (the test machines are little-endian; asserted below). */
const le = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
assert.equal(new Uint8Array(new Uint16Array([1]).buffer)[0], 1, 'tests assume a little-endian host');

function decodeFails(bytes: Uint8Array, problem: RegExp | string): void {
  assert.throws(
    () => decodeSafetensors(bytes, 'model.safetensors'),
    (e: unknown) => {
      assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
      assert.equal(e.file, 'model.safetensors');
      assert.ok(e.message.startsWith('model.safetensors: '), e.message);
      if (typeof problem === 'string') assert.equal(e.problem, problem);
      else assert.match(e.problem, problem);
      return true;
    },
  );
}

describe('encodeSafetensors / decodeSafetensors round trip', () => {
  test('several tensors, a scalar, empty tensors and metadata come back exactly', () => {
    const tensors = {
      'features.0.weight': { shape: [2, 1, 2, 2], data: f32(1, -2, 3.5, 0.1, -0, Infinity, -Infinity, 1e-40) },
      'features.0.bias': { shape: [2], data: f32(0.25, -0.5) },
      'temperature': { shape: [], data: f32(1.7) },
      'empty': { shape: [0], data: f32() },
      'empty.3d': { shape: [2, 0, 3], data: f32() },
    };
    const metadata = { format: 'pt', classes: '["cat","dog"]', note: 'ünïcødé ✓ "quoted"\n' };
    const { metadata: m, tensors: t } = decodeSafetensors(encodeSafetensors(tensors, metadata), 'mem');
    assert.deepEqual(m, metadata);
    assert.deepEqual([...t.keys()].sort(), Object.keys(tensors).sort());
    for (const [name, want] of Object.entries(tensors)) {
      const got = t.get(name);
      assert.ok(got);
      assert.equal(got.dtype, 'F32');
      assert.deepEqual(got.shape, want.shape);
      assert.deepEqual(le(got.data), le(want.data), name); // bit-exact, -0 and subnormals included
    }
  });

  test('NaN payload bits survive', () => {
    const data = new Float32Array(new Uint32Array([0x7fc00001, 0xffbfffff]).buffer);
    const got = decodeSafetensors(encodeSafetensors({ x: { shape: [2], data } }), 'mem').tensors.get('x');
    assert.deepEqual(new Uint32Array(got?.data.buffer ?? new ArrayBuffer(0)), new Uint32Array([0x7fc00001, 0xffbfffff]));
  });

  test('decoded data is a fresh copy, not a view into the file', () => {
    const bytes = encodeSafetensors({ x: { shape: [1], data: f32(3) } });
    const x = decodeSafetensors(bytes, 'mem').tensors.get('x');
    bytes.fill(0);
    assert.deepEqual(x?.data, f32(3));
    assert.notEqual(x?.data.buffer, bytes.buffer);
  });

  test('no metadata decodes as {}; a "__proto__" metadata key stays a plain key', () => {
    assert.deepEqual(decodeSafetensors(encodeSafetensors({}), 'mem').metadata, {});
    const m = decodeSafetensors(craft('{"__metadata__":{"__proto__":"x"}}'), 'mem').metadata;
    assert.deepEqual(Object.keys(m), ['__proto__']);
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
  });

  test('input views at any byteOffset: the data and the whole file', () => {
    const backing = new Float32Array([9, 1, 2, 3, 9]);
    const bytes = encodeSafetensors({ x: { shape: [3], data: backing.subarray(1, 4) } });
    for (let shift = 1; shift < 8; shift++) {
      const big = new Uint8Array(bytes.length + 16);
      big.set(bytes, shift);
      const x = decodeSafetensors(big.subarray(shift, shift + bytes.length), 'mem').tensors.get('x');
      assert.deepEqual(x?.data, f32(1, 2, 3), `shift ${shift}`);
    }
  });
});

describe('encodeSafetensors layout', () => {
  // Byte layouts the reference implementation's own tests pin down.
  const floats = le(f32(0, 1, 2, 3, 4, 5));
  const expected = (json: string, data: Uint8Array = new Uint8Array()): Uint8Array =>
    Uint8Array.from([...le(new BigUint64Array([BigInt(json.length)])), ...new TextEncoder().encode(json), ...data]);

  test('one F32 tensor whose header is already a multiple of 8', () => {
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    assert.equal(json.length, 64);
    assert.deepEqual(encodeSafetensors({ 'attn.0': { shape: [1, 2, 3], data: f32(0, 1, 2, 3, 4, 5) } }), expected(json, floats));
  });

  test('a header padded with spaces so the data starts 8-byte aligned', () => {
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ';
    assert.equal(json.length, 72);
    assert.deepEqual(encodeSafetensors({ attn0: { shape: [1, 1, 2, 3], data: f32(0, 1, 2, 3, 4, 5) } }), expected(json, floats));
  });

  test('no tensors, with and without metadata', () => {
    assert.deepEqual(encodeSafetensors({}), expected('{}      '));
    assert.deepEqual(encodeSafetensors({}, { framework: 'pt' }), expected('{"__metadata__":{"framework":"pt"}}     '));
  });

  test('tensors are laid out in sorted-name order, whatever the insertion order', () => {
    const bytes = encodeSafetensors({
      'b': { shape: [1], data: f32(2) },
      'a.weight': { shape: [2], data: f32(1, 1) },
      'C': { shape: [1], data: f32(3) },
    }, { z: '1', a: '2' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.equal(text.trimEnd(),
      '{"__metadata__":{"a":"2","z":"1"},' +
      '"C":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
      '"a.weight":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},' +
      '"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}');
    assert.deepEqual(new Float32Array(bytes.slice(8 + n).buffer), f32(3, 1, 1, 2));
  });

  test('names sort by code point (UTF-8 byte order, as Rust does), not UTF-16 unit', () => {
    const bytes = encodeSafetensors({ '\u{10000}': { shape: [1], data: f32(2) }, '\uffff': { shape: [1], data: f32(1) } });
    const t = decodeSafetensors(bytes, 'mem').tensors;
    assert.deepEqual([...t.keys()], ['\uffff', '\u{10000}']);
  });

  test('data starts 8-byte aligned for every header length', () => {
    for (let len = 1; len <= 16; len++) {
      const bytes = encodeSafetensors({ ['n'.repeat(len)]: { shape: [1], data: f32(len) } });
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      assert.equal((8 + n) % 8, 0);
      assert.equal(bytes.length, 8 + n + 4);
    }
  });

  test('bad input is refused with the tensor named', () => {
    assert.throws(() => encodeSafetensors({ w: { shape: [2, 3], data: f32(1, 2) } }),
      { name: 'RangeError', message: /"w" has shape \[2, 3\] \(6 elements\) but its data holds 2/ });
    assert.throws(() => encodeSafetensors({ w: { shape: [-1], data: f32() } }), /"w" has shape \[-1\]/);
    assert.throws(() => encodeSafetensors({ w: { shape: [1.5], data: f32() } }), /non-negative integers/);
    assert.throws(() => encodeSafetensors({ __metadata__: { shape: [], data: f32(1) } }), /reserved/);
    assert.throws(() => encodeSafetensors({}, { k: 1 as unknown as string }), /metadata value for "k" is the number 1/);
  });
});

describe('decodeSafetensors dtypes', () => {
  const one = (dtype: string, shape: number[], data: Uint8Array): Float32Array => {
    const bytes = craft({ t: { dtype, shape, data_offsets: [0, data.length] } }, data);
    const t = decodeSafetensors(bytes, 'mem').tensors.get('t');
    assert.equal(t?.dtype, dtype);
    assert.deepEqual(t?.shape, shape);
    return t?.data ?? new Float32Array();
  };

  test('F16 known values: normals, subnormals, max, infinities, NaN, signed zero', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555, 0x7c00, 0xfc00, 0x8000, 0x7e00];
    const got = one('F16', [10], le(new Uint16Array(bits)));
    assert.deepEqual([...got.subarray(0, 9)], [1, -2, 65504, 2 ** -24, 2 ** -14, 0.333251953125, Infinity, -Infinity, -0]);
    assert.ok(Number.isNaN(got[9]));
  });

  test('BF16 known values: the top half of a float32', () => {
    const bits = [0x3f80, 0xc000, 0x4049, 0x0001, 0x7f80, 0xff80, 0x8000, 0x7fc0];
    const got = one('BF16', [2, 4], le(new Uint16Array(bits)));
    assert.deepEqual([...got.subarray(0, 7)], [1, -2, 3.140625, 2 ** -133, Infinity, -Infinity, -0]);
    assert.ok(Number.isNaN(got[7]));
  });

  test('F64 rounds to float32; integers and BOOL convert to float', () => {
    assert.deepEqual(one('F64', [3], le(new Float64Array([1.5, 0.1, 1e300]))), f32(1.5, 0.1, Infinity));
    assert.deepEqual(one('I64', [3], le(new BigInt64Array([-3n, 2n ** 40n, 0n]))), f32(-3, 2 ** 40, 0));
    assert.deepEqual(one('U64', [1], le(new BigUint64Array([2n ** 63n]))), f32(2 ** 63));
    assert.deepEqual(one('I32', [2], le(new Int32Array([-7, 2 ** 31 - 1]))), f32(-7, 2 ** 31));
    assert.deepEqual(one('U32', [1], le(new Uint32Array([4e9]))), f32(4e9));
    assert.deepEqual(one('I16', [2], le(new Int16Array([-300, 7]))), f32(-300, 7));
    assert.deepEqual(one('U16', [1], le(new Uint16Array([65535]))), f32(65535));
    assert.deepEqual(one('U8', [3], Uint8Array.of(0, 128, 255)), f32(0, 128, 255));
    assert.deepEqual(one('I8', [2], Uint8Array.of(0xff, 0x7f)), f32(-1, 127));
    assert.deepEqual(one('BOOL', [3], Uint8Array.of(0, 1, 2)), f32(0, 1, 1));
  });

  test('FP8 E4M3 and E5M2 known values', () => {
    const e4m3 = one('F8_E4M3', [5], Uint8Array.of(0x38, 0x7e, 0x01, 0xc0, 0x7f));
    assert.deepEqual([...e4m3.subarray(0, 4)], [1, 448, 2 ** -9, -2]);
    assert.ok(Number.isNaN(e4m3[4]));
    assert.deepEqual(one('F8_E5M2', [3], Uint8Array.of(0x3c, 0x7c, 0xc0)), f32(1, Infinity, -2));
  });

  test('mixed dtypes at unaligned offsets in the buffer', () => {
    const data = Uint8Array.from([...le(new Uint16Array([0x3c00])), ...le(new Float64Array([-2.5])), ...le(f32(7))]);
    const bytes = craft({
      h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] },
      d: { dtype: 'F64', shape: [], data_offsets: [2, 10] },
      f: { dtype: 'F32', shape: [1, 1], data_offsets: [10, 14] },
    }, data);
    const t = decodeSafetensors(bytes, 'mem').tensors;
    assert.deepEqual([t.get('h')?.data, t.get('d')?.data, t.get('f')?.data], [f32(1), f32(-2.5), f32(7)]);
  });
});

describe('decodeSafetensors refuses broken files, naming the source and the problem', () => {
  const w = (entry: Record<string, unknown>): Record<string, unknown> => ({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...entry } });
  const eight = new Uint8Array(8);

  test('shorter than the length prefix', () => {
    decodeFails(Uint8Array.of(1, 2, 3, 4, 5), 'not a safetensors file: it is 5 bytes, shorter than the 8-byte header-length prefix');
    decodeFails(new Uint8Array(), /it is 0 bytes/);
  });

  test('absurd header length (another format, e.g. a PNG)', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
    decodeFails(png, /^not a safetensors file: the 8-byte prefix gives a header length of 727905341920923785 bytes, more than the 100000000-byte limit$/);
  });

  test('header longer than the file', () => {
    const bytes = craft('{}      ');
    new DataView(bytes.buffer).setBigUint64(0, 100n, true);
    decodeFails(bytes, 'truncated (or not a safetensors file): the 8-byte prefix gives a JSON header of 100 bytes, but only 8 bytes follow it');
  });

  test('header not UTF-8, not JSON, not an object', () => {
    const latin1 = craft('{"ab":"x"}');
    latin1[10] = 0xff; // a lone byte that UTF-8 forbids, inside the key
    decodeFails(latin1, 'not a safetensors file: the 16-byte header is not valid UTF-8');
    decodeFails(craft('{"w": '), /^not a safetensors file: the 8-byte header is not valid JSON \(/);
    decodeFails(craft('[1, 2]'), 'not a safetensors file: the header is JSON an array, not an object');
    decodeFails(craft('null'), /header is JSON null, not an object/);
    decodeFails(craft('"hi"'), /header is JSON the string "hi", not an object/);
  });

  test('entries that are not objects, or lack a dtype', () => {
    decodeFails(craft({ w: [1] }), 'tensor "w": header entry is an array, expected {dtype, shape, data_offsets}');
    decodeFails(craft({ w: { shape: [0], data_offsets: [0, 0] } }), 'tensor "w": dtype is missing, expected a string such as "F32"');
  });

  test('unknown dtype', () => {
    decodeFails(craft(w({ dtype: 'Q7' }), eight), /^tensor "w": unknown dtype "Q7" \(known: BOOL, U8, .*F64\)$/);
    decodeFails(craft(w({ dtype: 'constructor' }), eight), /unknown dtype "constructor"/);
  });

  test('shape not an array of non-negative integers', () => {
    for (const shape of [[2, -1], [1.5], '2', [null], { 0: 2 }]) {
      decodeFails(craft(w({ shape }), eight), `tensor "w": shape ${JSON.stringify(shape)} is not an array of non-negative integers`);
    }
    decodeFails(craft(w({ shape: undefined }), eight), 'tensor "w": shape missing is not an array of non-negative integers');
  });

  test('data_offsets not [begin, end]', () => {
    for (const data_offsets of [[8, 4], [0], [0, 8, 9], [-1, 7], [0, 8.5], '0,8']) {
      decodeFails(craft(w({ data_offsets }), eight), /^tensor "w": data_offsets .* is not \[begin, end\] with integers 0 <= begin <= end$/);
    }
  });

  test('shape × itemsize disagrees with the offsets', () => {
    decodeFails(craft(w({ shape: [2, 3], data_offsets: [0, 20] }), new Uint8Array(24)),
      'tensor "w": dtype F32 with shape [2, 3] needs 24 bytes, but data_offsets [0, 20] span 20');
    decodeFails(craft(w({ dtype: 'F16' }), eight), /dtype F16 with shape \[2\] needs 4 bytes/);
    decodeFails(craft(w({ shape: [2 ** 30, 2 ** 30, 2 ** 30] }), eight), /shape \[1073741824, 1073741824, 1073741824\] has too many elements/);
  });

  test('tensor data past the end of the file, without allocating for it', () => {
    decodeFails(craft(w({ shape: [6], data_offsets: [0, 24] }), new Uint8Array(16)),
      'truncated: header describes 24 bytes of tensor data, file holds 16');
    const huge = 2 ** 50;
    decodeFails(craft(w({ shape: [huge / 4], data_offsets: [0, huge] }), eight),
      `truncated: header describes ${huge} bytes of tensor data, file holds 8`);
  });

  test('overlapping tensors', () => {
    const header = {
      a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
      e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] }, // empty tensors occupy nothing
    };
    decodeFails(craft(header, new Uint8Array(24)), 'tensors "a" [0, 16] and "b" [8, 24] overlap in the data buffer');
    const nested = { a: { dtype: 'U8', shape: [16], data_offsets: [0, 16] }, b: { dtype: 'U8', shape: [2], data_offsets: [4, 6] } };
    decodeFails(craft(nested, new Uint8Array(16)), /"a" \[0, 16\] and "b" \[4, 6\] overlap/);
  });

  test('metadata that is not a map of strings', () => {
    decodeFails(craft({ __metadata__: { epochs: 3 } }), '"__metadata__" value for key "epochs" is the number 3, not a string');
    decodeFails(craft({ __metadata__: ['a'] }), '"__metadata__" is an array, expected an object of strings');
  });

  test('an unpadded header is accepted', () => {
    const bytes = craft({ w: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, Uint8Array.of(5, 6), false);
    assert.deepEqual(decodeSafetensors(bytes, 'mem').tensors.get('w')?.data, f32(5, 6));
  });

  test('the tensors must cover the data buffer exactly: gaps, leading and trailing bytes are refused', () => {
    decodeFails(craft({ w: { dtype: 'U8', shape: [2], data_offsets: [2, 4] } }, Uint8Array.of(0, 0, 5, 6)), /first 2 bytes, before tensor "w", belong to no tensor/);
    const gap = { a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] }, b: { dtype: 'U8', shape: [1], data_offsets: [3, 4] } };
    decodeFails(craft(gap, new Uint8Array(4)), /bytes \[1, 3\) of the data buffer, between tensors "a" and "b", belong to no tensor/);
    decodeFails(craft({ w: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }, Uint8Array.of(5, 6, 7)), /cover 2 bytes of the data buffer but 3 bytes follow the header; the 1 trailing bytes belong to no tensor/);
  });

  test('a header length one byte short is refused, not read one byte off', () => {
    const good = encodeSafetensors({ w: { shape: [3], data: f32(1, 2, 3) } });
    const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
    assert.equal(new TextDecoder().decode(good.subarray(8 + headerLength - 1, 8 + headerLength)), ' ', 'the header ends in padding');
    const short = good.slice();
    new DataView(short.buffer).setBigUint64(0, BigInt(headerLength - 1), true);
    decodeFails(short, /wrong header length.*1 trailing bytes/);
  });
});

const python = process.env['PYTHON'] ?? 'python3';
const probe = spawnSync(python, ['-c', 'import safetensors.numpy, numpy'], { encoding: 'utf8' });
const noPython = probe.status === 0 ? false : `Python ${python} with safetensors + numpy is not available`;

function runPython(script: string, ...args: string[]): string {
  const r = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('interop with Python safetensors', { skip: noPython }, () => {
  test('Python reads what fovea writes, and writes the same bytes back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fovea-st-'));
    try {
      const path = join(dir, 'fovea.safetensors');
      const tensors = {
        'conv1.weight': { shape: [2, 1, 2, 2], data: f32(1, -2, 3.5, 0.1, 0, 1e-3, -7, 8) },
        'conv1.bias': { shape: [2], data: f32(0.25, -0.5) },
        'scale': { shape: [], data: f32(2) },
        'empty': { shape: [0, 3], data: f32() },
      };
      const bytes = encodeSafetensors(tensors, { format: 'pt' });
      writeFileSync(path, bytes);
      const out = JSON.parse(runPython(`
import json, sys
from safetensors import safe_open
from safetensors.numpy import load_file, save
t = load_file(sys.argv[1])
with safe_open(sys.argv[1], framework="np") as f:
    meta = f.metadata()
open(sys.argv[1] + ".py", "wb").write(save(t, metadata=meta))
print(json.dumps({"metadata": meta, "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape),
      "values": v.ravel().tolist()} for k, v in t.items()}}))`, path)) as {
        metadata: Record<string, string>;
        tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
      };
      assert.deepEqual(out.metadata, { format: 'pt' });
      for (const [name, want] of Object.entries(tensors)) {
        assert.deepEqual(out.tensors[name], { dtype: 'float32', shape: want.shape, values: [...want.data] });
      }
      assert.deepEqual(new Uint8Array(readFileSync(`${path}.py`)), bytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fovea reads what Python writes, in every numpy dtype it converts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fovea-st-'));
    try {
      const path = join(dir, 'python.safetensors');
      runPython(`
import sys, numpy as np
from safetensors.numpy import save_file
save_file({
  "f32": np.array([[1.5, -2.0], [0.1, 3.0]], dtype=np.float32),
  "f16": np.array([1.0, -2.0, 65504.0, 0.333251953125], dtype=np.float16),
  "f64": np.array([0.1, -1e10], dtype=np.float64),
  "i64": np.array([-3, 2**40], dtype=np.int64),
  "i32": np.array([[7]], dtype=np.int32),
  "u8": np.array([0, 255], dtype=np.uint8),
  "scalar": np.array(4.0, dtype=np.float32),
}, sys.argv[1], metadata={"classes": "cat,dog"})`, path);
      const { metadata, tensors } = decodeSafetensors(new Uint8Array(readFileSync(path)), path);
      assert.deepEqual(metadata, { classes: 'cat,dog' });
      const got = Object.fromEntries([...tensors].map(([k, v]) => [k, [v.dtype, v.shape, [...v.data]]]));
      assert.deepEqual(got, {
        f32: ['F32', [2, 2], [...f32(1.5, -2, 0.1, 3)]],
        f16: ['F16', [4], [1, -2, 65504, 0.333251953125]],
        f64: ['F64', [2], [...f32(0.1, -1e10)]],
        i64: ['I64', [2], [-3, 2 ** 40]],
        i32: ['I32', [1, 1], [7]],
        u8: ['U8', [2], [0, 255]],
        scalar: ['F32', [], [4]],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
