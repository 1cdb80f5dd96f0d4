import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { describeImageStart, readImageHeader } from './image-header.js';

const picture = (width: number, height: number): ReturnType<typeof sharp> =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } });

test('readImageHeader gives the stored size of PNG, JPEG, WebP (lossy, lossless, extended), GIF and BMP without decoding', async () => {
  const cases: [Promise<Buffer>, string, number, number][] = [
    [picture(37, 21).png().toBuffer(), 'png', 37, 21],
    [picture(300, 7).jpeg({ quality: 80 }).toBuffer(), 'jpeg', 300, 7],
    [picture(301, 9).jpeg().withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'x'.repeat(2000) } } }).toBuffer(), 'jpeg', 301, 9],
    [picture(45, 16383).webp({ quality: 50 }).toBuffer(), 'webp', 45, 16383],
    [picture(1000, 3).webp({ lossless: true }).toBuffer(), 'webp', 1000, 3],
    [sharp({ create: { width: 33, height: 44, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } }).webp({ quality: 50 }).withMetadata({ orientation: 3 }).toBuffer(), 'webp', 33, 44],
    [picture(12, 34).gif().toBuffer(), 'gif', 12, 34],
  ];
  for (const [bytes, format, width, height] of cases) {
    const b = new Uint8Array(await bytes);
    assert.deepEqual(readImageHeader(b), { format, width, height }, `${format} ${width}x${height}`);
    assert.equal(readImageHeader(b.subarray(0, 8)), null, 'a header cut short gives no size');
  }
  // BMP, bottom-up (positive height) and top-down (negative height)
  const bmp = (w: number, h: number): Uint8Array => {
    const b = new Uint8Array(54);
    b.set([0x42, 0x4d]);
    const v = new DataView(b.buffer);
    v.setUint32(14, 40, true);
    v.setInt32(18, w, true);
    v.setInt32(22, h, true);
    return b;
  };
  assert.deepEqual(readImageHeader(bmp(640, 480)), { format: 'bmp', width: 640, height: 480 });
  assert.deepEqual(readImageHeader(bmp(640, -480)), { format: 'bmp', width: 640, height: 480 });
});

test('a decompression bomb shows its claimed size; other bytes give null and are described for the error message', () => {
  const png = new Uint8Array(33);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(png.buffer).setUint32(16, 50000);
  new DataView(png.buffer).setUint32(20, 50000);
  assert.deepEqual(readImageHeader(png), { format: 'png', width: 50000, height: 50000 });
  const html = new TextEncoder().encode('<!DOCTYPE html><html>');
  assert.equal(readImageHeader(html), null);
  assert.equal(describeImageStart(html), '"<!DOCTYPE html><html>"');
  assert.equal(describeImageStart(Uint8Array.of(0, 1, 2, 255, 4, 5, 6, 7, 8, 9)), 'bytes 00 01 02 ff 04 05 06 07');
  assert.equal(readImageHeader(Uint8Array.of(0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0)), null, 'a JPEG scan before any frame header');
});
