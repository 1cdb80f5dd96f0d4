/**
 * The kernel registry's vocabulary: every kernel a backend may implement, with
 * typed inputs and attributes. Kernels work on flat float32 buffers in NCHW
 * row-major layout and write into an output buffer the op layer allocated, so
 * a backend never decides about memory on its own. The js backend implements
 * all of them and is the reference (the spec); a faster backend may implement
 * a subset and falls back to js for the rest.
 */

export type F32 = Float32Array;
export type Shape = readonly number[];

/** [top, left, bottom, right] zero padding. PyTorch's 'same' can be asymmetric. */
export type Padding4 = readonly [number, number, number, number];

export interface Conv2dAttrs {
  stride: readonly [number, number];
  padding: Padding4;
  dilation: readonly [number, number];
  groups: number;
}

export interface Pool2dAttrs {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  /** Spacing between a window's taps (max pooling; 1 for average pooling, as in PyTorch). */
  dilation: readonly [number, number];
  /**
   * avg pooling only: count padded zeros in the divisor (PyTorch's default true): the window clipped to the
   * padded input, so a ceil-mode window that hangs past the padding counts only its part inside.
   */
  countIncludePad: boolean;
  /** avg pooling only: fixed divisor (1 gives sum pooling); 0 means "window size". */
  divisor: number;
}

/** What `conv2dFused` applies to a convolution's output, in this order. */
export interface ConvEpilogue {
  /** max(0, y), PyTorch's ReLU. */
  relu: boolean;
  /** Then a 2x2 max-pool, stride 2, no padding: PyTorch's MaxPool2d(2) (odd sizes round down). */
  maxPool: boolean;
}

/** The pooling `ConvEpilogue.maxPool` stands for, as pool kernels take it. */
export const MAX_POOL_2X2: Pool2dAttrs = {
  kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], countIncludePad: true, divisor: 0,
};

/** The output shape of conv2dFused for a convolution output of `convShape`. */
export function epilogueShape(convShape: Shape, e: ConvEpilogue): number[] {
  const [n, c, h, w] = convShape as [number, number, number, number];
  return e.maxPool ? [n, c, h >> 1, w >> 1] : [n, c, h, w];
}

export interface SgdAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  /** The first step copies the gradient into the momentum buffer (PyTorch semantics). */
  firstStep: boolean;
}

export interface AdamAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding to the gradient. */
  decoupled: boolean;
  /** 1-based step count, for bias correction. */
  step: number;
}

export type UnaryKernel = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'relu' | 'tanh' | 'sigmoid' | 'square';
export type BinaryKernel = 'add' | 'sub' | 'mul' | 'div';
/** dx from dy and a saved tensor: relu/leakyRelu take x, tanh/sigmoid take y. */
export type UnaryBackwardKernel = 'reluBackward' | 'tanhBackward' | 'sigmoidBackward';

export type KernelTable = {
  [K in UnaryKernel]: (x: F32, out: F32) => void;
} & {
  [K in BinaryKernel]: (a: F32, aShape: Shape, b: F32, bShape: Shape, out: F32, outShape: Shape) => void;
} & {
  [K in UnaryBackwardKernel]: (dy: F32, saved: F32, out: F32) => void;
} & {
  leakyRelu(x: F32, out: F32, slope: number): void;
  leakyReluBackward(dy: F32, x: F32, out: F32, slope: number): void;
  /** out = min(max(x, min), max) (NaN stays NaN); ReLU6 is min 0, max 6. Bounds may be infinite. */
  hardtanh(x: F32, out: F32, min: number, max: number): void;
  /** out = dy where min < x < max, else 0 (PyTorch's hardtanh backward: no gradient at the bounds). */
  hardtanhBackward(dy: F32, x: F32, out: F32, min: number, max: number): void;
  /** ELU: out = x where x > 0, else alpha * (exp(x) - 1) (PyTorch's nn.ELU). */
  elu(x: F32, out: F32, alpha: number): void;
  /** out = dy where x > 0, else dy * alpha * exp(x) (PyTorch's elu backward, from x). */
  eluBackward(dy: F32, x: F32, out: F32, alpha: number): void;
  /**
   * The error function erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt (GELU's exact form; ONNX Erf), to
   * float32 precision. The reference serves it on every backend.
   */
  erf(x: F32, out: F32): void;
  /** out = x * scale + shift, element-wise. */
  affineScalar(x: F32, out: F32, scale: number, shift: number): void;
  /**
   * out = x * scale[c] + shift[c] with x laid out as [P, C, size] (C =
   * scale.length): a frozen batch norm's per-channel affine map in one pass.
   */
  affineChannels(x: F32, scale: F32, shift: F32, out: F32, size: number): void;
  powScalar(x: F32, out: F32, exponent: number): void;
  /** Sum over `axes` (sorted, unique); out has the kept dims' size. */
  sum(x: F32, shape: Shape, axes: readonly number[], out: F32): void;
  /** Max over one axis. */
  max(x: F32, shape: Shape, axis: number, out: F32): void;
  argmax(x: F32, shape: Shape, axis: number, out: F32): void;
  /** out = x with axes permuted: out.shape[i] = shape[perm[i]]. */
  permute(x: F32, shape: Shape, perm: readonly number[], out: F32): void;
  /**
   * Batched C = op(A) @ op(B): A is [batch, m, k] (or [batch, k, m] when transA),
   * B is [batch, k, n] (or [batch, n, k] when transB), C is [batch, m, n].
   * A batch stride of 0 broadcasts that operand.
   */
  matmul(a: F32, b: F32, out: F32, batch: number, m: number, n: number, k: number,
    transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void;
  conv2d(x: F32, xShape: Shape, w: F32, wShape: Shape, bias: F32 | null, out: F32, outShape: Shape, attrs: Conv2dAttrs): void;
  /**
   * conv2d, then its epilogue (ReLU, 2x2 max-pool), in one call, for
   * inference: a backend may apply the epilogue in registers and never write
   * the full-size maps. `convShape` is the convolution's output shape; `out`
   * has epilogueShape(convShape, epilogue).
   */
  conv2dFused(x: F32, xShape: Shape, w: F32, wShape: Shape, bias: F32 | null, out: F32, convShape: Shape,
    attrs: Conv2dAttrs, epilogue: ConvEpilogue): void;
  conv2dBackwardInput(dy: F32, dyShape: Shape, w: F32, wShape: Shape, dx: F32, xShape: Shape, attrs: Conv2dAttrs): void;
  conv2dBackwardWeight(x: F32, xShape: Shape, dy: F32, dyShape: Shape, dw: F32, wShape: Shape, attrs: Conv2dAttrs): void;
  maxPool2d(x: F32, xShape: Shape, out: F32, outShape: Shape, attrs: Pool2dAttrs): void;
  maxPool2dBackward(x: F32, xShape: Shape, dy: F32, dyShape: Shape, dx: F32, attrs: Pool2dAttrs): void;
  avgPool2d(x: F32, xShape: Shape, out: F32, outShape: Shape, attrs: Pool2dAttrs): void;
  avgPool2dBackward(dy: F32, dyShape: Shape, dx: F32, xShape: Shape, attrs: Pool2dAttrs): void;
  adaptiveAvgPool2d(x: F32, xShape: Shape, out: F32, outShape: Shape): void;
  adaptiveAvgPool2dBackward(dy: F32, dyShape: Shape, dx: F32, xShape: Shape): void;
  /** Softmax along the middle axis of x viewed as [outer, dim, inner]. */
  softmax(x: F32, outer: number, dim: number, inner: number, out: F32): void;
  logSoftmax(x: F32, outer: number, dim: number, inner: number, out: F32): void;
  /** In-place SGD update of `param` (momentum buffer may be null when momentum is 0). */
  sgdStep(param: F32, grad: F32, momentumBuf: F32 | null, attrs: SgdAttrs): void;
  /** In-place Adam/AdamW update; m and v are the moment buffers. */
  adamStep(param: F32, grad: F32, m: F32, v: F32, attrs: AdamAttrs): void;
};

export type KernelName = keyof KernelTable;

/** Every kernel name, for `fovea verify` and the conformance suite. */
export const KERNEL_NAMES: readonly KernelName[] = [
  'neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'tanh', 'sigmoid', 'square',
  'add', 'sub', 'mul', 'div',
  'reluBackward', 'tanhBackward', 'sigmoidBackward', 'leakyRelu', 'leakyReluBackward',
  'hardtanh', 'hardtanhBackward', 'elu', 'eluBackward', 'erf',
  'affineScalar', 'affineChannels', 'powScalar', 'sum', 'max', 'argmax', 'permute', 'matmul',
  'conv2d', 'conv2dFused', 'conv2dBackwardInput', 'conv2dBackwardWeight',
  'maxPool2d', 'maxPool2dBackward', 'avgPool2d', 'avgPool2dBackward',
  'adaptiveAvgPool2d', 'adaptiveAvgPool2dBackward', 'softmax', 'logSoftmax',
  'sgdStep', 'adamStep',
];

/** A backend: a name, a buffer allocator, and the kernels it implements. */
export interface Backend {
  readonly name: string;
  readonly kernels: Partial<KernelTable>;
  /** A buffer of `size` floats; zero-filled when `zero` is true, otherwise contents are unspecified. */
  alloc(size: number, zero: boolean): F32;
  /** Gives a buffer back for reuse; the caller guarantees nothing reads it again. */
  release(buf: F32): void;
  /**
   * A buffer that the JS garbage collector owns, for a tensor that no scope
   * tracks (a top-level inference result); present only where `alloc`'s
   * buffers are not such memory (wasm's live in its own heap).
   */
  allocCollected?(size: number, zero: boolean): F32;
  /** True when `buf` is this backend's own memory (kernels read it in place, no copy); present with allocCollected. */
  owns?(buf: F32): boolean;
}
