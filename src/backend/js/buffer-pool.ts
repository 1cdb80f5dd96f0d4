/**
 * Float32Array reuse for the js backend. On these machines the first touch of
 * a fresh 4 KiB page costs ~11 us, so a new 1 MiB activation per layer per
 * step would cost milliseconds; buffers released at the end of a scope (see
 * tensor/scope.ts) are handed out again for the next request of the same size.
 */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private held = 0;
  /** Bytes currently parked in the pool (for diagnostics and tests). */
  get pooledBytes(): number {
    return this.held * 4;
  }

  /** Largest total size the pool keeps (floats); beyond it, released buffers go to the GC. */
  constructor(private readonly maxFloats = 64 * 1024 * 1024) {}

  alloc(size: number, zero: boolean): Float32Array {
    const list = this.free.get(size);
    const buf = list?.pop();
    if (buf) {
      this.held -= size;
      if (zero) buf.fill(0);
      return buf;
    }
    return new Float32Array(size);
  }

  release(buf: Float32Array): void {
    const size = buf.length;
    if (size < 64 || this.held + size > this.maxFloats) return;
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buf);
    this.held += size;
  }

  clear(): void {
    this.free.clear();
    this.held = 0;
  }
}
