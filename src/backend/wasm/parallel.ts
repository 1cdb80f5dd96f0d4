/**
 * The jobs the wasm backend splits across threads, shared by the main thread
 * and the workers: each thread runs `runJob` for its own slice (a range of
 * images, planes or matrix rows) on the same shared memory. Job arguments
 * sit in a Float64Array in that memory (see ARG_*).
 */
import type { WasmExports } from './wasm-exports.js';

export const enum Job {
  Stop = -1,
  ConvForward = 1,
  ConvBackwardInput = 2,
  ConvBackwardWeight = 3,
  Gemm = 4,
  Pool = 5,
  PoolBackward = 6,
  /** One image's (or a few images') forward convolution, split by output rows. */
  ConvForwardRows = 7,
  /** An element-wise op (unary, or unary backward) over a flat range, split in 64-byte pieces. */
  Unary = 8,
  UnaryBackward = 9,
  /** A bias gradient (sum over outer and inner of [outer, mid, inner]), split by mid. */
  SumMiddle = 10,
}

/** Control block (Int32Array): [0] sequence number, [1] job, [2] threads, [3] done count, [4] error flag, [5] workers started. */
export const CTRL_INTS = 8;
/** Argument block (Float64Array): job parameters from 0, per-thread scratch pointers from ARG_SCRATCH. */
export const ARG_FLOATS = 64;
export const ARG_SCRATCH = 48;
export const MAX_THREADS = 16;

/** [start, end) of thread `tid`'s share of `n` items, in multiples of `grain`. */
export function slice(n: number, tid: number, threads: number, grain = 1): [number, number] {
  const units = Math.ceil(n / grain);
  const per = Math.floor(units / threads);
  const extra = units % threads;
  const u0 = tid * per + Math.min(tid, extra);
  const u1 = u0 + per + (tid < extra ? 1 : 0);
  return [Math.min(n, u0 * grain), Math.min(n, u1 * grain)];
}

/** Runs thread `tid`'s part of the job described by `a`. */
export function runJob(w: WasmExports, a: Float64Array, tid: number, threads: number, scratch: number): void {
  const job = a[0]!;
  switch (job) {
    case Job.ConvForward:
    case Job.ConvBackwardInput:
    case Job.ConvBackwardWeight: {
      w.setConv(a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!, a[16]!);
      const [n0, n1] = slice(a[1]!, tid, threads);
      // (a thread with no images still writes its zeroed partial weight gradient)
      if (n0 >= n1 && job !== Job.ConvBackwardWeight) return;
      if (job === Job.ConvForward) {
        w.setConvEpilogue(a[21]!);
        w.conv2d(a[17]!, a[18]!, a[19]!, a[20]!, n0, n1, scratch);
      }
      else if (job === Job.ConvBackwardInput) w.conv2dBackwardInput(a[17]!, a[18]!, a[19]!, n0, n1, scratch);
      else {
        // thread 0 writes dw; the others write partial sums at the start of their scratch
        const dwBytes = a[21]!;
        const dst = tid === 0 ? a[19]! : scratch;
        w.conv2dBackwardWeight(a[17]!, a[18]!, dst, n0, n1, tid === 0 ? scratch : scratch + dwBytes);
      }
      return;
    }
    case Job.ConvForwardRows: {
      w.setConv(a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!, a[16]!);
      const [y0, y1] = slice(a[8]!, tid, threads, 4);
      if (y0 >= y1) return;
      w.setConvRows(y0, y1);
      w.setConvEpilogue(a[21]!);
      w.conv2d(a[17]!, a[18]!, a[19]!, a[20]!, 0, a[1]!, scratch);
      return;
    }
    case Job.Unary:
    case Job.UnaryBackward: {
      // [op, x (or dy), s (backward only), out, n]
      const [i0, i1] = slice(a[5]!, tid, threads, 16);
      if (i0 >= i1) return;
      if (job === Job.Unary) w.unary(a[1]!, a[2]! + i0 * 4, a[4]! + i0 * 4, i1 - i0);
      else w.unaryBackward(a[1]!, a[2]! + i0 * 4, a[3]! + i0 * 4, a[4]! + i0 * 4, i1 - i0);
      return;
    }
    case Job.SumMiddle: {
      // [x, outer, mid, inner, out]: each thread sums its channels over every outer row
      const mid = a[3]!, inner = a[4]!;
      const [c0, c1] = slice(mid, tid, threads);
      if (c0 >= c1) return;
      w.sumMiddleRange(a[1]!, a[2]!, mid, inner, a[5]!, c0, c1);
      return;
    }
    case Job.Gemm: {
      // split the rows of C
      const m = a[1]!;
      const [i0, i1] = slice(m, tid, threads, 4);
      if (i0 >= i1) return;
      const sAi = a[5]!;
      w.gemm(i1 - i0, a[2]!, a[3]!, a[4]! + i0 * sAi * 4, sAi, a[6]!, a[7]!, a[8]!, a[9]!, a[10]! + i0 * a[11]! * 4, a[11]!, a[12]!, scratch);
      return;
    }
    case Job.Pool:
    case Job.PoolBackward: {
      w.setPool(a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9]!, a[10]!, a[11]!, a[12]!, a[13]!, a[14]!, a[15]!);
      const [p0, p1] = slice(a[1]!, tid, threads);
      if (p0 >= p1) return;
      if (job === Job.Pool) w.pool2d(a[16]!, a[17]!, a[18]!, p0, p1);
      else w.pool2dBackward(a[16]!, a[17]!, a[18]!, a[19]!, p0, p1);
      return;
    }
    default:
      throw new Error(`unknown wasm job ${job}`);
  }
}
