/**
 * The ONNX ConvTranspose operator as a fovea ConvTranspose2d layer, plus a
 * cropping ConstantPad2d when its pads are uneven in a way PyTorch's layer
 * cannot say (it crops both sides equally and adds outputPadding at the end).
 *
 * ONNX's output is the rows [begin, full - end) of the full transposed
 * convolution, full = stride * (in - 1) + outputPadding + dilation * (k - 1) + 1,
 * where the pads come from `pads`, or from `auto_pad` SAME_UPPER/SAME_LOWER
 * (output size in * stride) or `output_shape`; SAME_UPPER puts the odd row
 * at the end, SAME_LOWER and `output_shape` alone at the beginning (the
 * ONNX spec; ONNX Runtime does the same).
 */
import { ConvTranspose2d } from '../../nn/conv-transpose2d.js';
import { ConstantPad2d } from '../../nn/pad2d.js';
import type { OpContext, TensorValue, Value } from './onnx-op-context.js';

/** How one spatial dim maps onto ConvTranspose2d(padding, outputPadding) followed by a crop. */
interface DimPlan {
  padding: number;
  outputPadding: number;
  cropBegin: number;
  cropEnd: number;
}

function pair(c: OpContext, name: string, fallback: number, min: number): [number, number] {
  const v = c.attrInts(name) ?? [fallback, fallback];
  if (v.length !== 2 || v.some((x) => !Number.isInteger(x) || x < min)) c.fail(`${name} [${v.join(', ')}] must be two integers >= ${min} (only 2-D operators are supported)`);
  return v as [number, number];
}

/** [beginH, beginW, endH, endW]; an end below 0 asks for rows past the kernel's reach (they hold the bias alone). */
function onnxPads(c: OpContext, x: TensorValue, full: readonly [number, number], stride: readonly [number, number]): [number, number, number, number] {
  const auto = c.attrS('auto_pad', 'NOTSET');
  if (!['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(auto)) c.fail(`auto_pad '${auto}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const outputShape = c.attrInts('output_shape');
  const given = c.attrInts('pads'); // ignored when output_shape or auto_pad decides, as the spec says
  if (outputShape || auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    if (outputShape && (outputShape.length !== 2 || outputShape.some((d) => !Number.isInteger(d) || d < 1))) {
      c.fail(`output_shape [${outputShape.join(', ')}] must be the two spatial sizes [H, W], each >= 1`);
    }
    const p = [0, 1].map((i) => {
      const total = full[i]! - (outputShape ? outputShape[i]! : x.shape[2 + i]! * stride[i]!);
      // a larger output_shape keeps the start and adds rows at the end; SAME with a kernel smaller
      // than the stride gives the full output (both as ONNX Runtime does)
      if (total < 0) return [0, outputShape ? total : 0];
      const begin = auto === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
      return [begin, total - begin];
    }) as [[number, number], [number, number]];
    return [p[0][0], p[1][0], p[0][1], p[1][1]];
  }
  if (auto === 'VALID') return [0, 0, 0, 0];
  const pads = given ?? [0, 0, 0, 0];
  if (pads.length !== 4 || pads.some((v) => !Number.isInteger(v) || v < 0)) c.fail(`pads [${pads.join(', ')}] must be 4 integers >= 0 for a 2-D operator`);
  return pads as [number, number, number, number];
}

/**
 * The rows ONNX wants are [begin, base + outputPadding - end) of the full output
 * (base = the rows the kernel reaches). ConvTranspose2d(p, q) gives [p, base - p + q)
 * with 0 <= q < max(stride, dilation); whatever is left over is cropped. Null when
 * ONNX asks for more rows past the kernel's reach than q can add.
 */
function planDim(begin: number, end: number, outputPadding: number, stride: number, dilation: number): DimPlan | null {
  const room = Math.max(stride, dilation) - 1;
  const extra = begin + outputPadding - end; // rows past base - begin that ONNX keeps
  if (extra < 0) return { padding: begin, outputPadding: 0, cropBegin: 0, cropEnd: -extra };
  if (extra <= room) return { padding: begin, outputPadding: extra, cropBegin: 0, cropEnd: 0 };
  // more rows than outputPadding may add: pad less at the start and crop it off again
  if (extra - room > begin) return null;
  return { padding: begin - (extra - room), outputPadding: room, cropBegin: extra - room, cropEnd: 0 };
}

/** ConvTranspose: weight [C, M/group, kH, kW] (PyTorch's layout), optional bias [M]. */
export function convTranspose(c: OpContext): Value {
  const x = c.tensor(0);
  if (x.shape.length !== 4) c.fail(`expects a 4-D input [N, C, H, W], got rank ${x.shape.length}`);
  const w = c.constant(1);
  if (w.dims.length !== 4) c.fail(`weight has dims [${w.dims.join(', ')}]; only 2-D transposed convolution (a 4-D weight) is supported`);
  const [ci, og, kh, kw] = w.dims as [number, number, number, number];
  const k = c.attrInts('kernel_shape');
  if (k && (k[0] !== kh || k[1] !== kw)) c.fail(`kernel_shape [${k.join(', ')}] does not match weight [${w.dims.join(', ')}]`);
  const group = c.attrI('group', 1);
  if (!Number.isInteger(group) || group < 1 || ci % group !== 0) c.fail(`group=${group} does not divide the weight's ${ci} input channels`);
  if (x.shape[1] !== ci) c.fail(`input has ${x.shape[1]} channels but weight [${w.dims.join(', ')}] (laid out [C, M/group, kH, kW]) expects ${ci}`);
  const stride = pair(c, 'strides', 1, 1);
  const dilation = pair(c, 'dilations', 1, 1);
  const op = pair(c, 'output_padding', 0, 0);
  const full: [number, number] = [0, 1].map((i) => stride[i]! * (x.shape[2 + i]! - 1) + op[i]! + dilation[i]! * ([kh, kw][i]! - 1) + 1) as [number, number];
  const pads = onnxPads(c, x, full, stride);
  const plan = [0, 1].map((i) => planDim(pads[i]!, pads[i + 2]!, op[i]!, stride[i]!, dilation[i]!) ?? c.fail(
    `an output ${full[i]! - pads[i]! - pads[i + 2]!} ${i ? 'wide' : 'high'} reaches ${op[i]! - pads[i + 2]!} rows past the kernel's reach, ` +
    `more than max(stride, dilation) - 1 = ${Math.max(stride[i]!, dilation[i]!) - 1} (ONNX Runtime refuses this too)`,
  )) as [DimPlan, DimPlan];
  const hasBias = c.has(2);
  const layer = new ConvTranspose2d(ci, og * group, [kh, kw], {
    stride, dilation, groups: group, bias: hasBias,
    padding: [plan[0].padding, plan[1].padding], outputPadding: [plan[0].outputPadding, plan[1].outputPadding],
  });
  layer.weight.data.set(w.data);
  if (hasBias) {
    const b = c.constant(2);
    if (b.data.length !== og * group) c.fail(`bias has ${b.data.length} values for ${og * group} output channels`);
    layer.bias!.data.set(b.data);
  }
  const y = c.module(layer, x);
  if (plan.every((p) => p.cropBegin === 0 && p.cropEnd === 0)) return { kind: 'tensor', t: y };
  return { kind: 'tensor', t: c.module(new ConstantPad2d([-plan[0].cropBegin, -plan[1].cropBegin, -plan[0].cropEnd, -plan[1].cropEnd]), y, 'crop') };
}
