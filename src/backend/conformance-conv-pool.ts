/**
 * Conformance cases of the convolution and pooling kernels: stride, 4-sided
 * (asymmetric) padding, dilation, groups and depthwise, odd sizes,
 * non-square kernels, batch 1; pooling with padding, stride, odd sizes,
 * ties, NaNs, and every divisor rule.
 */
import { makeCase, numel, fmt, type ConformanceCase, type Inputs } from './conformance-case.js';
import { type ConvEpilogue, type Conv2dAttrs, type F32, type Padding4, type Pool2dAttrs, epilogueShape } from './kernels.js';

interface ConvConfig {
  name: string;
  x: [number, number, number, number];
  o: number;
  k: [number, number];
  stride?: [number, number];
  padding?: Padding4;
  dilation?: [number, number];
  groups?: number;
}

const CONVS: readonly ConvConfig[] = [
  { name: '3x3 pad 1', x: [2, 3, 8, 8], o: 4, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: '3x3 stride 2 pad 1, odd 7x9', x: [2, 2, 7, 9], o: 3, k: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: '3x3 stride [2, 3], no padding', x: [1, 2, 9, 11], o: 2, k: [3, 3], stride: [2, 3] },
  { name: "4x4 'same' (asymmetric padding [1, 1, 2, 2])", x: [1, 2, 7, 9], o: 3, k: [4, 4], padding: [1, 1, 2, 2] },
  { name: "2x2 'same' (padding [0, 0, 1, 1])", x: [1, 3, 5, 5], o: 2, k: [2, 2], padding: [0, 0, 1, 1] },
  { name: '3x2 kernel, 4-sided padding [0, 2, 1, 1], stride [1, 2]', x: [2, 2, 6, 5], o: 2, k: [3, 2], stride: [1, 2], padding: [0, 2, 1, 1] },
  { name: '3x3 dilation 2 pad 2', x: [1, 2, 9, 9], o: 3, k: [3, 3], dilation: [2, 2], padding: [2, 2, 2, 2] },
  { name: '3x3 dilation [2, 1] stride 2 pad 1', x: [2, 2, 10, 8], o: 2, k: [3, 3], dilation: [2, 1], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: 'groups 2', x: [2, 4, 7, 7], o: 6, k: [3, 3], groups: 2, padding: [1, 1, 1, 1] },
  { name: 'depthwise (groups = channels)', x: [2, 3, 6, 6], o: 3, k: [3, 3], groups: 3, padding: [1, 1, 1, 1] },
  { name: 'depthwise multiplier 2, stride 2', x: [1, 3, 7, 7], o: 6, k: [3, 3], groups: 3, stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: 'non-square 1x5 kernel, pad [0, 2]', x: [1, 2, 5, 9], o: 3, k: [1, 5], padding: [0, 2, 0, 2] },
  { name: '5x5 pad 2, batch 1, one channel (LeNet C1)', x: [1, 1, 12, 12], o: 6, k: [5, 5], padding: [2, 2, 2, 2] },
  { name: '1x1, batch 3', x: [3, 4, 5, 5], o: 2, k: [1, 1] },
  // stride 1 outside the wasm backend's direct kernel: fewer than 9 or more than 1600 taps go through im2col + GEMM
  { name: '2x2 on 2 channels, pad 1 (8 taps)', x: [2, 2, 6, 7], o: 5, k: [2, 2], padding: [1, 1, 1, 1] },
  { name: '5x5 on 66 channels (1650 taps), 6x5, 9 outputs', x: [1, 66, 6, 5], o: 9, k: [5, 5], padding: [2, 2, 2, 2] },
  { name: 'kernel as large as the input (1x1 output)', x: [2, 3, 5, 5], o: 4, k: [5, 5] },
  { name: '2x2 stride 3 (stride > kernel, skipped pixels)', x: [1, 2, 8, 8], o: 2, k: [2, 2], stride: [3, 3] },
  { name: 'padding wider than half the kernel', x: [1, 1, 4, 4], o: 1, k: [3, 3], padding: [2, 2, 2, 2] },
  { name: 'groups 2, dilation 2, stride 2, padding [1, 2, 2, 1]', x: [1, 4, 11, 10], o: 4, k: [3, 3], groups: 2, dilation: [2, 2], stride: [2, 2], padding: [1, 2, 2, 1] },
  { name: '8 -> 16 channels 3x3 pad 1 (long sums)', x: [2, 8, 10, 10], o: 16, k: [3, 3], padding: [1, 1, 1, 1] },
  // 3x3 stride 1, ungrouped, at least 4 input channels: the wasm backend's Winograd path
  { name: 'Winograd-eligible: 16 -> 12, 3x3 pad 1, odd 9x11, batch 2', x: [2, 16, 9, 11], o: 12, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd-eligible: 8 -> 8, 3x3 no padding, 10x9 (odd output width)', x: [1, 8, 10, 9], o: 8, k: [3, 3] },
  { name: 'Winograd-eligible: 7x7 output (partial tiles, a partial group of four tiles)', x: [1, 8, 7, 7], o: 10, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd-eligible: 4 input channels, 3x3 output, 6 outputs', x: [2, 4, 3, 3], o: 6, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd-eligible: asymmetric padding [2, 0, 0, 1], 12 -> 9', x: [1, 12, 12, 14], o: 9, k: [3, 3], padding: [2, 0, 0, 1] },
  { name: 'Winograd-eligible: 32 -> 20, 16x16, batch 3', x: [3, 32, 16, 16], o: 20, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd-eligible: tall 66x32 image (two bands of tile rows)', x: [1, 16, 66, 32], o: 16, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: '3x3 stride 1, 257 -> 257 channels on one pixel (too few pixels for Winograd)', x: [1, 257, 1, 1], o: 257, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd-eligible: 100 -> 98 channels on 6x6 pixels (filter panels outer, a partial one)', x: [1, 100, 6, 6], o: 98, k: [3, 3], padding: [1, 1, 1, 1] },
  // the input gradient of a 3x3 stride-1 convolution is a convolution of dy with O input channels: Winograd when O >= 4 and padding <= 2
  { name: 'gradients through Winograd: 3 -> 8 channels (input gradient only: 3 output channels, a partial filter panel)', x: [2, 3, 9, 7], o: 8, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'gradients: 8 -> 2 channels (Winograd forward and weight gradient, direct input gradient)', x: [2, 8, 7, 10], o: 2, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'gradients: padding [3, 1, 0, 3] (past 2: direct input gradient, Winograd weight gradient)', x: [1, 6, 5, 6], o: 5, k: [3, 3], padding: [3, 1, 0, 3] },
  { name: 'gradients through Winograd: 32 -> 32, 28x28, batch 2 (a LeNet-sized layer, several bands)', x: [2, 32, 28, 28], o: 32, k: [3, 3], padding: [1, 1, 1, 1] },
  // stride 1 with at least 4 input channels: the wasm input gradient is a direct convolution of dy with the turned filters
  { name: 'input gradient as a direct convolution: 6 -> 16, 5x5 on 14x14, batch 2 (LeNet C2)', x: [2, 6, 14, 14], o: 16, k: [5, 5] },
  { name: 'input gradient as a direct convolution: 4x4, asymmetric padding [1, 2, 2, 1], 5 -> 3', x: [2, 5, 9, 8], o: 3, k: [4, 4], padding: [1, 2, 2, 1] },
  { name: 'input gradient as a direct convolution: 1x5 pad [0, 2], 4 -> 3', x: [1, 4, 5, 9], o: 3, k: [1, 5], padding: [0, 2, 0, 2] },
  // fewer im2col rows (C/g * kH * kW) than filters: the wasm weight gradient runs its GEMM transposed
  { name: 'first-layer weight gradient: 1 -> 32 channels, 3x3 pad 1 (9 rows, 32 filters)', x: [2, 1, 11, 9], o: 32, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'first-layer weight gradient: 3 -> 32 channels, 3x3 pad 1, batch 3 (27 rows)', x: [3, 3, 10, 12], o: 32, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'weight gradient with fewer rows than filters, groups 2: 2 -> 12 channels, 2x2 stride 2', x: [2, 2, 8, 9], o: 12, k: [2, 2], stride: [2, 2], groups: 2 },
  // one image with enough work: the wasm backend splits its output rows across threads (odd row counts, every path)
  { name: 'batch 1, 5x5 6 -> 16 channels, 31x30 (27 output rows split by row; direct)', x: [1, 6, 31, 30], o: 16, k: [5, 5] },
  { name: 'batch 1, 1x1 64 -> 32 channels, 21x20 (rows of a pointwise convolution)', x: [1, 64, 21, 20], o: 32, k: [1, 1] },
  { name: 'batch 1, 3x3 stride 2 pad 1, 8 -> 32 channels, 33x33 (17 output rows)', x: [1, 8, 33, 33], o: 32, k: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: 'batch 1, groups 2, 3x3 pad 1, 8 -> 32 channels, 25x24', x: [1, 8, 25, 24], o: 32, k: [3, 3], groups: 2, padding: [1, 1, 1, 1] },
  { name: 'batch 1, Winograd 24 -> 24 channels, 23x21 (odd rows: a partial tile row at a split)', x: [1, 24, 23, 21], o: 24, k: [3, 3], padding: [1, 1, 1, 1] },
  // groups == channels: the wasm backend's direct depthwise path
  { name: 'depthwise 3x3 stride 2, odd 13x11, batch 2', x: [2, 5, 13, 11], o: 5, k: [3, 3], groups: 5, stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: "depthwise 3x3 stride 2 'same' (padding [0, 0, 1, 1])", x: [1, 4, 10, 10], o: 4, k: [3, 3], groups: 4, stride: [2, 2], padding: [0, 0, 1, 1] },
  { name: 'depthwise 3x3 stride 1, 17 wide (vector tail)', x: [1, 6, 9, 17], o: 6, k: [3, 3], groups: 6, padding: [1, 1, 1, 1] },
  { name: 'depthwise 5x5 pad 2', x: [1, 3, 9, 8], o: 3, k: [5, 5], groups: 3, padding: [2, 2, 2, 2] },
  { name: 'depthwise 3x3 dilation 2 pad 2', x: [2, 4, 9, 9], o: 4, k: [3, 3], groups: 4, dilation: [2, 2], padding: [2, 2, 2, 2] },
];

// conv2dFused: every epilogue on the wasm backend's fusing paths (the direct
// kernel: stride 1, 9 to 1600 taps; both Winograd kernels) with ragged sizes,
// odd outputs that the pool rounds down, batch 1 split by rows, and on the
// paths that do not fuse.
const FUSED: readonly ConvConfig[] = [
  { name: 'LeNet C1: 1 -> 6, 5x5 pad 2, 12x12 (6 of 8 lanes)', x: [2, 1, 12, 12], o: 6, k: [5, 5], padding: [2, 2, 2, 2] },
  { name: 'LeNet C2: 6 -> 16, 5x5, 14x14 (10x10 output)', x: [2, 6, 14, 14], o: 16, k: [5, 5] },
  { name: '3 -> 12, 3x3 pad 1, odd 9x7 (the pool drops a row and a column)', x: [3, 3, 9, 7], o: 12, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: '2 -> 4, 3x3 pad [1, 0, 0, 2], 7x6 (odd pixel count, 4 outputs)', x: [1, 2, 7, 6], o: 4, k: [3, 3], padding: [1, 0, 0, 2] },
  { name: 'batch 1, 6 -> 16, 5x5, 41x39 (37x35 output split by rows across threads)', x: [1, 6, 41, 39], o: 16, k: [5, 5] },
  { name: 'Winograd F(4x4): 8 -> 8, 3x3 pad 1, 9x10 (odd rows: the pool drops the last)', x: [2, 8, 9, 10], o: 8, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd F(4x4): 16 -> 12, 3x3 pad 1, 14x18 (a partial tile row and column)', x: [1, 16, 14, 18], o: 12, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd F(2x2): 6 -> 5, 3x3 pad 1, 6x7', x: [2, 6, 6, 7], o: 5, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'Winograd F(2x2) (sums over 136 channels): 136 -> 4, 3x3 pad 1, 5x9', x: [1, 136, 5, 9], o: 4, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'batch 1, Winograd F(4x4) 24 -> 24, 23x21 (split by rows across threads)', x: [1, 24, 23, 21], o: 24, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'batch 1, Winograd F(2x2) 130 -> 8, 13x12 (split by rows across threads)', x: [1, 130, 13, 12], o: 8, k: [3, 3], padding: [1, 1, 1, 1] },
  { name: 'im2col path (unfused): 3x3 stride 2 pad 1, 2 -> 3, 9x9', x: [2, 2, 9, 9], o: 3, k: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: 'depthwise path (unfused): 3x3 pad 1, 4 channels, 7x8', x: [1, 4, 7, 8], o: 4, k: [3, 3], groups: 4, padding: [1, 1, 1, 1] },
];

const EPILOGUES: readonly ConvEpilogue[] = [{ relu: true, maxPool: true }, { relu: true, maxPool: false }, { relu: false, maxPool: true }];

function convAttrs(c: ConvConfig): Conv2dAttrs {
  return { stride: c.stride ?? [1, 1], padding: c.padding ?? [0, 0, 0, 0], dilation: c.dilation ?? [1, 1], groups: c.groups ?? 1 };
}

function convShapes(c: ConvConfig): { w: number[]; y: number[]; a: Conv2dAttrs } {
  const a = convAttrs(c);
  const [n, ch, h, w] = c.x;
  const oh = Math.floor((h + a.padding[0] + a.padding[2] - a.dilation[0] * (c.k[0] - 1) - 1) / a.stride[0]) + 1;
  const ow = Math.floor((w + a.padding[1] + a.padding[3] - a.dilation[1] * (c.k[1] - 1) - 1) / a.stride[1]) + 1;
  return { w: [c.o, ch / a.groups, c.k[0], c.k[1]], y: [n, c.o, oh, ow], a };
}

export function convCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const c of CONVS) {
    const { w: ws, y: ys, a } = convShapes(c);
    const fanIn = ws[1]! * ws[2]! * ws[3]!;
    for (const withBias of [true, false]) {
      out.push(makeCase('conv2d', `${c.name}${withBias ? '' : ', no bias'}`, (k, x) => {
        const xs = x.normal(numel(c.x));
        const w = x.normal(numel(ws), 1 / Math.sqrt(fanIn));
        const b = withBias ? x.normal(c.o, 0.5) : null;
        const y = x.out(numel(ys));
        k.conv2d(xs, c.x, w, ws, b, y, ys, a);
        return [y];
      }));
    }
    out.push(makeCase('conv2dBackwardInput', c.name, (k, x) => {
      const dy = x.normal(numel(ys));
      const w = x.normal(numel(ws), 1 / Math.sqrt(fanIn));
      const dx = x.out(numel(c.x));
      k.conv2dBackwardInput(dy, ys, w, ws, dx, c.x, a);
      return [dx];
    }));
    out.push(makeCase('conv2dBackwardWeight', c.name, (k, x) => {
      const xs = x.normal(numel(c.x));
      const dy = x.normal(numel(ys), 1 / Math.sqrt(ys[0]! * ys[2]! * ys[3]!));
      const dw = x.out(numel(ws));
      k.conv2dBackwardWeight(xs, c.x, dy, ys, dw, ws, a);
      return [dw];
    }));
  }
  for (const c of FUSED) {
    const { w: ws, y: ys, a } = convShapes(c);
    const fanIn = ws[1]! * ws[2]! * ws[3]!;
    for (const e of EPILOGUES) {
      const what = [e.relu ? 'relu' : '', e.maxPool ? 'max-pool 2x2' : ''].filter(Boolean).join(' + ');
      out.push(makeCase('conv2dFused', `${c.name}, ${what}`, (k, x) => {
        const xs = x.normal(numel(c.x));
        const w = x.normal(numel(ws), 1 / Math.sqrt(fanIn));
        const y = x.out(numel(epilogueShape(ys, e)));
        k.conv2dFused(xs, c.x, w, ws, x.normal(c.o, 0.5), y, ys, a, e);
        return [y];
      }));
    }
  }
  return out;
}

// ---------------------------------------------------------------- pooling

interface PoolConfig {
  name: string;
  x: [number, number, number, number];
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  /** Max pooling only (average pooling has no dilation); default [1, 1]. */
  dilation?: [number, number];
  /** Round the output size up (PyTorch's ceil_mode): the last windows hang past the input. */
  ceilMode?: boolean;
}

const POOLS: readonly PoolConfig[] = [
  { name: '2x2 stride 2', x: [2, 2, 6, 6], kernel: [2, 2], stride: [2, 2], padding: [0, 0] },
  { name: '3x3 stride 2 pad 1, odd 9x9', x: [1, 2, 9, 9], kernel: [3, 3], stride: [2, 2], padding: [1, 1] },
  { name: '3x3 stride 1, odd 7x7 (overlapping windows)', x: [1, 2, 7, 7], kernel: [3, 3], stride: [1, 1], padding: [0, 0] },
  { name: '2x2 stride 2, odd 7x9 (floor mode drops the last row/column)', x: [1, 2, 7, 9], kernel: [2, 2], stride: [2, 2], padding: [0, 0] },
  { name: '2x2 stride 2, 14x14 (7 outputs a row: the wasm kernel redoes the last four, overlapping)', x: [2, 3, 14, 14], kernel: [2, 2], stride: [2, 2], padding: [0, 0] },
  { name: '2x2 stride 2, 10x22 (11 outputs a row)', x: [1, 2, 10, 22], kernel: [2, 2], stride: [2, 2], padding: [0, 0] },
  { name: '3x2 stride [2, 1] pad [1, 0]', x: [2, 3, 7, 6], kernel: [3, 2], stride: [2, 1], padding: [1, 0] },
  { name: '1x3 stride [1, 2] pad [0, 1]', x: [1, 2, 5, 8], kernel: [1, 3], stride: [1, 2], padding: [0, 1] },
  { name: '2x2 stride 1 pad 1, batch 1', x: [1, 1, 4, 5], kernel: [2, 2], stride: [1, 1], padding: [1, 1] },
  { name: '5x5 stride 3 pad 2', x: [2, 2, 11, 10], kernel: [5, 5], stride: [3, 3], padding: [2, 2] },
  { name: '3x3 stride 2, ceil mode, odd 8x7 (last window past the input)', x: [1, 2, 8, 7], kernel: [3, 3], stride: [2, 2], padding: [0, 0], ceilMode: true },
  { name: '2x2 stride 2, ceil mode, odd 7x9 (SIMD 2x2 path must not run)', x: [2, 2, 7, 9], kernel: [2, 2], stride: [2, 2], padding: [0, 0], ceilMode: true },
  { name: '3x3 stride 2 pad 1, ceil mode, 10x10 (the last window starts in the input)', x: [1, 2, 10, 10], kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true },
  { name: '2x3 stride [3, 2] pad [1, 1], ceil mode', x: [2, 1, 9, 8], kernel: [2, 3], stride: [3, 2], padding: [1, 1], ceilMode: true },
];

/** Max pooling only: dilated windows (PyTorch's max_pool2d dilation). */
const DILATED_POOLS: readonly PoolConfig[] = [
  { name: '3x3 dilation 2 stride 1', x: [1, 2, 9, 8], kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [2, 2] },
  { name: '3x3 dilation 2 stride 2 pad 1', x: [2, 2, 9, 10], kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [2, 2] },
  { name: '2x3 dilation [3, 2] stride [1, 2] pad [1, 1], ceil mode', x: [1, 3, 10, 9], kernel: [2, 3], stride: [1, 2], padding: [1, 1], dilation: [3, 2], ceilMode: true },
  { name: '2x2 dilation 2 stride 2 (not the 2x2 fast path)', x: [1, 2, 8, 8], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [2, 2] },
];

/** PyTorch's pooling_output_shape (what tensor/ops/pool.ts computes; written out again here as the spec). */
function poolSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function poolShape(p: PoolConfig): number[] {
  const [n, c, h, w] = p.x;
  const [dh, dw] = p.dilation ?? [1, 1];
  return [n, c, poolSize(h, p.kernel[0], p.stride[0], p.padding[0], dh, !!p.ceilMode), poolSize(w, p.kernel[1], p.stride[1], p.padding[1], dw, !!p.ceilMode)];
}

export function poolCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const attrs = (p: PoolConfig, countIncludePad: boolean, divisor: number): Pool2dAttrs =>
    ({ kernel: p.kernel, stride: p.stride, padding: p.padding, dilation: p.dilation ?? [1, 1], countIncludePad, divisor });
  for (const p of [...POOLS, ...DILATED_POOLS]) {
    const ys = poolShape(p);
    const a = attrs(p, true, 0);
    for (const kind of ['', 'ties', 'NaN'] as const) {
      const suffix = kind === 'ties' ? ', with ties (first maximum wins)' : kind === 'NaN' ? ', with NaNs (a NaN wins, as in PyTorch)' : '';
      const draw = (x: Inputs): F32 =>
        kind === 'ties' ? x.ties(numel(p.x)) : kind === 'NaN' ? x.withNaN(numel(p.x), 13) : x.normal(numel(p.x));
      out.push(makeCase('maxPool2d', p.name + suffix, (k, x) => {
        const xs = draw(x);
        const y = x.out(numel(ys));
        k.maxPool2d(xs, p.x, y, ys, a);
        return [y];
      }));
      out.push(makeCase('maxPool2dBackward', p.name + suffix, (k, x) => {
        const xs = draw(x);
        const dy = x.normal(numel(ys));
        const dx = x.out(numel(p.x));
        k.maxPool2dBackward(xs, p.x, dy, ys, dx, a);
        return [dx];
      }));
    }
    if (p.dilation) continue;
    const variants: [string, Pool2dAttrs][] = [['', a], [', sum (divisor 1)', attrs(p, true, 1)], [', divisor override 5', attrs(p, true, 5)]];
    if (p.padding[0] > 0 || p.padding[1] > 0 || p.ceilMode) variants.push([', countIncludePad false', attrs(p, false, 0)]);
    for (const [suffix, va] of variants) {
      out.push(makeCase('avgPool2d', p.name + suffix, (k, x) => {
        const xs = x.normal(numel(p.x));
        const y = x.out(numel(ys));
        k.avgPool2d(xs, p.x, y, ys, va);
        return [y];
      }));
      out.push(makeCase('avgPool2dBackward', p.name + suffix, (k, x) => {
        const dy = x.normal(numel(ys));
        const dx = x.out(numel(p.x));
        k.avgPool2dBackward(dy, ys, dx, p.x, va);
        return [dx];
      }));
    }
  }
  const adaptive: [[number, number, number, number], [number, number]][] = [
    [[1, 3, 7, 7], [3, 3]], [[2, 3, 6, 6], [1, 1]], [[2, 2, 5, 7], [2, 3]], [[1, 2, 4, 4], [4, 4]],
    [[1, 2, 3, 3], [5, 5]], [[1, 1, 10, 3], [4, 2]],
  ];
  for (const [xs, [oh, ow]] of adaptive) {
    const ys = [xs[0], xs[1], oh, ow];
    const name = `${fmt(xs)} to ${oh}x${ow}`;
    out.push(makeCase('adaptiveAvgPool2d', name, (k, x) => {
      const a = x.normal(numel(xs));
      const y = x.out(numel(ys));
      k.adaptiveAvgPool2d(a, xs, y, ys);
      return [y];
    }));
    out.push(makeCase('adaptiveAvgPool2dBackward', name, (k, x) => {
      const dy = x.normal(numel(ys));
      const dx = x.out(numel(xs));
      k.adaptiveAvgPool2dBackward(dy, ys, dx, xs);
      return [dx];
    }));
  }
  return out;
}
