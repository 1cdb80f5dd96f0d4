/**
 * A small RGB drawing surface for composing pictures (grids, legends, text):
 * fill rectangles, paste images, upscale. It is an {@link ImageData8} with
 * three channels, so anything that takes an image (PNG encoders, the
 * browser's ImageData via {@link toRgba}) takes a canvas. Platform-free.
 */
import type { ImageData8 } from '../image.js';
import type { Rgb } from './colormap.js';

/** The background of every composed picture. */
export const WHITE: Rgb = [255, 255, 255];
/** The text colour. */
export const INK: Rgb = [34, 34, 34];

/**
 * An RGB picture you can draw on.
 *
 * Shape: `data` is `[height, width, 3]` bytes, HWC, rows top to bottom, as
 * in {@link ImageData8}.
 *
 * @example
 * const c = new Canvas(100, 40);
 * c.fillRect(0, 0, 100, 10, [200, 200, 200]);
 * c.drawImage(map, 4, 12);
 */
export class Canvas implements ImageData8 {
  readonly channels = 3 as const;
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = WHITE) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
      throw new RangeError(`Canvas: width ${width} and height ${height} must be non-negative integers`);
    }
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel; coordinates outside the canvas are ignored. */
  setPixel(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = color[0];
    this.data[i + 1] = color[1];
    this.data[i + 2] = color[2];
  }

  /** Fills a rectangle, clipped to the canvas. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, x), y0 = Math.max(0, y);
    const x1 = Math.min(this.width, x + w), y1 = Math.min(this.height, y + h);
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = (yy * this.width + xx) * 3;
        this.data[i] = color[0];
        this.data[i + 1] = color[1];
        this.data[i + 2] = color[2];
      }
    }
  }

  /** A one-pixel rectangle outline. */
  strokeRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    this.fillRect(x, y, w, 1, color);
    this.fillRect(x, y + h - 1, w, 1, color);
    this.fillRect(x, y, 1, h, color);
    this.fillRect(x + w - 1, y, 1, h, color);
  }

  /** Pastes an image (1 channel is drawn as gray) with its top-left corner at (x, y), clipped. */
  drawImage(img: ImageData8, x: number, y: number): void {
    for (let yy = 0; yy < img.height; yy++) {
      const ty = y + yy;
      if (ty < 0 || ty >= this.height) continue;
      for (let xx = 0; xx < img.width; xx++) {
        const tx = x + xx;
        if (tx < 0 || tx >= this.width) continue;
        const s = (yy * img.width + xx) * img.channels;
        const t = (ty * this.width + tx) * 3;
        for (let c = 0; c < 3; c++) this.data[t + c] = img.data[s + (img.channels === 3 ? c : 0)]!;
      }
    }
  }
}

/**
 * Nearest-neighbour upscaling by an integer factor, so that each source
 * pixel becomes a `factor` x `factor` block (a 5x5 filter drawn at factor 8
 * is a crisp 40x40 picture, not a blur).
 *
 * Shape: [H, W, C] → [H * factor, W * factor, C].
 *
 * @example upscale(digit, 4)   // 28x28 → 112x112
 */
export function upscale(img: ImageData8, factor: number): ImageData8 {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`upscale: factor must be a positive integer, got ${factor}`);
  if (factor === 1) return img;
  const { width, height, channels } = img;
  const w = width * factor;
  const out = new Uint8Array(w * height * factor * channels);
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < w; x++) {
      const s = (sy * width + Math.floor(x / factor)) * channels;
      const t = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out[t + c] = img.data[s + c]!;
    }
  }
  return { width: w, height: height * factor, channels, data: out };
}

/**
 * The picture as RGBA bytes (alpha 255), the layout of the browser's
 * `ImageData` and of sharp's 4-channel raw input.
 *
 * Shape: [H, W, 1 or 3] → [H, W, 4].
 *
 * @example ctx.putImageData(new ImageData(toRgba(pic), pic.width, pic.height), 0, 0);
 */
export function toRgba(img: ImageData8): Uint8ClampedArray {
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[4 * i + c] = img.data[i * img.channels + (img.channels === 3 ? c : 0)]!;
    out[4 * i + 3] = 255;
  }
  return out;
}
