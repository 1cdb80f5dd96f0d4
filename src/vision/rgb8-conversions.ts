/**
 * The last steps of loading an image, shared by Node's `loadImageFile`
 * (sharp) and the browser's `decodeImage` so both give the same bytes:
 * PIL's luma and OpenCV's channel order. Platform-free.
 */
import type { ImageData8 } from './image.js';

/**
 * PIL's `convert('L')`: L = (19595 R + 38470 G + 7471 B + 2^15) >> 16, the
 * 0.299/0.587/0.114 weights in 16-bit fixed point.
 *
 * Shape: `[H, W, 3]` bytes → `[H, W, 1]`.
 *
 * @example const gray = rgbToLuma8(rgb);
 */
export function rgbToLuma8(rgb: ImageData8): ImageData8 {
  const n = rgb.width * rgb.height;
  const src = rgb.data;
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[i] = (19595 * src[j]! + 38470 * src[j + 1]! + 7471 * src[j + 2]! + 0x8000) >> 16;
  }
  return { width: rgb.width, height: rgb.height, channels: 1, data: out };
}

/**
 * RGB → BGR in place (OpenCV's channel order); returns `img`.
 *
 * Shape: `[H, W, 3]` bytes, unchanged.
 *
 * @example const bgr = swapRedBlue8(await decodeImage(bytes, { channels: 3 }));
 */
export function swapRedBlue8(img: ImageData8): ImageData8 {
  const d = img.data;
  for (let j = 0; j < d.length; j += 3) {
    const r = d[j]!;
    d[j] = d[j + 2]!;
    d[j + 2] = r;
  }
  return img;
}
