import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blueWhiteRed, viridis } from 'fovea';
import { mapsGeometry, packedTable, paint, unitAt, unitRect, vectorGeometry } from './map-painter.js';

test('every unit of a grid of maps is found again under its own rectangle; gaps belong to none', () => {
  const g = mapsGeometry(16, 10, 10);
  assert.equal(g.cols, 8);
  assert.equal(g.rows, 2);
  assert.equal(g.width, 8 * 10 * g.scale + 7 * g.gap);
  for (let c = 0; c < 16; c++) {
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 10; x++) {
        const r = unitRect(g, c, y, x);
        assert.deepEqual(unitAt(g, r.left, r.top), { c, y, x });
        assert.deepEqual(unitAt(g, r.left + r.size - 1, r.top + r.size - 1), { c, y, x });
      }
    }
  }
  assert.equal(unitAt(g, 10 * g.scale, 0), null); // in the gap after the first map
  assert.equal(unitAt(g, -1, 0), null);
  assert.equal(unitAt(g, g.width, 0), null);
});

test('a vector lays its units out in rows; cells past the last unit are empty', () => {
  const g = vectorGeometry(400);
  assert.deepEqual([g.w, g.h], [32, 13]);
  for (const i of [0, 31, 32, 399]) {
    const r = unitRect(g, i, 0, 0);
    assert.deepEqual(unitAt(g, r.left, r.top), { c: i, y: 0, x: 0 });
  }
  assert.equal(unitAt(g, 16 * g.scale, 12 * g.scale), null);
  assert.equal(vectorGeometry(10).scale, 20);
});

test('painting: zero is white on the diverging map, the largest value the top colour, units fill their cells', () => {
  const g = mapsGeometry(2, 2, 2);
  const pixels = new Uint32Array(g.width * g.height);
  const table = packedTable(blueWhiteRed);
  const range = paint(pixels, g, Float32Array.of(0, 1, -2, 0, 2, 0, 0, 0), blueWhiteRed, table);
  assert.deepEqual(range, [-2, 2]);
  const at = (c: number, y: number, x: number): number => {
    const r = unitRect(g, c, y, x);
    return pixels[(r.top + r.size - 1) * g.width + r.left + r.size - 1]!;
  };
  const zero = at(0, 0, 0); // 0 → (nearly) white, opaque
  assert.ok([0, 8, 16].every((b) => ((zero >>> b) & 255) >= 250) && zero >>> 24 === 255, zero.toString(16));
  assert.equal(at(1, 0, 0), table[255]);
  assert.equal(at(0, 1, 0), table[0]);
  assert.equal(pixels[2 * g.scale]! >>> 24, 0); // the gap after the first map (row 0, x = its width) stays transparent
  const flat = new Uint32Array(g.width * g.height);
  paint(flat, g, new Float32Array(8).fill(3), viridis, packedTable(viridis));
  assert.equal(flat[0], packedTable(viridis)[0]);
});
