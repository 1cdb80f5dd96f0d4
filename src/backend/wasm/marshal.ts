/**
 * Passing buffers to wasm kernels. Tensors allocated by the wasm backend
 * already live in wasm memory and pass as pointers; any other Float32Array
 * (user data, the js backend's buffers) is copied into a per-call scratch
 * arena, and outputs are copied back after the call.
 */
import { FoveaError } from '../../errors.js';
import type { WasmHeap } from './wasm-heap.js';

const SLACK = 128;

export class Marshal {
  private arena = 0;
  private arenaBytes = 0;
  private used = 0;
  private readonly pending: [Float32Array, number][] = [];

  constructor(private readonly heap: WasmHeap) {}

  /**
   * Starts a kernel call whose buffers are `arrays` and that needs `extraBytes`
   * of scratch: sizes the arena once, so no pointer moves during the call.
   */
  begin(arrays: readonly (Float32Array | null)[], extraBytes = 0): this {
    let need = extraBytes + 1024;
    for (const a of arrays) if (a && !this.heap.owns(a)) need += a.length * 4 + SLACK;
    if (need > this.arenaBytes) {
      if (this.arenaBytes) this.heap.freeRange(this.arena, this.arenaBytes);
      this.arenaBytes = Math.ceil((need * 1.25) / 65536) * 65536;
      this.arena = this.heap.allocRaw(this.arenaBytes);
    }
    this.used = 0;
    this.pending.length = 0;
    return this;
  }

  /** Scratch bytes inside this call's arena (64-byte aligned). */
  scratch(bytes: number): number {
    const size = Math.ceil(bytes / 64) * 64 + 64;
    if (this.used + size > this.arenaBytes) {
      throw new FoveaError(`internal: wasm scratch arena of ${this.arenaBytes} bytes is too small (begin() undercounted)`);
    }
    const p = this.arena + this.used;
    this.used += size;
    return p;
  }

  /** True when `arr` already lives in wasm memory (passes as a pointer, no copy). */
  owns(arr: Float32Array): boolean {
    return this.heap.owns(arr);
  }

  /** Copies `arr` to the pointer `p` in wasm memory. */
  copyTo(p: number, arr: Float32Array): void {
    this.heap.view(p, arr.length).set(arr);
  }

  /** Pointer to read `arr` from. */
  in(arr: Float32Array): number {
    if (this.heap.owns(arr)) return arr.byteOffset;
    const p = this.scratch(arr.length * 4);
    this.heap.view(p, arr.length).set(arr);
    return p;
  }

  /** Pointer to write `arr` through (copied back by `end`). */
  out(arr: Float32Array): number {
    if (this.heap.owns(arr)) return arr.byteOffset;
    const p = this.scratch(arr.length * 4);
    this.pending.push([arr, p]);
    return p;
  }

  /** Pointer to read and write `arr` in place. */
  inout(arr: Float32Array): number {
    if (this.heap.owns(arr)) return arr.byteOffset;
    const p = this.in(arr);
    this.pending.push([arr, p]);
    return p;
  }

  /** An i32 parameter block (shapes, strides) plus `extraInts` of zeroed int scratch. */
  ints(values: readonly number[], extraInts = 0): number {
    const p = this.scratch((values.length + extraInts) * 4);
    new Int32Array(this.heap.memory.buffer, p, values.length).set(values);
    return p;
  }

  /** Copies outputs of foreign buffers back. */
  end(): void {
    for (const [arr, p] of this.pending) arr.set(this.heap.view(p, arr.length));
    this.pending.length = 0;
  }
}
