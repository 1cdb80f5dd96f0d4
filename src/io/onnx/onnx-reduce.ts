/**
 * ONNX reductions and normalisations: ReduceMean / ReduceSum / ReduceMax over
 * axes (MNASNet's `x.mean([2, 3])`), LayerNormalization (ConvNeXt, opset 17),
 * and BatchNormalization in both of its modes: inference (running statistics,
 * a BatchNorm2d layer) and training_mode=1 (the batch's own statistics,
 * computed as the spec writes them: mean and population variance over N, H, W).
 */
import { BatchNorm2d } from '../../nn/batch-norm2d.js';
import { T, input4d, type Converter, type OpContext, type TensorValue, type Value } from './onnx-op-context.js';

/** The axes of a Reduce* node: an attribute, or (ReduceSum from opset 13, every Reduce* from 18) an input. */
function reduceAxes(c: OpContext, rank: number): number[] | null {
  const fromInput = c.opset >= 18 || (c.node.opType === 'ReduceSum' && c.opset >= 13);
  const axes = fromInput ? (c.has(1) ? Array.from(c.constant(1).data) : undefined) : c.attrInts('axes');
  const noop = c.attrI('noop_with_empty_axes', 0) === 1;
  if (axes?.length) return axes.map((a) => (a < 0 ? a + rank : a));
  // no axes: every dim, or none with noop_with_empty_axes
  return noop ? null : Array.from({ length: rank }, (_, i) => i);
}

export function reduce(op: 'mean' | 'sum' | 'max'): Converter {
  return (c) => {
    const x = c.tensor(0);
    const rank = x.shape.length;
    const keepdim = c.attrI('keepdims', 1) === 1;
    const axes = reduceAxes(c, rank);
    if (axes === null) return T(x);
    if (axes.some((a) => a < 0 || a >= rank)) c.fail(`axes [${axes.join(', ')}] are out of range for rank ${rank}`);
    if (axes.includes(0)) c.fail(`axes [${axes.join(', ')}] include dim 0, the batch: fovea models compute each sample on its own`);
    return T(c.fn(op, [x], { dims: axes, keepdim }));
  };
}

/** (x - mean) / sqrt(var + eps) over `dims`, with the biased (population) variance. */
function normalize(c: OpContext, x: TensorValue, dims: number[], eps: number): TensorValue {
  const mu = c.fn('mean', [x], { dims, keepdim: true });
  const d = c.fn('sub', [x, mu]);
  const v = c.fn('mean', [c.fn('mul', [d, d])], { dims, keepdim: true });
  const sd = c.fn('sqrt', [c.fn('add', [v, c.constTensor({ dims: [], data: Float32Array.of(eps) }, 'epsilon')])]);
  return c.fn('div', [d, sd]);
}

/** ONNX LayerNormalization (opset 17): normalise over dims axis.., then scale and shift. */
export function layerNorm(c: OpContext): Value {
  const x = c.tensor(0);
  const rank = x.shape.length;
  const axis0 = c.attrI('axis', -1);
  const axis = axis0 < 0 ? axis0 + rank : axis0;
  if (axis < 0 || axis >= rank) c.fail(`axis=${axis0} is out of range for rank ${rank}`);
  if (axis === 0) c.fail('axis=0 normalises over the batch dim: fovea models compute each sample on its own');
  const stash = c.attrI('stash_type', 1);
  if (stash !== 1) c.fail(`stash_type=${stash} is not supported (only 1: float32 statistics)`);
  if (c.outputUsed(1) || c.outputUsed(2)) c.fail('the Mean and InvStdDev outputs are not supported');
  const dims = Array.from({ length: rank - axis }, (_, i) => axis + i);
  let y = normalize(c, x, dims, c.attrF('epsilon', 1e-5));
  y = c.fn('mul', [y, c.tensor(1)]);
  return T(c.has(2) ? c.fn('add', [y, c.tensor(2)]) : y);
}

/**
 * ONNX BatchNormalization. Inference: a BatchNorm2d with the running statistics. Training (training_mode=1
 * from opset 14; before, a node with the extra outputs): the batch's mean and population variance over N, H, W,
 * as the spec computes them; the running-statistics outputs are refused.
 */
export function batchNorm(c: OpContext): Value {
  const x = input4d(c);
  const ch = x.shape[1]!;
  if (c.attrI('spatial', 1) !== 1) c.fail('spatial=0 (statistics per element, not per channel) is not supported');
  const eps = c.attrF('epsilon', 1e-5);
  const momentum = c.attrF('momentum', 0.9);
  // the mode: training_mode from opset 14; before, a node with the statistics outputs trains, and before opset 7 is_test=0 (the default)
  const training = c.opset >= 14 ? c.attrI('training_mode', 0) === 1
    : c.opset < 7 ? c.attrI('is_test', 0) === 0 : c.node.outputs.filter(Boolean).length > 1;
  const params = [1, 2, 3, 4].map((i) => {
    const v = c.constant(i);
    if (v.data.length !== ch) c.fail(`input ${i} ('${c.node.inputs[i]}') has ${v.data.length} values for ${ch} channels`);
    return v;
  });
  if (training) {
    if ([1, 2, 3, 4].some((i) => c.outputUsed(i))) c.fail('training_mode=1: the running mean/variance outputs are not supported (the normalised output is)');
    const per = (i: number, name: string): TensorValue => c.constTensor({ dims: [1, ch, 1, 1], data: Float32Array.from(params[i]!.data) }, name);
    const y = normalize(c, x, [0, 2, 3], eps);
    return T(c.fn('add', [c.fn('mul', [y, per(0, 'scale')]), per(1, 'bias')]));
  }
  const layer = new BatchNorm2d(ch, { eps, momentum: 1 - momentum });
  [layer.weight, layer.bias, layer.runningMean, layer.runningVar].forEach((t, i) => t.data.set(params[i]!.data));
  return T(c.module(layer, x));
}
