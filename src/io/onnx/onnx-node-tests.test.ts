// The ONNX project's own backend node tests for the CNN operators (test/fixtures/onnx-node/, copied from
// Debian's libonnx-testdata by scripts/gen-onnx-node-fixtures.sh): every case either gives the expected
// output or is refused with an error naming what fovea does not do. Nothing is silently wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noGrad } from '../../tensor/grad-mode.js';
import { tensor } from '../../tensor/ops/creation.js';
import { OnnxError } from './onnx-error.js';
import { loadOnnx } from './load-onnx.js';
import { DT, decodeOnnxModel, decodeOnnxTensor, encodeOnnxModel, type OnnxTensor } from './onnx-proto.js';

type NodeCaseOutcome =
  | { kind: 'match'; maxError: number }
  | { kind: 'wrong'; maxError: number; detail: string }
  | { kind: 'refused'; message: string };

const numel = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

/**
 * Loads the case in folder `dir` (named `name`) and compares fovea's first output with the expected one.
 * The graph's other inputs become initializers (fovea models take one image input), and a non-image
 * input [d0, ...] is fed as [d0, rest, 1, 1] and reshaped back: dim 0 plays the batch.
 */
function runNodeCase(dir: string, name: string): NodeCaseOutcome {
  const model = decodeOnnxModel(readFileSync(join(dir, 'model.onnx')), `${name}/model.onnx`);
  const data = join(dir, 'test_data_set_0');
  const files = readdirSync(data);
  const tensorOf = (f: string): OnnxTensor => decodeOnnxTensor(readFileSync(join(data, f)), `${name}/${f}`);
  const inputs = files.filter((f) => f.startsWith('input_')).sort((a, b) => parseInt(a.slice(6), 10) - parseInt(b.slice(6), 10)).map(tensorOf);
  const expected = tensorOf('output_0.pb');
  const g = model.graph;
  const inits = new Set(g.initializers.map((t) => t.name));
  const runtime = g.inputs.filter((v) => !inits.has(v.name));
  runtime.slice(1).forEach((v, i) => g.initializers.push({ ...inputs[i + 1]!, name: v.name }));
  const x = inputs[0]!;
  const first = runtime[0]!;
  g.inputs = g.inputs.filter((v) => v === first || inits.has(v.name));
  if (x.dims.length !== 4) {
    // an image-shaped input [d0, rest, 1, 1], reshaped to the test's input
    const wrapped = `${first.name}__image`;
    const shapeName = `${first.name}__shape`;
    g.initializers.push({ name: shapeName, dims: [x.dims.length], dataType: DT.INT64, data: [...x.dims] });
    g.nodes.unshift({ name: 'harness_reshape', opType: 'Reshape', domain: '', inputs: [wrapped, shapeName], outputs: [first.name], attributes: [] });
    g.inputs = g.inputs.map((v) => (v === first ? { name: wrapped, elemType: 1, dims: [x.dims[0] ?? 1, numel(x.dims.slice(1)), 1, 1] } : v));
  }
  const shape4 = x.dims.length === 4 ? x.dims : [x.dims[0] ?? 1, numel(x.dims.slice(1)), 1, 1];
  let y: Float32Array;
  let yShape: readonly number[];
  try {
    const { model: m } = loadOnnx(encodeOnnxModel(model), name);
    const out = noGrad(() => m.forward(tensor(Float32Array.from(x.data ?? []), shape4)));
    y = out.data;
    yShape = out.shape;
  } catch (e) {
    if (e instanceof OnnxError) return { kind: 'refused', message: e.message };
    throw e;
  }
  const want = Float32Array.from(expected.data ?? []);
  if (numel(yShape) !== want.length || (expected.dims.length && yShape.join() !== expected.dims.join())) {
    return { kind: 'wrong', maxError: Infinity, detail: `output shape [${yShape.join(', ')}], expected [${expected.dims.join(', ')}]` };
  }
  let maxError = 0;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs(y[i]! - want[i]!) / (1e-3 + Math.abs(want[i]!));
    maxError = Math.max(maxError, Number.isNaN(e) ? Infinity : e);
  }
  return maxError <= 1e-4 ? { kind: 'match', maxError } : { kind: 'wrong', maxError, detail: `largest relative error ${maxError.toExponential(2)}` };
}

const dir = fileURLToPath(new URL('../../../test/fixtures/onnx-node/', import.meta.url));

/** The cases fovea refuses, and what the refusal must say. Every other case must match. */
const REFUSED: Record<string, RegExp> = {
  // a per-sample model cannot reduce, slice, split, squeeze or reshape across the batch (the harness feeds dim 0 as it)
  test_gemm_all_attributes: /Gemm.*transA=1 would contract over dim 0 of A \[N, 3\], the batch/,
  test_gemm_transposeA: /Gemm.*transA=1 would contract over dim 0 of A \[N, 3\], the batch/,
  test_gemm_default_matrix_bias: /Gemm.*C \[3, 4\] is not a bias fovea can apply to every sample/,
  test_layer_normalization_4d_axis0: /LayerNormalization.*axis=0 normalises over the batch dim/,
  test_layer_normalization_4d_axis_negative_4: /LayerNormalization.*axis=0 normalises over the batch dim/,
  test_reduce_max_default_axes_keepdim_example: /ReduceMax.*axes \[0, 1, 2\] include dim 0/,
  test_reduce_max_default_axes_keepdims_random: /ReduceMax.*axes \[0, 1, 2\] include dim 0/,
  test_reduce_mean_default_axes_keepdims_example: /ReduceMean.*axes \[0, 1, 2\] include dim 0/,
  test_reduce_mean_default_axes_keepdims_random: /ReduceMean.*axes \[0, 1, 2\] include dim 0/,
  test_reduce_sum_default_axes_keepdims_example: /ReduceSum.*axes \[0, 1, 2\] include dim 0/,
  test_reduce_sum_default_axes_keepdims_random: /ReduceSum.*axes \[0, 1, 2\] include dim 0/,
  test_reshape_negative_extended_dims: /Reshape.*target shape \[-1, 2, 3, 4\] changes dim 0, the batch, of \[N, 3, 4\]/,
  test_reshape_one_dim: /Reshape.*target shape \[24\] changes dim 0/,
  test_reshape_reordered_all_dims: /Reshape.*target shape \[4, 2, 3\] changes dim 0/,
  test_slice: /Slice.*slices dim 0, the batch/,
  test_slice_default_axes: /Slice.*slices dim 0, the batch/,
  test_slice_default_steps: /Slice.*slices dim 0, the batch/,
  test_slice_negative_axes: /Slice.*slices dim 0, the batch/,
  test_split_equal_parts_default_axis: /Split.*axis=0 splits the batch/,
  test_split_variable_parts_default_axis: /Split.*axis=0 splits the batch/,
  test_split_zero_size_splits: /Split.*axis=0 splits the batch/,
  test_squeeze: /Squeeze.*axes \[0\] squeeze dim 0, the batch/,
  // attributes and operators fovea does not implement, named
  test_slice_neg_steps: /Slice.*steps \[-1, -3, -2\]: only step 1/,
  test_reshape_allowzero_reordered: /Reshape.*allowzero=1/,
  test_matmul_4d: /MatMul.*cannot multiply \[N, 2, 3, 4\] by \[1, 2, 4, 3\]/,
  test_instancenorm_epsilon: /unsupported operator 'InstanceNormalization'/,
  test_instancenorm_example: /unsupported operator 'InstanceNormalization'/,
  test_lrn: /unsupported operator 'LRN'/,
  test_lrn_default: /unsupported operator 'LRN'/,
  test_prelu_broadcast: /unsupported operator 'PRelu'/,
  test_prelu_example: /unsupported operator 'PRelu'/,
  // their input is int32 (the pad modes are tested on integers)
  test_edge_pad: /input 'x' has element type 6; only float32/,
  test_reflect_pad: /input 'x' has element type 6; only float32/,
};

const cases = readdirSync(dir).filter((n) => n.startsWith('test_')).sort();

test('the ONNX node-test fixtures are there (scripts/gen-onnx-node-fixtures.sh)', () => {
  assert.ok(cases.length >= 190, `${cases.length} cases in ${dir}`);
  for (const name of Object.keys(REFUSED)) assert.ok(cases.includes(name), `${name} is listed as refused but has no fixture`);
});

test('ONNX backend node tests (CNN operators): every output matches, or the import is refused naming why', (t) => {
  const wrong: string[] = [];
  let matched = 0;
  for (const name of cases) {
    const r = runNodeCase(`${dir}${name}`, name);
    const refusal = REFUSED[name];
    if (r.kind === 'wrong') wrong.push(`${name}: WRONG VALUES (${r.detail})`);
    else if (r.kind === 'refused' && !refusal) wrong.push(`${name}: refused, but fovea should run it: ${r.message}`);
    else if (r.kind === 'refused' && !refusal!.test(r.message)) wrong.push(`${name}: refused with '${r.message}', expected ${refusal}`);
    else if (r.kind === 'match' && refusal) wrong.push(`${name}: now matches; take it off the refused list`);
    else if (r.kind === 'match') matched++;
  }
  t.diagnostic(`${matched} of ${cases.length} cases match, ${Object.keys(REFUSED).length} refused as listed`);
  assert.deepEqual(wrong, []);
});

test('BatchNormalization training_mode=1 normalises with the batch statistics, not the running ones', () => {
  for (const name of ['test_batchnorm_example_training_mode', 'test_batchnorm_epsilon_training_mode']) {
    const r = runNodeCase(`${dir}${name}`, name);
    assert.equal(r.kind, 'match', JSON.stringify(r));
  }
});
