/**
 * Fuzz inputs for image decoding (`loadImageFile`, what every command that
 * reads a photo goes through): PNG, JPEG, WebP and GIF files with bits
 * flipped, cut short or overwritten, and crafted headers declaring huge
 * dimensions. Each must decode to an image of the declared size or be refused
 * with an ImageError naming the file; none may allocate what the header
 * claims before checking it.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { ImageData8 } from '../../vision/image.js';
import { loadImageFile } from '../../vision/image-file.js';
import type { FuzzCase, FuzzRandom } from './fuzz-case.js';

const fixture = (name: string): Uint8Array => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/images/${name}`, import.meta.url)));

/** CRC-32 (IEEE) as PNG chunks carry it, so a crafted header passes the decoder's own check. */
export function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A PNG whose IHDR declares width x height (8-bit RGBA), with a tiny IDAT: the size is a lie. */
export function craftedPng(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const idat = new Uint8Array([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
  return concat(new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array()));
}

/** A JPEG's SOF0 rewritten to declare height x width. */
function craftedJpeg(jpeg: Uint8Array, height: number, width: number): Uint8Array {
  const out = jpeg.slice();
  for (let i = 2; i + 9 < out.length; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out[i + 5] = height >> 8; out[i + 6] = height & 255; out[i + 7] = width >> 8; out[i + 8] = width & 255;
      return out;
    }
  }
  return out;
}

/** A GIF whose logical screen and first image declare width x height. */
function craftedGif(gif: Uint8Array, width: number, height: number): Uint8Array {
  const out = gif.slice();
  const v = new DataView(out.buffer);
  v.setUint16(6, width, true);
  v.setUint16(8, height, true);
  const desc = out.indexOf(0x2c, 13);
  if (desc > 0 && desc + 9 < out.length) {
    v.setUint16(desc + 5, width, true);
    v.setUint16(desc + 7, height, true);
  }
  return out;
}

/** A WebP (extended format) whose VP8X canvas declares width x height (each up to 2^24). */
function craftedWebp(width: number, height: number): Uint8Array {
  const vp8x = new Uint8Array(18);
  vp8x.set(new TextEncoder().encode('VP8X'), 0);
  vp8x[4] = 10;
  const w = width - 1, h = height - 1;
  vp8x.set([w & 255, (w >> 8) & 255, (w >> 16) & 255, h & 255, (h >> 8) & 255, (h >> 16) & 255], 12);
  const body = concat(new TextEncoder().encode('WEBP'), vp8x);
  const head = concat(new TextEncoder().encode('RIFF'), new Uint8Array(new Uint32Array([body.length]).buffer));
  return concat(head, body);
}

/** The decoded image must have the size asked for (or its own) and the bytes for it. */
const decoded = (size?: readonly [number, number]) => (r: unknown): string | null => {
  const img = r as ImageData8;
  if (size && (img.height !== size[0] || img.width !== size[1])) return `decoded as ${img.width}x${img.height}, asked for ${size[1]}x${size[0]}`;
  if (img.data.length !== img.width * img.height * img.channels) return `${img.data.length} bytes for ${img.width}x${img.height}x${img.channels}`;
  return null;
};

export async function* cases(r: FuzzRandom, rounds: number): AsyncGenerator<FuzzCase> {
  const dir = mkdtempSync(join(tmpdir(), 'fovea-fuzz-images-'));
  try {
    const png = fixture('digit7.png'), jpeg = fixture('digit7.jpg');
    const webp = new Uint8Array(await sharp(png).webp().toBuffer());
    const gif = new Uint8Array(await sharp(png).gif().toBuffer());
    const bases = { png, jpg: jpeg, webp, gif };
    let n = 0;
    const file = (ext: string, bytes: Uint8Array): string => {
      const f = join(dir, `in${n++}.${ext}`);
      writeFileSync(f, bytes);
      return f;
    };
    const load = (f: string, name: string, size?: [number, number], maxPixels?: number): FuzzCase => ({
      name, names: f, run: () => loadImageFile(f, { channels: r.int(2) ? 1 : 3, ...(size ? { size } : {}), ...(maxPixels ? { maxPixels } : {}) }), check: decoded(size),
    });
    for (let round = 0; round < rounds; round++) {
      for (const [ext, bytes] of Object.entries(bases)) {
        for (let k = 0; k < 12; k++) {
          const { bytes: b, how } = r.mutate(bytes);
          yield load(file(ext, b), `${ext}: ${how} (round ${round}, ${k})`, k % 2 ? [16, 16] : undefined);
        }
      }
      // huge declared dimensions: refused from the header, before a pixel is decoded
      for (const [w, h] of [[100_000, 100_000], [2 ** 31 - 1, 1], [65_535, 65_535], [20_000, 20_000]] as const) {
        yield load(file('png', craftedPng(w, h)), `png: IHDR declares ${w}x${h} (round ${round})`, [16, 16]);
      }
      yield load(file('jpg', craftedJpeg(jpeg, 65_500, 65_500)), `jpeg: SOF declares 65500x65500 (round ${round})`, [16, 16]);
      yield load(file('gif', craftedGif(gif, 65_535, 65_535)), `gif: screen declares 65535x65535 (round ${round})`, [16, 16]);
      yield load(file('webp', craftedWebp(16_384, 16_384)), `webp: VP8X declares 16384x16384 (round ${round})`, [16, 16]);
      yield load(file('webp', craftedWebp(1 << 24, 1 << 24)), `webp: VP8X declares 2^24 x 2^24 (round ${round})`);
      // a small honest image above a small limit: refused with the limit
      yield load(file('png', png), `png: above maxPixels 100 (round ${round})`, undefined, 100);
    }
    // not images at all
    yield load(file('png', new Uint8Array()), 'empty .png');
    yield load(file('jpg', new TextEncoder().encode('<html>not a photo</html>')), 'HTML saved as .jpg');
    yield load(file('png', png.subarray(0, 8)), 'png: signature only');
    const sub = join(dir, 'folder.png');
    mkdirSync(sub);
    yield load(sub, 'a directory named .png');
    yield load(join(dir, 'missing.png'), 'a missing file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
