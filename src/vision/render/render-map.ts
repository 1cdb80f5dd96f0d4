/**
 * One 2-D map of floats (a feature map, a filter slice, a saliency map) → an
 * RGB picture through a colour map, with nearest-neighbour upscaling so that
 * a 5x5 map is visible. Platform-free.
 */
import type { ImageData8 } from '../image.js';
import { colorIndex, viridis, type ColorMap, type Rgb } from './colormap.js';

/** A value range: `'auto'` or explicit `[low, high]` (values outside are clamped). */
export type ValueRange = 'auto' | readonly [low: number, high: number];

/** Options for {@link renderMap}. */
export interface RenderMapOptions {
  /** Default {@link viridis}. */
  colorMap?: ColorMap;
  /**
   * `'auto'` (default): [min, max] of the finite values, or [-m, m] with
   * m = max|v| for a diverging map, so that 0 is its centre colour.
   */
  range?: ValueRange;
  /** Integer upscaling factor (nearest neighbour); default 1. */
  scale?: number;
  /** Colour of NaN entries (used for padding, e.g. a vector laid out as a rectangle). Default light gray. */
  missing?: Rgb;
}

/**
 * The range `'auto'` resolves to for these values and colour map: [min, max]
 * of the finite values, or ±max|v| for a diverging map. No finite values
 * give [0, 0].
 *
 * @example autoRange(Float32Array.of(-1, 3), blueWhiteRed)   // [-3, 3]
 */
export function autoRange(values: ArrayLike<number>, colorMap: ColorMap): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 0];
  if (colorMap.diverging) {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    return [-m, m];
  }
  return [lo, hi];
}

/** Resolves a {@link ValueRange} for these values. @example resolveRange('auto', [1, 5], viridis)   // [1, 5] */
export function resolveRange(range: ValueRange | undefined, values: ArrayLike<number>, colorMap: ColorMap): [number, number] {
  if (range === undefined || range === 'auto') return autoRange(values, colorMap);
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new RangeError(`range [${lo}, ${hi}]: expected finite low <= high`);
  return [lo, hi];
}

/**
 * Where `v` falls in [lo, hi], as t in [0, 1] for a colour map. A constant
 * range (lo = hi) maps everything to the low end, or to the centre for a
 * diverging map (0 is white there).
 * @example normalizeValue(0, -2, 2, true)   // 0.5
 */
export function normalizeValue(v: number, lo: number, hi: number, diverging: boolean): number {
  if (!(hi > lo)) return diverging ? 0.5 : 0;
  return (v - lo) / (hi - lo);
}

/**
 * Renders an H x W map of floats as an RGB picture.
 *
 * Shape: `values` holds `height * width` numbers, row-major (value (y, x) at
 * `y * width + x`); the result is `[height * scale, width * scale, 3]` bytes.
 *
 * @example
 * const pic = renderMap(act.data.subarray(0, 28 * 28), [28, 28], { scale: 4 });           // viridis, min..max
 * const w = renderMap(weight.data.subarray(0, 25), [5, 5], { colorMap: blueWhiteRed, scale: 8 }); // ±max|w|
 */
export function renderMap(values: ArrayLike<number>, shape: readonly [height: number, width: number], options: RenderMapOptions = {}): ImageData8 {
  const [height, width] = shape;
  if (values.length !== height * width) {
    throw new RangeError(`renderMap: ${values.length} values do not fill a ${height} x ${width} map (${height * width} needed)`);
  }
  const map = options.colorMap ?? viridis;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`renderMap: scale must be a positive integer, got ${scale}`);
  const [lo, hi] = resolveRange(options.range, values, map);
  const missing = options.missing ?? [224, 224, 224];
  const w = width * scale;
  const data = new Uint8Array(w * height * scale * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x]!;
      const i = 3 * colorIndex(normalizeValue(v, lo, hi, map.diverging));
      const rgb: Rgb = Number.isNaN(v) ? missing : [map.table[i]!, map.table[i + 1]!, map.table[i + 2]!];
      for (let dy = 0; dy < scale; dy++) {
        let t = ((y * scale + dy) * w + x * scale) * 3;
        for (let dx = 0; dx < scale; dx++, t += 3) {
          data[t] = rgb[0];
          data[t + 1] = rgb[1];
          data[t + 2] = rgb[2];
        }
      }
    }
  }
  return { width: w, height: height * scale, channels: 3, data };
}
