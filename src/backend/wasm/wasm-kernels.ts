/**
 * The wasm backend's kernel table: each entry marshals its buffers (see
 * marshal.ts) and calls the AssemblyScript kernel. Semantics are exactly the
 * js reference's (src/backend/kernels.ts documents every kernel).
 */
import { type F32, type KernelTable, MAX_POOL_2X2, type Shape, type UnaryKernel, epilogueShape } from '../kernels.js';
import { broadcastStrides, coalesceDims } from '../js/elementwise.js';
import type { Marshal } from './marshal.js';
import type { WasmExports } from './wasm-exports.js';
import { Job } from './parallel.js';
import type { ThreadPool } from './thread-pool.js';

/** A foreign GEMV weight at least this large (1 MiB) is streamed in blocks (see streamedGemv). */
const STREAM_MIN_FLOATS = 1 << 18;
/** Floats per streamed block: 128 KiB, well inside L2. */
const STREAM_BLOCK_FLOATS = 1 << 15;

const UNARY: Record<UnaryKernel, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, relu: 5, tanh: 6, sigmoid: 7, square: 8 };
const BINARY = { add: 0, sub: 1, mul: 2, div: 3 } as const;

function numel(s: Shape): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

function split(shape: Shape, axis: number): [number, number, number] {
  let outer = 1, inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[axis]!, inner];
}

/** Every kernel but erf (rare: GELU in imported models), which the js reference serves. */
export function wasmKernels(w: WasmExports, m: Marshal, pool: () => ThreadPool | null): Omit<KernelTable, 'erf'> {
  const gemmBytes = w.gemmScratchBytes();
  /** Geometry of a conv call in setConv's order. */
  const convGeometry = (xs: Shape, ws: Shape, os: Shape, a: ConvLike): number[] => [
    xs[0]!, xs[1]!, xs[2]!, xs[3]!, ws[0]!, ws[2]!, ws[3]!, os[2]!, os[3]!,
    a.stride[0]!, a.stride[1]!, a.padding[0]!, a.padding[1]!, a.dilation[0]!, a.dilation[1]!, a.groups,
  ];
  const poolGeometry = (xs: Shape, os: Shape, a: PoolLike): number[] => [
    xs[0]! * xs[1]!, xs[2]!, xs[3]!, os[2]!, os[3]!, a.kernel[0]!, a.kernel[1]!, a.stride[0]!, a.stride[1]!,
    a.padding[0]!, a.padding[1]!, a.dilation[0]!, a.dilation[1]!, a.countIncludePad ? 1 : 0, a.divisor,
  ];
  /** The pool, when there is one and the work is worth splitting. */
  const parallel = (items: number, work: number): ThreadPool | null => {
    const p = pool();
    return p && items >= 2 && work >= 1 << 18 ? p : null;
  };

  /** The pool for a memory-bound element-wise pass over n floats: only past 4 MiB, where two threads' bandwidth pays for the wake-up. */
  const parallelFlat = (n: number): ThreadPool | null => (n >= 1 << 20 ? parallel(2, n) : null);
  const unary = (op: UnaryKernel) => (x: F32, out: F32): void => {
    m.begin([x, out]);
    const px = m.in(x), po = m.out(out);
    const p = parallelFlat(x.length);
    if (p) p.run(Job.Unary, [UNARY[op], px, 0, po, x.length], 0, 0);
    else w.unary(UNARY[op], px, po, x.length);
    m.end();
  };
  const unaryBackward = (op: number) => (dy: F32, s: F32, out: F32): void => {
    m.begin([dy, s, out]);
    const pdy = m.in(dy), ps = m.in(s), po = m.out(out);
    const p = parallelFlat(dy.length);
    if (p) p.run(Job.UnaryBackward, [op, pdy, ps, po, dy.length], 0, 0);
    else w.unaryBackward(op, pdy, ps, po, dy.length);
    m.end();
  };
  const binary = (op: keyof typeof BINARY) => (a: F32, aShape: Shape, b: F32, bShape: Shape, out: F32, outShape: Shape): void => {
    const n = out.length;
    const rank = outShape.length;
    m.begin([a, b, out], rank * 16 + 256);
    const pa = m.in(a), pb = m.in(b), po = m.out(out);
    if (a.length === n && b.length === n) w.binaryFlat(BINARY[op], pa, pb, po, n, 0);
    else if (b.length === 1 && a.length === n) w.binaryFlat(BINARY[op], pa, pb, po, n, 1);
    else if (a.length === 1 && b.length === n) w.binaryFlat(BINARY[op], pa, pb, po, n, 2);
    else {
      const c = coalesceDims(outShape, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape));
      const dims = m.ints([...c.shape, ...c.a, ...c.b]);
      w.binaryStrided(BINARY[op], pa, pb, po, n, c.shape.length, dims, m.ints([], c.shape.length));
    }
    m.end();
  };

  function poolForward(px: number, po: number, mode: number, xs: Shape, os: Shape, a: PoolLike, work: number): void {
    const geo = poolGeometry(xs, os, a);
    const p = parallel(geo[0]!, work * 4);
    if (p) p.run(Job.Pool, [...geo, px, po, mode], 0, 0);
    else {
      setPool(w, xs, os, a);
      w.pool2d(px, po, mode, 0, geo[0]!);
    }
  }
  function poolBackward(px: number, pdy: number, pdx: number, mode: number, xs: Shape, os: Shape, a: PoolLike, work: number): void {
    const geo = poolGeometry(xs, os, a);
    const p = parallel(geo[0]!, work * 4);
    if (p) p.run(Job.PoolBackward, [...geo, px, pdy, pdx, mode], 0, 0);
    else {
      setPool(w, xs, os, a);
      w.pool2dBackward(px, pdy, pdx, mode, 0, geo[0]!);
    }
  }

  /** A forward convolution (setConv already called) on wasm pointers, with the epilogue flags of setConvEpilogue (1 relu, 2 pool). */
  function convForward(px: number, xs: Shape, pw: number, ws: Shape, pbias: number, po: number, os: Shape, a: ConvLike,
    epilogue: number, scratch: number, sb: number): void {
    const work = numel(os) * ws[1]! * ws[2]! * ws[3]!;
    const args = [...convGeometry(xs, ws, os, a), px, pw, pbias, po, epilogue];
    const p = parallel(xs[0]!, work);
    if (p) p.run(Job.ConvForward, args, sb, scratch);
    else {
      // fewer images than threads (batch 1: latency): split the output rows instead, where the kernel can
      const rowsPool = xs[0]! < 2 && w.convRowsSplit() ? parallel(os[2]! >> 2, work) : null;
      if (rowsPool) rowsPool.run(Job.ConvForwardRows, args, sb, scratch);
      else {
        w.setConvEpilogue(epilogue);
        w.conv2d(px, pw, pbias, po, 0, xs[0]!, scratch);
      }
    }
  }

  /**
   * out = a @ b^T for a few rows of `a` and a large b in JS memory (a Linear
   * layer's weight [n, k] at batch 1): b goes through wasm memory a block of
   * rows at a time, each block multiplied while it is still in cache, instead
   * of one whole copy that the GEMV then reads back from main memory.
   */
  function streamedGemv(a: F32, b: F32, out: F32, mm: number, n: number, k: number): void {
    const rows = Math.max(8, Math.floor(STREAM_BLOCK_FLOATS / k) & ~7);
    m.begin([a, out], rows * k * 4);
    const pa = m.in(a), po = m.out(out), buf = m.scratch(rows * k * 4);
    for (let j0 = 0; j0 < n; j0 += rows) {
      const r = Math.min(rows, n - j0);
      m.copyTo(buf, b.subarray(j0 * k, (j0 + r) * k));
      // (the small-m dot-product path: no packing, so no GEMM scratch)
      w.gemm(mm, r, k, pa, k, 1, buf, 1, k, po + j0 * 4, n, 0, 0);
    }
    m.end();
  }

  return {
    neg: unary('neg'), exp: unary('exp'), log: unary('log'), sqrt: unary('sqrt'), abs: unary('abs'),
    relu: unary('relu'), tanh: unary('tanh'), sigmoid: unary('sigmoid'), square: unary('square'),
    add: binary('add'), sub: binary('sub'), mul: binary('mul'), div: binary('div'),
    reluBackward: unaryBackward(0), tanhBackward: unaryBackward(1), sigmoidBackward: unaryBackward(2),
    leakyRelu(x, out, slope) {
      m.begin([x, out]);
      w.leakyRelu(m.in(x), m.out(out), x.length, slope);
      m.end();
    },
    leakyReluBackward(dy, x, out, slope) {
      m.begin([dy, x, out]);
      w.leakyReluBackward(m.in(dy), m.in(x), m.out(out), dy.length, slope);
      m.end();
    },
    hardtanh(x, out, min, max) {
      m.begin([x, out]);
      w.hardtanh(m.in(x), m.out(out), x.length, min, max);
      m.end();
    },
    hardtanhBackward(dy, x, out, min, max) {
      m.begin([dy, x, out]);
      w.hardtanhBackward(m.in(dy), m.in(x), m.out(out), dy.length, min, max);
      m.end();
    },
    elu(x, out, alpha) {
      m.begin([x, out]);
      w.elu(m.in(x), m.out(out), x.length, alpha);
      m.end();
    },
    eluBackward(dy, x, out, alpha) {
      m.begin([dy, x, out]);
      w.eluBackward(m.in(dy), m.in(x), m.out(out), dy.length, alpha);
      m.end();
    },
    affineScalar(x, out, scale, shift) {
      m.begin([x, out]);
      w.affineScalar(m.in(x), m.out(out), x.length, scale, shift);
      m.end();
    },
    affineChannels(x, scale, shift, out, size) {
      m.begin([x, scale, shift, out]);
      w.affineChannels(m.in(x), m.in(scale), m.in(shift), m.out(out), x.length / size, scale.length, size);
      m.end();
    },
    powScalar(x, out, e) {
      m.begin([x, out]);
      w.powScalar(m.in(x), m.out(out), x.length, e);
      m.end();
    },
    sum(x, shape, axes, out) {
      const rank = shape.length;
      if (rank === 0) {
        out[0] = x.length ? x[0]! : 0;
        return;
      }
      // [outer, mid, inner] summed over outer and inner (a bias gradient): the fast kernel
      const kept = [...Array(rank).keys()].filter((d) => !axes.includes(d));
      if (kept.length === 1 && kept[0]! > 0 && kept[0]! < rank - 1) {
        const [outer, mid, inner] = split(shape, kept[0]!);
        m.begin([x, out]);
        const px = m.in(x), po = m.out(out);
        const p = mid >= 2 ? parallelFlat(x.length) : null;
        if (p) p.run(Job.SumMiddle, [px, outer, mid, inner, po], 0, 0);
        else w.sumMiddle(px, outer, mid, inner, po);
        m.end();
        return;
      }
      const os = new Array<number>(rank).fill(0);
      let s = 1;
      for (let d = rank - 1; d >= 0; d--) if (!axes.includes(d)) { os[d] = s; s *= shape[d]!; }
      m.begin([x, out], out.length * 8 + rank * 12 + 256);
      const acc = m.scratch(out.length * 8);
      w.sum(m.in(x), x.length, m.out(out), out.length, rank, m.ints([...shape, ...os]), m.ints([], rank), acc);
      m.end();
    },
    max(x, shape, axis, out) {
      m.begin([x, out]);
      w.maxArg(m.in(x), ...split(shape, axis), m.out(out), 0);
      m.end();
    },
    argmax(x, shape, axis, out) {
      m.begin([x, out]);
      w.maxArg(m.in(x), ...split(shape, axis), m.out(out), 1);
      m.end();
    },
    permute(x, shape, perm, out) {
      const rank = shape.length;
      const inStrides = new Array<number>(rank).fill(1);
      for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1]! * shape[d + 1]!;
      m.begin([x, out], rank * 12 + 256);
      const dims = m.ints([...perm.map((p) => shape[p]!), ...perm.map((p) => inStrides[p]!)]);
      w.permute(m.in(x), m.out(out), out.length, rank, dims, m.ints([], rank));
      m.end();
    },
    softmax(x, outer, dim, inner, out) {
      m.begin([x, out]);
      w.softmax(m.in(x), outer, dim, inner, m.out(out), 0);
      m.end();
    },
    logSoftmax(x, outer, dim, inner, out) {
      m.begin([x, out]);
      w.softmax(m.in(x), outer, dim, inner, m.out(out), 1);
      m.end();
    },
    matmul(a, b, out, batch, mm, n, k, transA, transB, aStride, bStride) {
      if (batch === 1 && mm < 8 && transB && !transA && b.length >= STREAM_MIN_FLOATS && !m.owns(b)) {
        streamedGemv(a, b, out, mm, n, k);
        return;
      }
      m.begin([a, b, out], gemmBytes);
      const pa = m.in(a), pb = m.in(b), po = m.out(out), scratch = m.scratch(gemmBytes);
      const sAi = transA ? 1 : k, sAp = transA ? mm : 1;
      const sBp = transB ? 1 : n, sBj = transB ? k : 1;
      const p = parallel(mm / 4, mm * n * k);
      for (let i = 0; i < batch; i++) {
        const ai = pa + i * aStride * 4, bi = pb + i * bStride * 4, ci = po + i * mm * n * 4;
        if (p) p.run(Job.Gemm, [mm, n, k, ai, sAi, sAp, bi, sBp, sBj, ci, n, 0], gemmBytes, scratch);
        else w.gemm(mm, n, k, ai, sAi, sAp, bi, sBp, sBj, ci, n, 0, scratch);
      }
      m.end();
    },
    conv2d(x, xShape, wt, wShape, bias, out, outShape, a) {
      setConv(w, xShape, wShape, outShape, a);
      const sb = w.convScratchBytes(0);
      m.begin([x, wt, bias, out], sb);
      const px = m.in(x), pw = m.in(wt), pbias = bias ? m.in(bias) : 0, po = m.out(out), scratch = m.scratch(sb);
      convForward(px, xShape, pw, wShape, pbias, po, outShape, a, 0, scratch, sb);
      m.end();
    },
    conv2dFused(x, xShape, wt, wShape, bias, out, convShape, a, e) {
      setConv(w, xShape, wShape, convShape, a);
      const sb = w.convScratchBytes(0);
      const fused = w.convFusesEpilogue() !== 0;
      // unfused (im2col and depthwise paths): the full-size maps go through the arena, then the pool and relu
      const yBytes = fused || !e.maxPool ? 0 : numel(convShape) * 4;
      m.begin([x, wt, bias, out], sb + yBytes + 64);
      const px = m.in(x), pw = m.in(wt), pbias = bias ? m.in(bias) : 0, po = m.out(out), scratch = m.scratch(sb);
      if (fused) {
        convForward(px, xShape, pw, wShape, pbias, po, convShape, a, (e.relu ? 1 : 0) | (e.maxPool ? 2 : 0), scratch, sb);
      } else {
        const py = e.maxPool ? m.scratch(yBytes) : po, n = numel(convShape);
        convForward(px, xShape, pw, wShape, pbias, py, convShape, a, 0, scratch, sb);
        // the pool first: ReLU and max commute, so the ReLU runs on a quarter of the pixels
        if (e.maxPool) poolForward(py, po, 0, convShape, epilogueShape(convShape, e), MAX_POOL_2X2, n);
        if (e.relu) w.unary(UNARY.relu, po, po, numel(epilogueShape(convShape, e)));
      }
      m.end();
    },
    conv2dBackwardInput(dy, dyShape, wt, wShape, dx, xShape, a) {
      setConv(w, xShape, wShape, dyShape, a);
      const sb = w.convScratchBytes(1);
      m.begin([dy, wt, dx], sb);
      const pdy = m.in(dy), pw = m.in(wt), pdx = m.out(dx), scratch = m.scratch(sb);
      const p = parallel(xShape[0]!, dy.length * wShape[1]! * wShape[2]! * wShape[3]!);
      if (p) p.run(Job.ConvBackwardInput, [...convGeometry(xShape, wShape, dyShape, a), pdy, pw, pdx], sb, scratch);
      else w.conv2dBackwardInput(pdy, pw, pdx, 0, xShape[0]!, scratch);
      m.end();
    },
    conv2dBackwardWeight(x, xShape, dy, dyShape, dw, wShape, a) {
      setConv(w, xShape, wShape, dyShape, a);
      const sb = w.convScratchBytes(2);
      m.begin([x, dy, dw], sb);
      const px = m.in(x), pdy = m.in(dy), pdw = m.out(dw), scratch = m.scratch(sb);
      const p = parallel(xShape[0]!, dy.length * wShape[1]! * wShape[2]! * wShape[3]!);
      if (p) {
        // each worker sums its images into a private partial gradient; add them up here
        const dwBytes = Math.ceil((dw.length * 4) / 64) * 64;
        const used = p.run(Job.ConvBackwardWeight, [...convGeometry(xShape, wShape, dyShape, a), px, pdy, pdw, 0, dwBytes], dwBytes + sb, scratch);
        for (let t = 1; t < used; t++) w.binaryFlat(0, pdw, p.scratchOf(t), pdw, dw.length, 0);
      } else w.conv2dBackwardWeight(px, pdy, pdw, 0, xShape[0]!, scratch);
      m.end();
    },
    maxPool2d(x, xShape, out, outShape, a) {
      m.begin([x, out]);
      poolForward(m.in(x), m.out(out), 0, xShape, outShape, a, x.length);
      m.end();
    },
    maxPool2dBackward(x, xShape, dy, dyShape, dx, a) {
      m.begin([x, dy, dx]);
      poolBackward(m.in(x), m.in(dy), m.out(dx), 0, xShape, dyShape, a, x.length);
      m.end();
    },
    avgPool2d(x, xShape, out, outShape, a) {
      m.begin([x, out]);
      poolForward(m.in(x), m.out(out), 1, xShape, outShape, a, x.length);
      m.end();
    },
    avgPool2dBackward(dy, dyShape, dx, xShape, a) {
      m.begin([dy, dx]);
      poolBackward(0, m.in(dy), m.out(dx), 1, xShape, dyShape, a, dx.length);
      m.end();
    },
    adaptiveAvgPool2d(x, xShape, out, outShape) {
      m.begin([x, out]);
      w.adaptiveAvg(m.in(x), m.out(out), xShape[0]! * xShape[1]!, xShape[2]!, xShape[3]!, outShape[2]!, outShape[3]!, 0);
      m.end();
    },
    adaptiveAvgPool2dBackward(dy, dyShape, dx, xShape) {
      m.begin([dy, dx]);
      w.adaptiveAvg(m.in(dy), m.out(dx), xShape[0]! * xShape[1]!, xShape[2]!, xShape[3]!, dyShape[2]!, dyShape[3]!, 1);
      m.end();
    },
    sgdStep(p, g, buf, a) {
      m.begin([p, g, buf]);
      w.sgdStep(m.inout(p), m.in(g), buf ? m.inout(buf) : 0, p.length, a.lr, a.momentum, a.dampening, a.weightDecay,
        a.nesterov ? 1 : 0, a.firstStep ? 1 : 0);
      m.end();
    },
    adamStep(p, g, mm, v, a) {
      m.begin([p, g, mm, v]);
      w.adamStep(m.inout(p), m.in(g), m.inout(mm), m.inout(v), p.length, a.lr, a.beta1, a.beta2, a.eps, a.weightDecay,
        a.decoupled ? 1 : 0, a.step);
      m.end();
    },
  };
}

interface ConvLike { stride: readonly number[]; padding: readonly number[]; dilation: readonly number[]; groups: number }
interface PoolLike { kernel: readonly number[]; stride: readonly number[]; padding: readonly number[]; dilation: readonly number[]; countIncludePad: boolean; divisor: number }

function setConv(w: WasmExports, xs: Shape, ws: Shape, os: Shape, a: ConvLike): void {
  w.setConv(xs[0]!, xs[1]!, xs[2]!, xs[3]!, ws[0]!, ws[2]!, ws[3]!, os[2]!, os[3]!,
    a.stride[0]!, a.stride[1]!, a.padding[0]!, a.padding[1]!, a.dilation[0]!, a.dilation[1]!, a.groups);
}

function setPool(w: WasmExports, xs: Shape, os: Shape, a: PoolLike): number {
  w.setPool(xs[0]! * xs[1]!, xs[2]!, xs[3]!, os[2]!, os[3]!, a.kernel[0]!, a.kernel[1]!, a.stride[0]!, a.stride[1]!,
    a.padding[0]!, a.padding[1]!, a.dilation[0]!, a.dilation[1]!, a.countIncludePad ? 1 : 0, a.divisor);
  return xs[0]! * xs[1]!;
}

export { numel };
