// An ONNX model declaring a huge input is refused at import, with the size and
// the limit, not when predict allocates its first activation (issue 14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lenet } from '../../nn/models.js';
import { exportOnnx } from './export-onnx.js';
import { loadOnnx } from './load-onnx.js';
import { OnnxError } from './onnx-error.js';
import { decodeOnnxModel, encodeOnnxModel } from './onnx-proto.js';

test('an input of 65536 x 65536 is refused at import, naming the input, its size and the limit', () => {
  const m = decodeOnnxModel(exportOnnx(lenet(), { inputShape: [1, 28, 28] }), 'lenet.onnx');
  m.graph.inputs[0]!.dims = ['N', 1, 65_536, 65_536];
  assert.throws(() => loadOnnx(encodeOnnxModel(m), 'big.onnx'), (e: unknown) => e instanceof OnnxError &&
    e.message === "big.onnx: input 'input' of [1, 65536, 65536] needs 16.0 GiB per image, above the limit of 1.0 GiB");
  m.graph.inputs[0]!.dims = ['N', 'C', 'H', 'W']; // dynamic: the size given at import is checked the same way
  assert.throws(() => loadOnnx(encodeOnnxModel(m), 'dyn.onnx', { inputShape: [3, 20_000, 20_000] }), /dyn\.onnx: input 'input' of \[3, 20000, 20000\] needs 4\.5 GiB per image/);
});
