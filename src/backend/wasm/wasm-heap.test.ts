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

test('freed neighbours merge, so a bigger tensor fits where two smaller ones were (another batch size)', () => {
  const heap = new WasmHeap(memory(), 1024, 0); // no pool: every release goes to the free list
  const a = heap.alloc(1000, false);
  const b = heap.alloc(1000, false);
  const guard = heap.alloc(16, false); // keeps a and b below the top
  const top = heap.highWater;
  heap.release(a);
  heap.release(b);
  const c = heap.alloc(2000, false);
  assert.equal(c.byteOffset, a.byteOffset);
  assert.equal(heap.highWater, top);
  // A smaller request splits a block rather than taking new memory.
  heap.release(c);
  const d = heap.alloc(500, false);
  assert.equal(d.byteOffset, a.byteOffset);
  assert.ok(heap.freeBytes >= 1500 * 4 - 64);
  void guard;
});

test('pooled buffers of other sizes are given up before the memory grows', () => {
  const mem = memory();
  const heap = new WasmHeap(mem, 1024, 1 << 30);
  const big = heap.alloc(12_000, false); // ~47 KiB of the first 64 KiB page
  heap.release(big); // pooled
  const pages = mem.buffer.byteLength;
  const other = heap.alloc(11_000, false); // another size: taken from the pooled block, not from new pages
  assert.equal(other.byteOffset, big.byteOffset);
  assert.equal(mem.buffer.byteLength, pages);
});

test('freeing the same range twice is caught, not silently corrupting memory', () => {
  const heap = new WasmHeap(memory(), 1024, 0);
  const a = heap.alloc(100, false);
  heap.alloc(16, false);
  heap.freeRange(a.byteOffset, 400);
  assert.throws(() => heap.freeRange(a.byteOffset, 400), /overlaps a free block/);
});
