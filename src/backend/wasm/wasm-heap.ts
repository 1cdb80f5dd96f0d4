/**
 * Tensor memory for the wasm backend: float32 buffers that are views into the
 * (shared) WebAssembly.Memory, so kernels read and write tensors in place,
 * without copies. Released buffers (scope ends) go back to a pool by size;
 * buffers that are simply dropped are reclaimed through a
 * FinalizationRegistry, the safety net that keeps memory flat without any
 * dispose() calls.
 */
import { FoveaError } from '../../tensor/errors.js';

const ALIGN = 64;
const PAGE = 65536;

export class WasmHeap {
  private top: number;
  private readonly pools = new Map<number, Float32Array[]>();
  private readonly freeRanges = new Map<number, number[]>();
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly registry = new FinalizationRegistry<[number, number]>(([ptr, bytes]) => this.freeRange(ptr, bytes));
  private pooledFloats = 0;

  constructor(readonly memory: WebAssembly.Memory, base: number, private readonly maxPoolFloats = 256 * 1024 * 1024) {
    this.top = align(base);
    this.buffers.add(memory.buffer);
  }

  /** Bytes of wasm memory in use by the heap (high-water mark). */
  get highWater(): number {
    return this.top;
  }

  /** True when `arr` is a view on this heap's memory (any view, subarrays included). */
  owns(arr: Float32Array): boolean {
    return this.buffers.has(arr.buffer);
  }

  /** A float32 view of `n` floats; zero-filled when `zero`. */
  alloc(n: number, zero: boolean): Float32Array {
    const pooled = this.pools.get(n)?.pop();
    if (pooled) {
      this.pooledFloats -= n;
      if (zero) pooled.fill(0);
      return pooled;
    }
    const bytes = align(Math.max(4, n * 4));
    const ptr = this.allocRaw(bytes);
    const view = new Float32Array(this.memory.buffer, ptr, n);
    if (zero) view.fill(0); // recycled ranges hold old data
    this.registry.register(view, [ptr, bytes], view);
    return view;
  }

  /** Returns a buffer for reuse by a later alloc of the same size. */
  release(view: Float32Array): void {
    if (!this.owns(view)) return;
    if (this.pooledFloats + view.length > this.maxPoolFloats) {
      // The pool is full: hand the range back now rather than when the view is collected, which may be
      // never on a quiet JS heap (a big model's activations would then grow the memory on every run).
      this.registry.unregister(view);
      this.freeRange(view.byteOffset, align(Math.max(4, view.length * 4)));
      return;
    }
    let list = this.pools.get(view.length);
    if (!list) this.pools.set(view.length, (list = []));
    list.push(view);
    this.pooledFloats += view.length;
  }

  /** A raw byte range (scratch, parameters of kernels); give it back with freeRange. */
  allocRaw(bytes: number): number {
    bytes = align(bytes);
    const reused = this.freeRanges.get(bytes)?.pop();
    if (reused !== undefined) return reused;
    const ptr = this.top;
    const end = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(Math.max(pages, Math.min(1024, Math.ceil(have / PAGE / 4))));
      } catch {
        try {
          this.memory.grow(pages);
        } catch {
          throw new FoveaError(
            `wasm backend: out of memory allocating ${(bytes / 2 ** 20).toFixed(1)} MiB ` +
              `(heap holds ${(have / 2 ** 20).toFixed(0)} MiB of at most ${(maxBytes(this.memory) / 2 ** 20).toFixed(0)} MiB); ` +
              'use a smaller batch or model',
          );
        }
      }
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    return ptr;
  }

  freeRange(ptr: number, bytes: number): void {
    let list = this.freeRanges.get(bytes);
    if (!list) this.freeRanges.set(bytes, (list = []));
    list.push(ptr);
  }

  /** A fresh view on the current memory (after growth the old ArrayBuffer object is stale but still valid). */
  view(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** Drops every pooled buffer; their memory returns to the free ranges. */
  clearPools(): void {
    for (const list of this.pools.values()) {
      for (const view of list) {
        this.registry.unregister(view);
        this.freeRange(view.byteOffset, align(Math.max(4, view.length * 4)));
      }
    }
    this.pools.clear();
    this.pooledFloats = 0;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function maxBytes(memory: WebAssembly.Memory): number {
  void memory;
  return 4 * 1024 * 2 ** 20;
}
