/**
 * The subset of the ONNX protobuf schema (onnx/onnx.proto3) that a CNN needs,
 * decoded to and encoded from plain objects: ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto (raw_data, float_data, int32_data,
 * int64_data, double_data, external data), ValueInfoProto/TypeProto with
 * dim_value and dim_param, OperatorSetIdProto, and the model's producer and
 * metadata_props. Unknown fields are skipped.
 * Platform-free: bytes in, bytes out.
 *
 * @example
 * const model = decodeOnnxModel(bytes, 'resnet.onnx');
 * model.graph.nodes.map((n) => n.opType);   // ['Conv', 'Relu', ...]
 */
import { OnnxError } from './onnx-error.js';
import { ProtoReader, ProtoWriter, WIRE_LEN, WIRE_VARINT, WIRE_I32, littleEndianBytes } from './protobuf.js';

/** TensorProto.DataType values fovea reads. */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;
/** AttributeProto.AttributeType values. */
export const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** No tensor in a model fovea loads may hold more elements than this (1 GiB of float32). */
export const MAX_ELEMENTS = 2 ** 28;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** Values as float32 (FLOAT, DOUBLE) or numbers (integer types); null for external or unsupported data. */
  data: Float32Array | number[] | null;
  /** Where the data lives when it is stored outside the model file. */
  external?: { location: string; offset: number; length: number | null };
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: string[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** Each dim is a size or a symbolic name (dim_param, e.g. 'N'); null when the shape is unknown. */
  dims: (number | string)[] | null;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion?: string;
  /** ModelProto.metadata_props (field 14), in file order; a repeated key is kept as often as it appears. */
  metadataProps?: Array<[string, string]>;
  opsetImport: { domain: string; version: number }[];
  graph: OnnxGraph;
}

/** Product of dims, refusing negative, non-integer or absurd sizes (checked before any allocation). */
export function checkedNumel(dims: readonly number[], source: string, what: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new OnnxError(source, `${what}: invalid dimension ${d} in dims [${dims.join(', ')}]`);
    n *= d;
    if (n > MAX_ELEMENTS) throw new OnnxError(source, `${what}: dims [${dims.join(', ')}] exceed the limit of ${MAX_ELEMENTS} elements`);
  }
  return n;
}

function decodeRaw(raw: Uint8Array, dataType: number, count: number, source: string, what: string): Float32Array | number[] | null {
  const size = dataType === DT.FLOAT || dataType === DT.INT32 ? 4 : dataType === DT.INT64 || dataType === DT.DOUBLE ? 8 : dataType === DT.FLOAT16 ? 2 : 1;
  if (raw.length !== count * size) {
    throw new OnnxError(source, `${what}: raw_data has ${raw.length} bytes but dims hold ${count} elements of ${size} bytes (${count * size})`);
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dataType) {
    case DT.FLOAT: {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
      return out;
    }
    case DT.DOUBLE: return Float32Array.from({ length: count }, (_, i) => dv.getFloat64(i * 8, true));
    case DT.INT64: return Array.from({ length: count }, (_, i) => Number(dv.getBigInt64(i * 8, true)));
    case DT.INT32: return Array.from({ length: count }, (_, i) => dv.getInt32(i * 4, true));
    case DT.UINT8: case DT.BOOL: return Array.from(raw);
    case DT.INT8: return Array.from(raw, (b) => (b << 24) >> 24);
    default: return null;
  }
}

/** Converts raw little-endian bytes of an external tensor, checking their size. */
export function tensorFromRaw(t: OnnxTensor, raw: Uint8Array, source: string): Float32Array | number[] | null {
  return decodeRaw(raw, t.dataType, checkedNumel(t.dims, source, `tensor '${t.name}'`), source, `tensor '${t.name}'`);
}

/** A StringStringEntryProto: key (1), value (2). */
function decodeEntry(e: ProtoReader): [string, string] {
  let k = '', v = '';
  while (e.more()) {
    const [ef, ew] = e.tag();
    if (ef === 1 && ew === WIRE_LEN) k = e.string();
    else if (ef === 2 && ew === WIRE_LEN) v = e.string();
    else e.skip(ew);
  }
  return [k, v];
}

function decodeTensor(r: ProtoReader): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, data: null };
  let raw: Uint8Array | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  const doubles: number[] = [];
  const ext: Record<string, string> = {};
  let location = 0;
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) r.int64s(w, t.dims);
    else if (f === 2) { r.expect(w, WIRE_VARINT, 'data_type'); t.dataType = r.varint(); }
    else if (f === 4) r.floats(w, floats);
    else if (f === 5 || f === 7) r.int64s(w, ints);
    else if (f === 8) { r.expect(w, WIRE_LEN, 'name'); t.name = r.string(); }
    else if (f === 9) { r.expect(w, WIRE_LEN, 'raw_data'); raw = r.bytes(); }
    else if (f === 10) {
      if (w === WIRE_LEN) { const s = r.message(r.what); while (s.more()) doubles.push(s.float64()); } else doubles.push(r.float64());
    } else if (f === 13) {
      r.expect(w, WIRE_LEN, 'external_data');
      const [k, v] = decodeEntry(r.message('StringStringEntryProto'));
      ext[k] = v;
    } else if (f === 14) { r.expect(w, WIRE_VARINT, 'data_location'); location = r.varint(); }
    else r.skip(w);
  }
  const what = `tensor '${t.name}'`;
  const count = checkedNumel(t.dims, r.source, what);
  if (location === 1) {
    const loc = ext['location'];
    if (loc === undefined) throw new OnnxError(r.source, `${what}: external data without a 'location'`);
    const num = (k: string): number | null => {
      const v = ext[k];
      if (v === undefined) return null;
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new OnnxError(r.source, `${what}: external data ${k} '${v}' is not a valid byte count`);
      return n;
    };
    t.external = { location: loc, offset: num('offset') ?? 0, length: num('length') };
    return t;
  }
  if (raw) t.data = decodeRaw(raw, t.dataType, count, r.source, what);
  else {
    const vals = t.dataType === DT.FLOAT ? floats : t.dataType === DT.DOUBLE ? doubles : ints;
    if (vals.length !== count) {
      throw new OnnxError(r.source, `${what}: holds ${vals.length} values but dims [${t.dims.join(', ')}] need ${count}`);
    }
    t.data = t.dataType === DT.FLOAT || t.dataType === DT.DOUBLE ? Float32Array.from(vals) : vals;
  }
  return t;
}

function decodeAttribute(r: ProtoReader): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0 };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) { r.expect(w, WIRE_LEN, 'name'); a.name = r.string(); }
    else if (f === 2) { r.expect(w, WIRE_I32, 'f'); a.f = r.float32(); }
    else if (f === 3) { r.expect(w, WIRE_VARINT, 'i'); a.i = r.int64(); }
    else if (f === 4) { r.expect(w, WIRE_LEN, 's'); a.s = r.string(); }
    else if (f === 5) { r.expect(w, WIRE_LEN, 't'); a.t = decodeTensor(r.message('TensorProto')); }
    else if (f === 7) r.floats(w, (a.floats ??= []));
    else if (f === 8) r.int64s(w, (a.ints ??= []));
    else if (f === 9) { r.expect(w, WIRE_LEN, 'strings'); (a.strings ??= []).push(r.string()); }
    else if (f === 20) { r.expect(w, WIRE_VARINT, 'type'); a.type = r.varint(); }
    else r.skip(w); // subgraphs (g, graphs) are not needed by any supported operator
  }
  return a;
}

function decodeNode(r: ProtoReader): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) { r.expect(w, WIRE_LEN, 'input'); n.inputs.push(r.string()); }
    else if (f === 2) { r.expect(w, WIRE_LEN, 'output'); n.outputs.push(r.string()); }
    else if (f === 3) { r.expect(w, WIRE_LEN, 'name'); n.name = r.string(); }
    else if (f === 4) { r.expect(w, WIRE_LEN, 'op_type'); n.opType = r.string(); }
    else if (f === 5) { r.expect(w, WIRE_LEN, 'attribute'); n.attributes.push(decodeAttribute(r.message('AttributeProto'))); }
    else if (f === 7) { r.expect(w, WIRE_LEN, 'domain'); n.domain = r.string(); }
    else r.skip(w);
  }
  return n;
}

function decodeValueInfo(r: ProtoReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, dims: null };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) { r.expect(w, WIRE_LEN, 'name'); v.name = r.string(); }
    else if (f === 2) {
      r.expect(w, WIRE_LEN, 'type');
      const tp = r.message('TypeProto');
      while (tp.more()) {
        const [tf, tw] = tp.tag();
        if (tf !== 1 || tw !== WIRE_LEN) { tp.skip(tw); continue; }
        const tt = tp.message('TypeProto.Tensor');
        while (tt.more()) {
          const [xf, xw] = tt.tag();
          if (xf === 1 && xw === WIRE_VARINT) v.elemType = tt.varint();
          else if (xf === 2 && xw === WIRE_LEN) v.dims = decodeShape(tt.message('TensorShapeProto'));
          else tt.skip(xw);
        }
      }
    } else r.skip(w);
  }
  return v;
}

function decodeShape(r: ProtoReader): (number | string)[] {
  const dims: (number | string)[] = [];
  while (r.more()) {
    const [f, w] = r.tag();
    if (f !== 1 || w !== WIRE_LEN) { r.skip(w); continue; }
    const d = r.message('TensorShapeProto.Dimension');
    let dim: number | string = '?';
    while (d.more()) {
      const [df, dw] = d.tag();
      if (df === 1 && dw === WIRE_VARINT) dim = d.int64();
      else if (df === 2 && dw === WIRE_LEN) dim = d.string();
      else d.skip(dw);
    }
    dims.push(dim);
  }
  return dims;
}

function decodeGraph(r: ProtoReader): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) { r.expect(w, WIRE_LEN, 'node'); g.nodes.push(decodeNode(r.message('NodeProto'))); }
    else if (f === 2) { r.expect(w, WIRE_LEN, 'name'); g.name = r.string(); }
    else if (f === 5) { r.expect(w, WIRE_LEN, 'initializer'); g.initializers.push(decodeTensor(r.message('TensorProto'))); }
    else if (f === 11) { r.expect(w, WIRE_LEN, 'input'); g.inputs.push(decodeValueInfo(r.message('ValueInfoProto'))); }
    else if (f === 12) { r.expect(w, WIRE_LEN, 'output'); g.outputs.push(decodeValueInfo(r.message('ValueInfoProto'))); }
    else r.skip(w);
  }
  return g;
}

/** Decodes a serialised TensorProto (a .pb file of the ONNX backend tests); `source` names it in errors. */
export function decodeOnnxTensor(bytes: Uint8Array, source: string): OnnxTensor {
  return decodeTensor(new ProtoReader(bytes, source));
}

/** Decodes the bytes of an .onnx file; `source` names it in errors. */
export function decodeOnnxModel(bytes: Uint8Array, source: string): OnnxModel {
  const r = new ProtoReader(bytes, source);
  const m: OnnxModel = { irVersion: 0, producerName: '', opsetImport: [], metadataProps: [], graph: { name: '', nodes: [], initializers: [], inputs: [], outputs: [] } };
  let hasGraph = false;
  while (r.more()) {
    const [f, w] = r.tag();
    if (f === 1) { r.expect(w, WIRE_VARINT, 'ir_version'); m.irVersion = r.int64(); }
    else if (f === 2) { r.expect(w, WIRE_LEN, 'producer_name'); m.producerName = r.string(); }
    else if (f === 3) { r.expect(w, WIRE_LEN, 'producer_version'); m.producerVersion = r.string(); }
    else if (f === 14) { r.expect(w, WIRE_LEN, 'metadata_props'); m.metadataProps!.push(decodeEntry(r.message('StringStringEntryProto'))); }
    else if (f === 7) { r.expect(w, WIRE_LEN, 'graph'); m.graph = decodeGraph(r.message('GraphProto')); hasGraph = true; }
    else if (f === 8) {
      r.expect(w, WIRE_LEN, 'opset_import');
      const o = r.message('OperatorSetIdProto');
      const op = { domain: '', version: 0 };
      while (o.more()) {
        const [of, ow] = o.tag();
        if (of === 1 && ow === WIRE_LEN) op.domain = o.string();
        else if (of === 2 && ow === WIRE_VARINT) op.version = o.int64();
        else o.skip(ow);
      }
      m.opsetImport.push(op);
    } else r.skip(w);
  }
  if (!hasGraph) throw new OnnxError(source, 'not an ONNX model: no graph (is the file truncated, or another format?)');
  return m;
}

function encodeTensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length) w.int64s(1, t.dims);
  w.int64(2, t.dataType).string(8, t.name);
  if (t.data instanceof Float32Array) w.bytes(9, littleEndianBytes(t.data));
  else if (t.data && t.dataType === DT.INT64) {
    const dv = new DataView(new ArrayBuffer(t.data.length * 8));
    t.data.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
    w.bytes(9, new Uint8Array(dv.buffer));
  }
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims ?? []) shape.message(1, typeof d === 'number' ? new ProtoWriter().int64(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int64(1, v.elemType);
  if (v.dims) tensorType.message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function encodeAttribute(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name);
  if (a.f !== undefined) w.float32(2, a.f);
  if (a.i !== undefined) w.int64(3, a.i);
  if (a.s !== undefined) w.string(4, a.s);
  if (a.t) w.message(5, encodeTensor(a.t));
  if (a.floats) w.floats(7, a.floats);
  if (a.ints) w.int64s(8, a.ints);
  for (const s of a.strings ?? []) w.string(9, s);
  return w.int64(20, a.type);
}

function encodeNode(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes) w.message(5, encodeAttribute(a));
  if (n.domain) w.string(7, n.domain);
  return w;
}

/** Encodes a model to the bytes of an .onnx file. */
export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const g = new ProtoWriter();
  for (const n of m.graph.nodes) g.message(1, encodeNode(n));
  g.string(2, m.graph.name);
  for (const t of m.graph.initializers) g.message(5, encodeTensor(t));
  for (const v of m.graph.inputs) g.message(11, encodeValueInfo(v));
  for (const v of m.graph.outputs) g.message(12, encodeValueInfo(v));
  const w = new ProtoWriter().int64(1, m.irVersion).string(2, m.producerName);
  if (m.producerVersion) w.string(3, m.producerVersion);
  w.message(7, g);
  for (const o of m.opsetImport) w.message(8, new ProtoWriter().string(1, o.domain).int64(2, o.version));
  for (const [k, v] of m.metadataProps ?? []) w.message(14, new ProtoWriter().string(1, k).string(2, v));
  return w.finish();
}
