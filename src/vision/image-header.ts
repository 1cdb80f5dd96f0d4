/**
 * Image sizes from the first bytes of a file, before any pixel is decoded:
 * enough to refuse a decompression bomb (a few KB that claim 50000 x 50000
 * pixels) on platforms whose decoder has no pixel limit of its own, such as
 * a browser's `createImageBitmap`. Platform-free.
 */

/** What {@link readImageHeader} finds: the container format and its stored size (before any EXIF rotation). */
export interface ImageHeader {
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';
  width: number;
  height: number;
}

/**
 * Reads the format and size of a PNG, JPEG, WebP (lossy, lossless,
 * extended), GIF or BMP from its header. Returns null for other formats and
 * for headers too short or malformed to give a size.
 *
 * @example readImageHeader(pngBytes); // { format: 'png', width: 28, height: 28 }
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const at = (i: number): number => bytes[i] ?? -1;
  const be16 = (i: number): number => (at(i) << 8) | at(i + 1);
  const le16 = (i: number): number => at(i) | (at(i + 1) << 8);
  const le24 = (i: number): number => le16(i) | (at(i + 2) << 16);
  const be32 = (i: number): number => (be16(i) * 65536) + be16(i + 2);
  const ascii = (i: number, s: string): boolean => [...s].every((ch, k) => at(i + k) === ch.charCodeAt(0));
  const sized = (format: ImageHeader['format'], width: number, height: number): ImageHeader | null =>
    Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 ? { format, width, height } : null;

  if (ascii(0, '\x89PNG\r\n\x1a\n') && ascii(12, 'IHDR') && bytes.length >= 24) return sized('png', be32(16), be32(20));
  if ((ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) && bytes.length >= 10) return sized('gif', le16(6), le16(8));
  if (ascii(0, 'BM') && bytes.length >= 26) {
    const dib = at(14) | (at(15) << 8) | (at(16) << 16) | (at(17) << 24);
    if (dib === 12) return sized('bmp', le16(18), le16(20));
    const h = (at(22) | (at(23) << 8) | (at(24) << 16) | (at(25) << 24)) | 0; // negative: stored top-down
    return sized('bmp', (at(18) | (at(19) << 8) | (at(20) << 16) | (at(21) << 24)) >>> 0, Math.abs(h));
  }
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) {
    if (ascii(12, 'VP8 ') && bytes.length >= 30 && at(23) === 0x9d && at(24) === 0x01 && at(25) === 0x2a) return sized('webp', le16(26) & 0x3fff, le16(28) & 0x3fff);
    if (ascii(12, 'VP8L') && bytes.length >= 25 && at(20) === 0x2f) {
      const b = [at(21), at(22), at(23), at(24)] as const;
      return sized('webp', 1 + (((b[1] & 0x3f) << 8) | b[0]), 1 + (((b[3] & 0x0f) << 10) | (b[2] << 2) | ((b[1] & 0xc0) >> 6)));
    }
    if (ascii(12, 'VP8X') && bytes.length >= 30) return sized('webp', 1 + le24(24), 1 + le24(27));
    return null;
  }
  if (at(0) === 0xff && at(1) === 0xd8) return jpegSize(bytes, be16);
  return null;
}

/** Walks the JPEG segments up to the first start-of-frame marker. */
function jpegSize(bytes: Uint8Array, be16: (i: number) => number): ImageHeader | null {
  let i = 2;
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or the end before any frame header
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 8 >= bytes.length) return null;
      const height = be16(i + 5), width = be16(i + 7);
      return width > 0 && height > 0 ? { format: 'jpeg', width, height } : null;
    }
    i += 2 + be16(i + 2);
  }
  return null;
}

/**
 * The first bytes of a file, for an error message: as text when printable
 * (an HTML error page, a Git LFS pointer), else the first 8 bytes in hex.
 *
 * @example describeImageStart(new TextEncoder().encode('<!DOCTYPE html>')); // '"<!DOCTYPE html>"'
 */
export function describeImageStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 24);
  const printable = head.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d);
  if (printable) return JSON.stringify(String.fromCharCode(...head));
  return `bytes ${Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}
