/**
 * ONNX MaxPool and AveragePool → fovea pooling layers. Where the attributes
 * are what fovea's layers take (symmetric pads of at most half the kernel),
 * the layer does it all, ceil_mode and dilations included; otherwise the
 * input is padded explicitly (-inf for max, 0 for average) and an average
 * is divided by a count map computed at import time: the number of input
 * (or, with count_include_pad=1, padded-input) pixels under each window,
 * exactly as the ONNX spec and PyTorch count them.
 */
import { ConstantPad2d } from '../../nn/pad2d.js';
import { AvgPool2d, MaxPool2d, SumPool2d } from '../../nn/pooling.js';
import { T, input4d, spatial, spatialPads, symmetric, type Converter, type OpContext } from './onnx-op-context.js';

/**
 * Extra bottom/right padding that turns floor-mode pooling into ceil mode: windows up to the ceiling of the
 * count, less one that would start past the input and its begin padding (ONNX: "sliding windows that would
 * start in the right padded region are ignored"; PyTorch's rule too). `k` is the dilated kernel extent.
 */
function ceilExtra(size: number, k: number, s: number, pb: number, pe: number): number {
  const span = size + pb + pe - k;
  let out = Math.ceil(span / s) + 1;
  if ((out - 1) * s >= size + pb) out--;
  return Math.max(0, (out - 1) * s + k - (size + pb + pe));
}

/** Per output position along one axis: how many pixels of [lo, hi) a window [o*s - pb, o*s - pb + k) covers. */
function counts(out: number, k: number, s: number, pb: number, lo: number, hi: number): number[] {
  return Array.from({ length: out }, (_, o) => Math.max(0, Math.min(hi, o * s - pb + k) - Math.max(lo, o * s - pb)));
}

export function pool(max: boolean): Converter {
  return (c) => {
    const x = input4d(c);
    const [h, w] = [x.shape[2]!, x.shape[3]!];
    if (c.node.outputs[1] && c.outputUsed(1)) c.fail('the Indices output is not supported');
    c.attrI('storage_order', 0); // only shapes the Indices output, which is refused above
    const k = spatial(c, 'kernel_shape', 0);
    const stride = spatial(c, 'strides', 1);
    const dilation = spatial(c, 'dilations', 1);
    if (!max && (dilation[0] !== 1 || dilation[1] !== 1)) c.fail(`dilations [${dilation.join(', ')}] on AveragePool are not supported (PyTorch's avg_pool2d has none)`);
    const ext = [(k[0] - 1) * dilation[0] + 1, (k[1] - 1) * dilation[1] + 1] as const;
    const pads = spatialPads(c, x, k, stride, dilation);
    const ceilMode = c.attrI('ceil_mode', 0) === 1;
    const countIncludePad = !max && c.attrI('count_include_pad', 0) === 1;
    if (symmetric(pads) && pads[0] * 2 <= k[0] && pads[1] * 2 <= k[1]) {
      const padding: [number, number] = [pads[0], pads[1]];
      const layer = max ? new MaxPool2d(k, { stride, padding, dilation, ceilMode }) : new AvgPool2d(k, { stride, padding, ceilMode, countIncludePad });
      return T(c.module(layer, x));
    }
    // explicit padding: begin pads, end pads plus what ceil mode adds
    const eh = ceilMode ? ceilExtra(h, ext[0], stride[0], pads[0], pads[2]) : 0;
    const ew = ceilMode ? ceilExtra(w, ext[1], stride[1], pads[1], pads[3]) : 0;
    const all: [number, number, number, number] = [pads[0], pads[1], pads[2] + eh, pads[3] + ew];
    const padded = all.some((p) => p > 0) ? c.module(new ConstantPad2d(all, max ? -Infinity : 0), x, 'pad') : x;
    if (max) return T(c.module(new MaxPool2d(k, { stride, dilation }), padded));
    const summed = c.module(new SumPool2d(k, { stride }), padded);
    const [oh, ow] = [summed.shape[2]!, summed.shape[3]!];
    // what each window divides by: pixels of the input, or of the input with its (not ceil mode's) padding
    const ch = counts(oh, k[0], stride[0], pads[0], countIncludePad ? -pads[0] : 0, countIncludePad ? h + pads[2] : h);
    const cw = counts(ow, k[1], stride[1], pads[1], countIncludePad ? -pads[1] : 0, countIncludePad ? w + pads[3] : w);
    if ([...ch, ...cw].includes(0)) c.fail(`pads [${pads.join(', ')}] leave a window over padding only (kernel [${k.join(', ')}])`);
    const divisor = c.constTensor({ dims: [1, 1, oh, ow], data: Float32Array.from(ch.flatMap((a) => cw.map((b) => a * b))) }, 'count');
    return T(c.fn('div', [summed, divisor]));
  };
}

/** ONNX GlobalMaxPool: a max over the whole map. */
export function globalMaxPool(c: OpContext) {
  const x = input4d(c);
  return T(c.module(new MaxPool2d([x.shape[2]!, x.shape[3]!]), x));
}
