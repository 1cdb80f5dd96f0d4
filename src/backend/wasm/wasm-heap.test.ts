// The wasm heap hands memory back at once when its pool is full, so big models do not grow it run after run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmHeap } from './wasm-heap.js';

const memory = (): WebAssembly.Memory => new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true });

test('a released buffer beyond the pool limit is reused by the next allocation of its size', () => {
  const heap = new WasmHeap(memory(), 1024, 1000);
  const a = heap.alloc(4096, false);
  const top = heap.highWater;
  heap.release(a); // 4096 floats > the 1000-float pool: straight back to the free ranges
  const b = heap.alloc(4096, true);
  assert.equal(b.byteOffset, a.byteOffset);
  assert.equal(heap.highWater, top);
  assert.ok(b.every((v) => v === 0), 'zeroed on request');
});

test('pooled buffers are reused as they are; clearPools returns them to the free ranges', () => {
  const heap = new WasmHeap(memory(), 1024, 1 << 20);
  const a = heap.alloc(100, false);
  heap.release(a);
  assert.equal(heap.alloc(100, false), a, 'the same view from the pool');
  heap.release(a);
  heap.clearPools();
  const top = heap.highWater;
  assert.equal(heap.alloc(100, false).byteOffset, a.byteOffset);
  assert.equal(heap.highWater, top);
});

test('repeated rounds of many sizes, more than the pool holds, keep the heap flat', () => {
  const heap = new WasmHeap(memory(), 1024, 5000);
  const round = (): void => {
    const views = [1000, 3000, 7000, 2000, 9000].map((n) => heap.alloc(n, false));
    for (const v of views) heap.release(v);
  };
  round();
  const top = heap.highWater;
  for (let i = 0; i < 50; i++) round();
  assert.equal(heap.highWater, top);
});
