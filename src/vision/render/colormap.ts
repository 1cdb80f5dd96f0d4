/**
 * Colour maps: a value in [0, 1] → an sRGB colour, as 256-entry tables built
 * by linear interpolation between published control points. Platform-free.
 *
 * - `gray`: black → white.
 * - `viridis`: matplotlib's perceptually uniform default (van der Walt and
 *   Smith, 2015). Its published 11 stops at t = 0, 0.1, …, 1 are enough: the
 *   luminance rises monotonically between them, so the interpolated table
 *   keeps the property that matters here — brighter means larger.
 * - `blueWhiteRed`: a diverging map for signed values (ColorBrewer's RdBu
 *   stops with pure white in the middle), meant to be used with a range
 *   symmetric about 0 so that 0 is white, negatives blue, positives red.
 */

/** An sRGB colour, 0–255 per channel. */
export type Rgb = readonly [r: number, g: number, b: number];

/** A colour map: 256 RGB entries, `table[3 * i + c]` for t = i / 255. */
export interface ColorMap {
  readonly name: string;
  /** 256 * 3 bytes. */
  readonly table: Uint8Array;
  /** True for maps meant for signed values, centred on 0 (auto ranges become ±max|v|). */
  readonly diverging: boolean;
}

function fromStops(name: string, stops: readonly Rgb[], diverging: boolean): ColorMap {
  const table = new Uint8Array(256 * 3);
  const segments = stops.length - 1;
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * segments;
    const k = Math.min(segments - 1, Math.floor(pos));
    const f = pos - k;
    const a = stops[k]!;
    const b = stops[k + 1]!;
    for (let c = 0; c < 3; c++) table[3 * i + c] = Math.round(a[c]! + (b[c]! - a[c]!) * f);
  }
  return { name, table, diverging };
}

/**
 * Black (t = 0) to white (t = 1).
 * @example renderMap(values, [28, 28], { colorMap: gray })
 */
export const gray: ColorMap = fromStops('gray', [[0, 0, 0], [255, 255, 255]], false);

/**
 * Viridis: dark purple (t = 0) through teal to yellow (t = 1), luminance
 * increasing throughout. The default for non-negative values (after ReLU).
 * @example renderMap(values, [14, 14], { colorMap: viridis })
 */
export const viridis: ColorMap = fromStops('viridis', [
  [68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
  [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37],
], false);

/**
 * Blue (t = 0, most negative) – white (t = 0.5, zero) – red (t = 1, most
 * positive). The default for signed values (conv outputs, filter weights).
 * @example renderMap(weights, [5, 5], { colorMap: blueWhiteRed })   // range ±max|w|
 */
export const blueWhiteRed: ColorMap = fromStops('blue-white-red', [
  [5, 113, 176], [146, 197, 222], [255, 255, 255], [244, 165, 130], [202, 0, 32],
], true);

/**
 * Jet: dark blue (t = 0) through cyan, yellow and red to dark red (t = 1), the
 * map Grad-CAM's heat maps are usually drawn in (hot = evidence).
 * @example heatmapOverlay(photo, cam.map, { colorMap: jet })
 */
export const jet: ColorMap = fromStops('jet', [
  [0, 0, 143], [0, 0, 255], [0, 127, 255], [0, 255, 255], [127, 255, 127], [255, 255, 0], [255, 127, 0], [255, 0, 0], [127, 0, 0],
], false);

/** The colour maps by name, for command-line options. */
export const COLOR_MAPS: Readonly<Record<string, ColorMap>> = Object.freeze({ gray, viridis, 'blue-white-red': blueWhiteRed, jet });

/**
 * The colour for t in [0, 1] (clamped; NaN counts as 0).
 * @example colorAt(viridis, 1)   // [253, 231, 37]
 */
export function colorAt(map: ColorMap, t: number): Rgb {
  const i = 3 * colorIndex(t);
  return [map.table[i]!, map.table[i + 1]!, map.table[i + 2]!];
}

/** The table entry (0–255) for t in [0, 1], clamped; NaN gives 0. @example colorIndex(0.5)   // 128 */
export function colorIndex(t: number): number {
  if (!(t > 0)) return 0;
  return t >= 1 ? 255 : Math.round(t * 255);
}
