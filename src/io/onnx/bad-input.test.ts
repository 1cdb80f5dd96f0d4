// Truncated, malformed and hostile ONNX files: a clear OnnxError, never a crash,
// a huge allocation or a read outside the model's folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lenet } from '../../nn/models.js';
import { exportOnnx } from './export-onnx.js';
import { loadOnnx } from './load-onnx.js';
import { loadOnnxFile } from './onnx-file-node.js';
import { OnnxError } from './onnx-error.js';
import { DT, decodeOnnxModel, encodeOnnxModel, type OnnxNode, type OnnxTensor } from './onnx-proto.js';
import { ProtoWriter } from './protobuf.js';

const rejects = (bytes: Uint8Array, re: RegExp, source = 'bad.onnx'): void => {
  assert.throws(() => loadOnnx(bytes, source), (e: unknown) => e instanceof OnnxError && re.test(e.message) && e.message.startsWith(source), `expected ${re}`);
};

const relu = (name: string, input: string, output: string): OnnxNode => ({ name, opType: 'Relu', domain: '', inputs: [input], outputs: [output], attributes: [] });

function model(nodes: OnnxNode[], initializers: OnnxTensor[] = [], output = 'y'): Uint8Array {
  return encodeOnnxModel({
    irVersion: 7, producerName: 'test', opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'g', nodes, initializers, inputs: [{ name: 'x', elemType: DT.FLOAT, dims: ['N', 1, 4, 4] }], outputs: [{ name: output, elemType: DT.FLOAT, dims: null }] },
  });
}

test('a hand-built graph loads, and the protobuf round trip keeps negative int64s and dim_params', () => {
  const bytes = model([relu('r', 'x', 'y')]);
  const m = decodeOnnxModel(bytes, 'g.onnx');
  assert.deepEqual(m.graph.inputs[0]!.dims, ['N', 1, 4, 4]);
  const w = new ProtoWriter().int64(3, -1).int64s(8, [-2, 5, 2 ** 40]);
  const back = decodeOnnxModel(new ProtoWriter().message(7, new ProtoWriter().message(1, new ProtoWriter().message(5, w))).finish(), 'a.onnx');
  assert.equal(back.graph.nodes[0]!.attributes[0]!.i, -1);
  assert.deepEqual(back.graph.nodes[0]!.attributes[0]!.ints, [-2, 5, 2 ** 40]);
  assert.equal(loadOnnx(bytes, 'g.onnx').model.outputShape([2, 1, 4, 4]).join(), '2,1,4,4');
});

test('truncated files and wrong wire types are OnnxErrors naming the problem', () => {
  const good = exportOnnx(lenet(), { inputShape: [1, 28, 28] });
  for (const cut of [1, 7, 100, good.length >> 1, good.length - 3]) rejects(good.subarray(0, cut), /truncated|past the end|no graph|wire type|field/);
  rejects(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f]), /length \d+ runs past the end/);
  rejects(new Uint8Array([0x38, 0x01]), /field graph has wire type 0, expected 2/);
  rejects(new Uint8Array([0x0b]), /field ir_version has wire type 3, expected 0/);
  rejects(new Uint8Array([0x7b]), /unsupported wire type 3/);
  rejects(new TextEncoder().encode('{"not": "onnx"}'), /OnnxError|wire type|past the end|truncated|no graph|field/);
});

test('absurd dims and data that does not match its dims are refused before any allocation', () => {
  const huge: OnnxTensor = { name: 'w', dims: [1 << 20, 1 << 20], dataType: DT.FLOAT, data: new Float32Array(4) };
  rejects(model([relu('r', 'x', 'y')], [huge]), /tensor 'w'.*exceed the limit/);
  const short: OnnxTensor = { name: 'w', dims: [2, 3], dataType: DT.FLOAT, data: new Float32Array(5) };
  rejects(model([relu('r', 'x', 'y')], [short]), /tensor 'w': raw_data has 20 bytes but dims hold 6 elements/);
  const neg = new ProtoWriter().int64s(1, [-5]).int64(2, DT.FLOAT).string(8, 'n');
  const bytes = new ProtoWriter().message(7, new ProtoWriter().message(5, neg)).finish();
  rejects(bytes, /tensor 'n': invalid dimension -5/);
});

test('cycles, missing inputs and unsupported operators name the nodes', () => {
  rejects(model([relu('a', 'b_out', 'a_out'), relu('b', 'a_out', 'b_out'), relu('c', 'x', 'y')]), /cycle through nodes 'a', 'b'/);
  rejects(model([relu('a', 'nowhere', 'y')]), /node 'a' \(Relu\) uses 'nowhere', which no node/);
  const lrn: OnnxNode = { name: 'norm1', opType: 'LRN', domain: '', inputs: ['x'], outputs: ['y'], attributes: [] };
  rejects(model([lrn]), /node 'norm1' \(LRN\): unsupported operator 'LRN'; supported: Conv, ConvTranspose, Gemm, MatMul,.*Reshape/);
  rejects(model([relu('a', 'x', 'y')], [], 'z'), /graph output 'z' is not computed/);
  const conv: OnnxNode = { name: 'c1', opType: 'Conv', domain: '', inputs: ['x', 'x'], outputs: ['y'], attributes: [] };
  rejects(model([conv]), /node 'c1' \(Conv\): input 1 \('x'\) must be a constant/);
});

test('dynamic input dims need inputShape; a wrong one is refused', () => {
  const bytes = encodeOnnxModel({
    irVersion: 7, producerName: 't', opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'g', nodes: [relu('r', 'x', 'y')], initializers: [], inputs: [{ name: 'x', elemType: 1, dims: ['N', 3, 'H', 'W'] }], outputs: [{ name: 'y', elemType: 1, dims: null }] },
  });
  rejects(bytes, /dynamic dims \[N, 3, H, W\]; give inputShape/);
  assert.deepEqual(loadOnnx(bytes, 'd.onnx', { inputShape: [3, 8, 8] }).inputShape, [3, 8, 8]);
  assert.throws(() => loadOnnx(bytes, 'd.onnx', { inputShape: [1, 8, 8] }), /does not match/);
});

test('external data is read from the model folder only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-onnx-'));
  mkdirSync(join(dir, 'm'));
  writeFileSync(join(dir, 'secret.bin'), new Uint8Array(64));
  writeFileSync(join(dir, 'm', 'w.bin'), new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
  // written field by field: the graph's one initializer 'b' lives at bytes [4, 8) of `location`
  const withExternal = (location: string): Uint8Array => {
    const t = new ProtoWriter().int64s(1, [1]).int64(2, DT.FLOAT).string(8, 'b')
      .message(13, new ProtoWriter().string(1, 'location').string(2, location))
      .message(13, new ProtoWriter().string(1, 'offset').string(2, '4'))
      .message(13, new ProtoWriter().string(1, 'length').string(2, '4')).int64(14, 1);
    const graph = new ProtoWriter().message(1, new ProtoWriter().string(1, 'x').string(1, 'b').string(2, 'y').string(3, 'add').string(4, 'Add'))
      .message(5, t)
      .message(11, new ProtoWriter().string(1, 'x').message(2, new ProtoWriter().message(1, new ProtoWriter().int64(1, 1).message(2, new ProtoWriter()
        .message(1, new ProtoWriter().string(2, 'N')).message(1, new ProtoWriter().int64(1, 1)).message(1, new ProtoWriter().int64(1, 2)).message(1, new ProtoWriter().int64(1, 2))))))
      .message(12, new ProtoWriter().string(1, 'y'));
    return new ProtoWriter().int64(1, 7).message(7, graph).message(8, new ProtoWriter().int64(2, 13)).finish();
  };
  writeFileSync(join(dir, 'm', 'ok.onnx'), withExternal('w.bin'));
  const { model: m } = loadOnnxFile(join(dir, 'm', 'ok.onnx'));
  assert.equal(m.constant([...m.namedBuffers()][0]![0])!.data[0], 2);
  for (const bad of ['../secret.bin', '/etc/passwd', 'sub/../../secret.bin']) {
    writeFileSync(join(dir, 'm', 'bad.onnx'), withExternal(bad));
    assert.throws(() => loadOnnxFile(join(dir, 'm', 'bad.onnx')), /points outside the model's folder/);
  }
  assert.throws(() => loadOnnx(withExternal('w.bin'), 'mem.onnx'), /external file 'w.bin'; load the model by path/);
});

test('an attribute the converter does not read is refused by name, never dropped', () => {
  const withAttr = (name: string, i: number): OnnxNode => ({ ...relu('r', 'x', 'y'), attributes: [{ name, type: 2, i }] });
  // opset 5's Relu took consumed_inputs; fovea does not, so it says so
  rejects(model([withAttr('consumed_inputs', 1)]), /node 'r' \(Relu\): attribute 'consumed_inputs' is not supported by fovea's Relu converter/);
  const pool: OnnxNode = {
    name: 'p', opType: 'MaxPool', domain: '', inputs: ['x'], outputs: ['y'],
    attributes: [{ name: 'kernel_shape', type: 7, ints: [2, 2] }, { name: 'future_option', type: 2, i: 3 }, { name: 'other', type: 2, i: 0 }],
  };
  rejects(model([pool]), /node 'p' \(MaxPool\): attribute 'future_option', 'other' is not supported/);
  // read and honoured: loads
  pool.attributes = [{ name: 'kernel_shape', type: 7, ints: [2, 2] }, { name: 'dilations', type: 7, ints: [2, 2] }, { name: 'ceil_mode', type: 2, i: 1 }];
  assert.deepEqual(loadOnnx(model([pool]), 'p.onnx').model.outputShape([1, 1, 4, 4]), [1, 1, 2, 2]);
});
