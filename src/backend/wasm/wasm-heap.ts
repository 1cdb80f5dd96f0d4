/**
 * Tensor memory for the wasm backend: float32 buffers that are views into the
 * (shared) WebAssembly.Memory, so kernels read and write tensors in place,
 * without copies. Released buffers (scope ends) go back to a pool by size
 * (the same view is handed out again: no allocation at all in a training
 * loop); buffers that are simply dropped are reclaimed through a
 * FinalizationRegistry, the safety net that keeps memory flat without any
 * dispose() calls. Memory that leaves the pool goes to a free list that
 * merges neighbours and splits blocks (best fit), so a model whose tensors
 * change size (another batch size, another network) reuses what the last
 * one freed instead of growing the memory; the pools are emptied into it
 * whenever they cannot serve a request.
 */
import { FoveaError } from '../../errors.js';

const ALIGN = 64;
const PAGE = 65536;

export class WasmHeap {
  private top: number;
  private readonly pools = new Map<number, Float32Array[]>();
  /** Free blocks, sorted by address, never adjacent (merged on free); none ends at `top` (that lowers `top`). */
  private readonly free: { ptr: number; bytes: number }[] = [];
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly registry = new FinalizationRegistry<[number, number]>(([ptr, bytes]) => this.freeRange(ptr, bytes));
  private pooledFloats = 0;
  private pooledBytes = 0;
  private peak = 0;
  private readonly base: number;

  constructor(readonly memory: WebAssembly.Memory, base: number, private readonly maxPoolFloats = 256 * 1024 * 1024) {
    this.top = align(base);
    this.base = this.top;
    this.peak = this.top;
    this.buffers.add(memory.buffer);
  }

  /** The highest address ever allocated: what the memory must hold (flat over a long run when nothing leaks). */
  get highWater(): number {
    return this.peak;
  }

  /**
   * Bytes held by live allocations: neither free nor parked in a pool for reuse
   * (tensors, kernel scratch). Flat over a loop that leaks nothing.
   */
  get usedBytes(): number {
    return this.top - this.base - this.freeBytes - this.pooledBytes;
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
      this.pooledBytes -= align(Math.max(4, n * 4));
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
    this.pooledBytes += align(Math.max(4, view.length * 4));
  }

  /** A raw byte range (scratch, parameters of kernels); give it back with freeRange. */
  allocRaw(bytes: number): number {
    bytes = align(bytes);
    let ptr = this.takeFree(bytes);
    if (ptr === undefined && this.pooledFloats > 0) {
      // A size the pools cannot serve: buffers pooled for other sizes are worth more as free memory than
      // new memory is. (A training loop reaches a state where every size is pooled and never gets here;
      // inference that frees activations as it goes reuses them across sizes this way.)
      this.clearPools();
      ptr = this.takeFree(bytes);
    }
    return ptr ?? this.bump(bytes);
  }

  /** Best fit from the free list (the smallest block that holds `bytes`), splitting off the rest. */
  private takeFree(bytes: number): number | undefined {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.bytes >= bytes && (best < 0 || b.bytes < this.free[best]!.bytes)) best = i;
    }
    if (best < 0) return undefined;
    const b = this.free[best]!;
    const ptr = b.ptr;
    if (b.bytes === bytes) this.free.splice(best, 1);
    else {
      b.ptr += bytes;
      b.bytes -= bytes;
    }
    return ptr;
  }

  /** New memory above everything allocated, growing the WebAssembly.Memory if needed. */
  private bump(bytes: number): number {
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
              `(heap holds ${(have / 2 ** 20).toFixed(0)} MiB of at most ${(maxBytes(this.memory) / 2 ** 20).toFixed(0)} MiB, ${(this.freeBytes / 2 ** 20).toFixed(0)} MiB of it free in pieces too small); ` +
              'use a smaller batch or model',
          );
        }
      }
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    this.peak = Math.max(this.peak, end);
    return ptr;
  }

  /** Returns `bytes` at `ptr` (from allocRaw, or a released view's range) to the free list, merging neighbours. */
  freeRange(ptr: number, bytes: number): void {
    bytes = align(bytes);
    // Binary search for the first block above ptr.
    let lo = 0, hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid]!.ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const prev = this.free[lo - 1];
    const next = this.free[lo];
    if ((prev && prev.ptr + prev.bytes > ptr) || (next && ptr + bytes > next.ptr)) {
      throw new FoveaError(`internal: wasm heap: freeing [${ptr}, ${ptr + bytes}) overlaps a free block (double release?)`);
    }
    let block: { ptr: number; bytes: number };
    if (prev && prev.ptr + prev.bytes === ptr) {
      prev.bytes += bytes;
      block = prev;
      if (next && block.ptr + block.bytes === next.ptr) {
        block.bytes += next.bytes;
        this.free.splice(lo, 1);
      }
    } else if (next && ptr + bytes === next.ptr) {
      next.ptr = ptr;
      next.bytes += bytes;
      block = next;
    } else {
      block = { ptr, bytes };
      this.free.splice(lo, 0, block);
    }
    if (block.ptr + block.bytes === this.top) {
      this.top = block.ptr;
      this.free.splice(this.free.indexOf(block), 1);
    }
  }

  /** Bytes in the free list (not counting pooled buffers). */
  get freeBytes(): number {
    return this.free.reduce((a, b) => a + b.bytes, 0);
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
    this.pooledBytes = 0;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function maxBytes(memory: WebAssembly.Memory): number {
  void memory;
  return 4 * 1024 * 2 ** 20;
}
