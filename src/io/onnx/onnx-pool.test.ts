// ONNX MaxPool / AveragePool (and the Reduce* operators) import against ONNX Runtime on every attribute combination fovea's own
// layers cannot take directly (uneven and SAME pads, pads wider than half the kernel, ceil_mode with
// both count_include_pad rules, dilations), and natively where they can.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { noGrad } from '../../tensor/grad-mode.js';
import { randn } from '../../tensor/ops/creation.js';
import { manualSeed } from '../../util/random.js';
import { loadOnnx } from './load-onnx.js';
import { AT, DT, encodeOnnxModel, type OnnxAttribute } from './onnx-proto.js';

const ints = (name: string, v: number[]): OnnxAttribute => ({ name, type: AT.INTS, ints: v });
const int = (name: string, v: number): OnnxAttribute => ({ name, type: AT.INT, i: v });
const str = (name: string, v: string): OnnxAttribute => ({ name, type: AT.STRING, s: v });

function poolModel(op: string, attrs: OnnxAttribute[], opset: number, dims: number[]): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8, producerName: 'test', opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g', initializers: [], nodes: [{ name: 'p', opType: op, domain: '', inputs: ['x'], outputs: ['y'], attributes: attrs }],
      inputs: [{ name: 'x', elemType: DT.FLOAT, dims: ['N', ...dims] }], outputs: [{ name: 'y', elemType: DT.FLOAT, dims: null }],
    },
  });
}

const CASES: [string, string, OnnxAttribute[]][] = [
  ['avg k3 pads 2 (wider than half the kernel), exclude pad', 'AveragePool', [ints('kernel_shape', [3, 3]), ints('pads', [2, 2, 2, 2])]],
  ['avg k3 pads 2, include pad', 'AveragePool', [ints('kernel_shape', [3, 3]), ints('pads', [2, 2, 2, 2]), int('count_include_pad', 1)]],
  ['avg k3 s2 uneven pads [0, 1, 1, 0], exclude pad', 'AveragePool', [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [0, 1, 1, 0])]],
  ['avg k3 s2 uneven pads, include pad, ceil', 'AveragePool', [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 0, 0, 1]), int('count_include_pad', 1), int('ceil_mode', 1)]],
  ['avg k2 s2 SAME_UPPER, exclude pad (TensorFlow style)', 'AveragePool', [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), str('auto_pad', 'SAME_UPPER')]],
  ['avg k3 s2 SAME_LOWER, include pad', 'AveragePool', [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), str('auto_pad', 'SAME_LOWER'), int('count_include_pad', 1)]],
  ['avg k3 s2 pads 1 ceil, exclude pad (native)', 'AveragePool', [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), int('ceil_mode', 1)]],
  ['avg k3 s2 pads 1 ceil, include pad (native)', 'AveragePool', [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), int('ceil_mode', 1), int('count_include_pad', 1)]],
  ['avg k2 s3 ceil, no pads', 'AveragePool', [ints('kernel_shape', [2, 2]), ints('strides', [3, 3]), int('ceil_mode', 1)]],
  ['max k3 s2 ceil (native)', 'MaxPool', [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), int('ceil_mode', 1)]],
  ['max k3 dilation 2 pads 1 (native)', 'MaxPool', [ints('kernel_shape', [3, 3]), ints('dilations', [2, 2]), ints('pads', [1, 1, 1, 1])]],
  ['max k2 dilation [2, 3] uneven pads ceil', 'MaxPool', [ints('kernel_shape', [2, 2]), ints('strides', [2, 2]), ints('dilations', [2, 3]), ints('pads', [0, 1, 1, 0]), int('ceil_mode', 1)]],
  ['max k3 s2 SAME_UPPER', 'MaxPool', [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), str('auto_pad', 'SAME_UPPER')]],
  ['max k3 pads 2 (wider than half the kernel)', 'MaxPool', [ints('kernel_shape', [3, 3]), ints('pads', [2, 2, 2, 2])]],
];

for (const [name, op, attrs] of CASES) {
  test(`${op} ${name}: fovea gives ONNX Runtime's output`, async () => {
    manualSeed(7);
    const dims = [2, 11, 10];
    const bytes = poolModel(op, attrs, 13, dims);
    const x = randn([2, ...dims]);
    const session = await ort.InferenceSession.create(bytes);
    const want = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(x.data), x.shape) }))['y']!;
    const { model } = loadOnnx(bytes, `${name}.onnx`);
    const y = noGrad(() => model.forward(x));
    assert.deepEqual(y.shape, [...want.dims]);
    const got = want.data as Float32Array;
    const err = y.toArray().reduce((m, v, i) => Math.max(m, Math.abs(v - got[i]!)), 0);
    assert.ok(err < 1e-5, `largest difference from ONNX Runtime ${err}`);
  });
}

test('AveragePool with dilations is refused naming them', () => {
  const bytes = poolModel('AveragePool', [ints('kernel_shape', [2, 2]), ints('dilations', [2, 2])], 19, [1, 6, 6]);
  assert.throws(() => loadOnnx(bytes, 'a.onnx'), /node 'p' \(AveragePool\): dilations \[2, 2\] on AveragePool are not supported/);
});

test('ReduceSum (axes input, noop_with_empty_axes set), ReduceMax and ReduceMean (axes attribute, keepdims 0) match ONNX Runtime', async () => {
  manualSeed(9);
  const x = randn([2, 3, 5, 4]);
  const node = (name: string, op: string, inputs: string[], output: string, attributes: OnnxAttribute[]) => ({ name, opType: op, domain: '', inputs, outputs: [output], attributes });
  const bytes = encodeOnnxModel({
    irVersion: 8, producerName: 'test', opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g', initializers: [{ name: 'axes', dims: [1], dataType: DT.INT64, data: [3] }],
      nodes: [
        node('s', 'ReduceSum', ['x', 'axes'], 's', [int('keepdims', 1), int('noop_with_empty_axes', 0)]),
        node('m', 'ReduceMax', ['s'], 'm', [ints('axes', [-2]), int('keepdims', 0)]),
        node('a', 'ReduceMean', ['m'], 'y', [ints('axes', [2]), int('keepdims', 1)]),
      ],
      inputs: [{ name: 'x', elemType: DT.FLOAT, dims: ['N', 3, 5, 4] }], outputs: [{ name: 'y', elemType: DT.FLOAT, dims: null }],
    },
  });
  const session = await ort.InferenceSession.create(bytes);
  const want = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(x.data), x.shape) }))['y']!;
  const y = noGrad(() => loadOnnx(bytes, 'reduce.onnx').model.forward(x));
  assert.deepEqual(y.shape, [...want.dims]);
  const err = y.toArray().reduce((m, v, i) => Math.max(m, Math.abs(v - (want.data as Float32Array)[i]!)), 0);
  assert.ok(err < 1e-5, `largest difference from ONNX Runtime ${err}`);
});
