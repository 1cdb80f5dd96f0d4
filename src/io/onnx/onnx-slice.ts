/**
 * ONNX Slice and Split. On constants (shape arithmetic) they fold at import
 * time; on run-time tensors they become `narrow` nodes, with starts, ends and
 * split sizes resolved against the static shape (ShuffleNetV2's channel
 * split: `x.chunk(2, dim=1)`). The batch dim is left whole.
 */
import { sliceConst } from './onnx-fold.js';
import { C, T, type Converted, type OpContext, type TensorValue } from './onnx-op-context.js';

/** Slice's starts/ends/axes/steps: inputs from opset 10, attributes before. */
function sliceArgs(c: OpContext): { starts: number[]; ends: number[]; axes: number[] | undefined; steps: number[] | undefined } {
  const v = (i: number): number[] | undefined => (c.has(i) ? Array.from(c.constant(i).data) : undefined);
  const starts = c.opset >= 10 ? v(1) : c.attrInts('starts');
  const ends = c.opset >= 10 ? v(2) : c.attrInts('ends');
  if (!starts || !ends || starts.length !== ends.length) c.fail('needs starts and ends of equal length');
  return { starts, ends, axes: c.opset >= 10 ? v(3) : c.attrInts('axes'), steps: c.opset >= 10 ? v(4) : undefined };
}

export function slice(c: OpContext): Converted {
  const { starts, ends, axes, steps } = sliceArgs(c);
  if (c.isConst(0)) return C(sliceConst(c.constant(0), starts, ends, axes, steps));
  let x = c.tensor(0);
  const rank = x.shape.length;
  starts.forEach((s0, k) => {
    const a0 = axes?.[k] ?? k;
    const axis = a0 < 0 ? a0 + rank : a0;
    if (axis < 0 || axis >= rank) c.fail(`axes [${(axes ?? []).join(', ')}] are out of range for rank ${rank}`);
    const step = steps?.[k] ?? 1;
    if (step !== 1) c.fail(`steps [${(steps ?? []).join(', ')}]: only step 1 is supported on a run-time tensor`);
    const d = x.shape[axis]!;
    const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    const [start, end] = [clamp(s0), clamp(ends[k]!)];
    if (axis === 0) {
      if (start !== 0 || end !== d) c.fail(`slices dim 0, the batch ([${s0}, ${ends[k]}) of it): fovea models compute each sample on its own`);
      return;
    }
    if (start === 0 && end === d) return;
    x = c.fn('narrow', [x], { dim: axis, start, length: Math.max(0, end - start) });
  });
  return T(x);
}

export function split(c: OpContext): Converted {
  const outputs = c.node.outputs.length;
  const axis0 = c.attrI('axis', 0);
  const parts = (): number[] | undefined => (c.opset >= 13 ? (c.has(1) ? Array.from(c.constant(1).data) : undefined) : c.attrInts('split'));
  if (c.isConst(0)) c.fail('Split of a constant is not supported');
  const x: TensorValue = c.tensor(0);
  const rank = x.shape.length;
  const axis = axis0 < 0 ? axis0 + rank : axis0;
  if (axis < 0 || axis >= rank) c.fail(`axis=${axis0} is out of range for rank ${rank}`);
  if (axis === 0) c.fail('axis=0 splits the batch: fovea models compute each sample on its own');
  const d = x.shape[axis]!;
  let sizes = parts();
  if (!sizes) {
    const n = c.opset >= 18 && c.hasAttr('num_outputs') ? c.attrI('num_outputs', outputs) : outputs;
    const each = Math.ceil(d / n);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(each, d - i * each)));
  }
  if (sizes.length !== outputs || sizes.reduce((a, b) => a + b, 0) !== d || sizes.some((s) => s < 0)) {
    c.fail(`split [${sizes.join(', ')}] does not cut dim ${axis} (${d}) into ${outputs} outputs`);
  }
  let at = 0;
  return sizes.map((length) => {
    const start = at;
    at += length;
    return T(c.fn('narrow', [x], { dim: axis, start, length }));
  });
}
