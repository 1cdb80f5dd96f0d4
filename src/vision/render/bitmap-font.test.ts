import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GLYPH_HEIGHT, GLYPH_WIDTH, drawText, glyph, textWidth } from './bitmap-font.js';
import { Canvas } from './canvas.js';

const ink = (c: Canvas, x: number, y: number): boolean => c.data[(y * c.width + x) * 3] === 0;

test('every glyph is 7 rows of 5 pixels; the required characters are all there', () => {
  const required = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,-+:()[]%/_ ';
  for (const ch of required) {
    const rows = glyph(ch);
    assert.equal(rows.length, GLYPH_HEIGHT, ch);
    for (const r of rows) assert.match(r, /^[#.]{5}$/, `glyph '${ch}'`);
    if (ch !== ' ') assert.ok(rows.some((r) => r.includes('#')), `glyph '${ch}' has ink`);
    if (ch !== '?') assert.notDeepEqual(rows, glyph('?'), `'${ch}' is not the fallback`);
  }
  assert.deepEqual(glyph('é'), glyph('?'));
});

test('drawText puts the known pixels of a glyph where asked, at any scale', () => {
  const c = new Canvas(20, 20);
  drawText(c, 'T', 1, 2, { color: [0, 0, 0] });
  for (let x = 0; x < GLYPH_WIDTH; x++) assert.ok(ink(c, 1 + x, 2), `T's top bar at x=${x}`);
  for (let y = 1; y < GLYPH_HEIGHT; y++) {
    assert.ok(ink(c, 3, 2 + y), `T's stem at y=${y}`);
    assert.ok(!ink(c, 1, 2 + y) && !ink(c, 5, 2 + y), `nothing beside the stem at y=${y}`);
  }
  assert.ok(!ink(c, 0, 2) && !ink(c, 6, 2), 'nothing outside the glyph box');

  const big = new Canvas(12, 14);
  drawText(big, '1', 0, 0, { color: [0, 0, 0], scale: 2 });
  // '1' is '..#..' on top: font pixel (2, 0) covers canvas pixels x 4–5, y 0–1.
  for (const [x, y] of [[4, 0], [5, 0], [4, 1], [5, 1]] as const) assert.ok(ink(big, x, y));
  assert.ok(!ink(big, 3, 0) && !ink(big, 6, 0));
  // The bottom row '.###.' spans font x 1–3 → canvas x 2–7 at y 12–13.
  for (let x = 2; x < 8; x++) assert.ok(ink(big, x, 13));
});

test('text advances 6 pixels per character, is clipped at the edge, and textWidth matches', () => {
  assert.equal(textWidth(''), 0);
  assert.equal(textWidth('0.5'), 17);
  assert.equal(textWidth('0.5', 2), 34);
  const c = new Canvas(8, 8);
  drawText(c, 'II', 0, 0, { color: [0, 0, 0] });   // the second I starts at x = 6 and is clipped
  assert.ok(ink(c, 7, 0));
  assert.throws(() => drawText({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }, 'x', 0, 0), /needs an RGB image/);
});
