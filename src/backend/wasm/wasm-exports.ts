/** The functions the AssemblyScript kernels (./assembly) export; pointers are byte offsets. */
export interface WasmExports {
  gemm(m: number, n: number, k: number, a: number, sAi: number, sAp: number, b: number, sBp: number, sBj: number,
    c: number, ldc: number, accumulate: number, scratch: number): void;
  gemmScratchBytes(): number;
  unary(op: number, x: number, out: number, n: number): void;
  leakyRelu(x: number, out: number, n: number, slope: number): void;
  affineScalar(x: number, out: number, n: number, scale: number, shift: number): void;
  affineChannels(x: number, scale: number, shift: number, out: number, planes: number, channels: number, size: number): void;
  powScalar(x: number, out: number, n: number, e: number): void;
  unaryBackward(op: number, dy: number, s: number, out: number, n: number): void;
  leakyReluBackward(dy: number, x: number, out: number, n: number, slope: number): void;
  hardtanh(x: number, out: number, n: number, lo: number, hi: number): void;
  hardtanhBackward(dy: number, x: number, out: number, n: number, lo: number, hi: number): void;
  elu(x: number, out: number, n: number, alpha: number): void;
  eluBackward(dy: number, x: number, out: number, n: number, alpha: number): void;
  binaryFlat(op: number, a: number, b: number, out: number, n: number, mode: number): void;
  binaryStrided(op: number, a: number, b: number, out: number, n: number, rank: number, dims: number, idx: number): void;
  sum(x: number, n: number, out: number, nOut: number, rank: number, dims: number, idx: number, acc: number): void;
  sumMiddle(x: number, outer: number, mid: number, inner: number, out: number): void;
  sumMiddleRange(x: number, outer: number, mid: number, inner: number, out: number, c0: number, c1: number): void;
  maxArg(x: number, outer: number, dim: number, inner: number, out: number, mode: number): void;
  permute(x: number, out: number, n: number, rank: number, dims: number, idx: number): void;
  softmax(x: number, outer: number, dim: number, inner: number, out: number, log: number): void;
  setConv(n: number, c: number, h: number, w: number, o: number, kh: number, kw: number, oh: number, ow: number,
    sh: number, sw: number, pt: number, pl: number, dh: number, dw: number, g: number): void;
  /** The forward computes only output rows [y0, y1) (y0 a multiple of 4) until the next setConv. */
  setConvRows(y0: number, y1: number): void;
  /** True when the forward pass of the current setConv honours setConvRows. */
  convRowsSplit(): number;
  /** The forward applies relu (flags bit 1) and then a 2x2 max-pool (bit 2) until the next setConv. */
  setConvEpilogue(flags: number): void;
  /** True when the forward pass of the current setConv applies an epilogue itself. */
  convFusesEpilogue(): number;
  /** kind: 0 forward, 1 input gradient, 2 weight gradient. */
  convScratchBytes(kind: number): number;
  conv2d(x: number, w: number, bias: number, out: number, n0: number, n1: number, scratch: number): void;
  conv2dBackwardInput(dy: number, w: number, dx: number, n0: number, n1: number, scratch: number): void;
  conv2dBackwardWeight(x: number, dy: number, dw: number, n0: number, n1: number, scratch: number): void;
  setPool(nc: number, h: number, w: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number,
    ph: number, pw: number, dh: number, dw: number, countPad: number, divisor: number): void;
  pool2d(x: number, out: number, mode: number, p0: number, p1: number): void;
  pool2dBackward(x: number, dy: number, dx: number, mode: number, p0: number, p1: number): void;
  adaptiveAvg(x: number, out: number, planes: number, h: number, w: number, oh: number, ow: number, dir: number): void;
  sgdStep(p: number, g: number, buf: number, n: number, lr: number, momentum: number, dampening: number,
    weightDecay: number, nesterov: number, firstStep: number): void;
  adamStep(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: number, step: number): void;
}
