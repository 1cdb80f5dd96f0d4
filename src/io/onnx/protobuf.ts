/**
 * The protobuf wire format, as much of it as ONNX needs: a bounds-checked
 * reader and a growable writer over Uint8Array. Platform-free.
 *
 * Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (3/4, the
 * deprecated groups, are refused). Every read checks that it stays inside the
 * current message, so a truncated or hostile file raises an OnnxError naming
 * the field instead of reading garbage or allocating a huge buffer.
 *
 * @example
 * const r = new ProtoReader(bytes, 'model.onnx');
 * while (r.more()) { const [field, wire] = r.tag(); if (field === 7) graph = r.bytes(); else r.skip(wire); }
 */
import { OnnxError } from './onnx-error.js';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();

/** Reads one message (or a sub-range of one); `what` names it in errors. */
export class ProtoReader {
  pos: number;
  readonly end: number;

  constructor(readonly buf: Uint8Array, readonly source: string, readonly what = 'ModelProto', start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  private fail(problem: string): never {
    throw new OnnxError(this.source, `${this.what}: ${problem} (at byte ${this.pos})`);
  }

  more(): boolean {
    return this.pos < this.end;
  }

  /** The next field number and wire type. */
  tag(): [number, number] {
    const t = this.varint();
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field < 1) this.fail(`invalid field number ${field}`);
    return [field, wire];
  }

  /** An unsigned varint as a number (exact up to 2^53; larger values are refused). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail('varint larger than 2^53');
        return result;
      }
      mul *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A signed int64 varint (two's complement, as protobuf's int64). */
  int64(): number {
    const start = this.pos;
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.buf[this.pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        const s = BigInt.asIntN(64, v);
        if (s > BigInt(Number.MAX_SAFE_INTEGER) || s < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.pos = start;
          this.fail('int64 value out of the safe integer range');
        }
        return Number(s);
      }
      shift += 7n;
    }
    return this.fail('varint longer than 10 bytes');
  }

  float32(): number {
    if (this.pos + 4 > this.end) this.fail('truncated fixed32');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  float64(): number {
    if (this.pos + 8 > this.end) this.fail('truncated fixed64');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** The [start, end) of a length-delimited field, checked against the message end. */
  span(): [number, number] {
    const len = this.varint();
    if (len > this.end - this.pos) this.fail(`length ${len} runs past the end of the data (${this.end - this.pos} bytes left)`);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  /** A view (not a copy) of a length-delimited field. */
  bytes(): Uint8Array {
    const [s, e] = this.span();
    return this.buf.subarray(s, e);
  }

  string(): string {
    return decoder.decode(this.bytes());
  }

  /** A reader for an embedded message. */
  message(what: string): ProtoReader {
    const [s, e] = this.span();
    return new ProtoReader(this.buf, this.source, what, s, e);
  }

  /** Repeated int64: packed (wire 2) or one value (wire 0). */
  int64s(wire: number, into: number[]): void {
    if (wire === WIRE_VARINT) {
      into.push(this.int64());
      return;
    }
    this.expect(wire, WIRE_LEN, 'repeated int64');
    const sub = this.message(this.what);
    while (sub.more()) into.push(sub.int64());
  }

  /** Repeated float: packed (wire 2) or one value (wire 5). */
  floats(wire: number, into: number[]): void {
    if (wire === WIRE_I32) {
      into.push(this.float32());
      return;
    }
    this.expect(wire, WIRE_LEN, 'repeated float');
    const sub = this.message(this.what);
    while (sub.more()) into.push(sub.float32());
  }

  /** Throws unless the field has the wire type its schema says. */
  expect(wire: number, want: number, field: string): void {
    if (wire !== want) this.fail(`field ${field} has wire type ${wire}, expected ${want}`);
  }

  /** Skips a field of an unknown or unneeded number. */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_I64) this.advance(8);
    else if (wire === WIRE_LEN) this.span();
    else if (wire === WIRE_I32) this.advance(4);
    else this.fail(`unsupported wire type ${wire}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) this.fail('truncated fixed-width field');
    this.pos += n;
  }
}

/** Builds one message; nested messages are written by a child writer and appended with `message`. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private cur = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.cur.length) return;
    this.chunks.push(this.cur.subarray(0, this.len));
    this.cur = new Uint8Array(Math.max(n, 4096));
    this.len = 0;
  }

  private rawVarint(v: bigint | number): void {
    this.ensure(10);
    if (typeof v === 'number' && v >= 0 && v <= 0x7fffffff) {
      while (v > 127) {
        this.cur[this.len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.cur[this.len++] = v;
    } else {
      let b = BigInt.asUintN(64, BigInt(v));
      while (b > 127n) {
        this.cur[this.len++] = Number(b & 0x7fn) | 0x80;
        b >>= 7n;
      }
      this.cur[this.len++] = Number(b);
    }
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  int64(field: number, v: number): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(v);
    return this;
  }

  float32(field: number, v: number): this {
    this.tag(field, WIRE_I32);
    this.ensure(4);
    new DataView(this.cur.buffer, this.cur.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(b.length);
    this.append(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, encoder.encode(s));
  }

  message(field: number, w: ProtoWriter): this {
    return this.bytes(field, w.finish());
  }

  /** Packed repeated int64. */
  int64s(field: number, vs: readonly number[]): this {
    const w = new ProtoWriter();
    for (const v of vs) w.rawVarint(v);
    return this.bytes(field, w.finish());
  }

  /** Packed repeated float. */
  floats(field: number, vs: readonly number[]): this {
    const f = new Float32Array(vs);
    return this.bytes(field, littleEndianBytes(f));
  }

  private append(b: Uint8Array): void {
    if (b.length > 4096) {
      this.chunks.push(this.cur.subarray(0, this.len), b);
      this.cur = new Uint8Array(256);
      this.len = 0;
      return;
    }
    this.ensure(b.length);
    this.cur.set(b, this.len);
    this.len += b.length;
  }

  finish(): Uint8Array {
    const parts = [...this.chunks, this.cur.subarray(0, this.len)];
    const size = parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of float32 values (ONNX raw_data is little-endian). */
export function littleEndianBytes(f: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  const out = new Uint8Array(f.length * 4);
  const dv = new DataView(out.buffer);
  f.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}
