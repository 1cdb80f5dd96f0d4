/**
 * A heat map laid over a picture (Grad-CAM, saliency): each pixel blends
 * toward the map's colour in proportion to the map's value there, so cold
 * regions show the picture untouched and hot ones show the colour.
 * Platform-free.
 */
import type { ImageData8 } from '../image.js';
import { colorIndex, jet, type ColorMap } from './colormap.js';

/** Options of {@link heatmapOverlay}. */
export interface HeatmapOverlayOptions {
  /** Default {@link jet}. */
  colorMap?: ColorMap;
  /** Opacity of the colour where the map is at its maximum (default 0.6). */
  alpha?: number;
  /** The value drawn as full heat (default the map's maximum; ≤ 0 values are cold). */
  max?: number;
}

/**
 * The picture with `map` (one value per pixel, row-major, the picture's size)
 * blended over it: `pixel·(1 − a·t) + colour(t)·a·t` with `t = map / max`
 * clamped to [0, 1]. A grayscale picture is drawn in gray.
 *
 * Shape: `img` is `[H, W, 1 or 3]`, `map` has H·W values; the result is `[H, W, 3]`.
 * @example const over = heatmapOverlay(image, gradCam(model, x).map);
 */
export function heatmapOverlay(img: ImageData8, map: ArrayLike<number>, o: HeatmapOverlayOptions = {}): ImageData8 {
  const n = img.width * img.height;
  if (map.length !== n) throw new RangeError(`heatmapOverlay: the map has ${map.length} values but the picture ${img.height} x ${img.width} has ${n} pixels`);
  const table = (o.colorMap ?? jet).table;
  const alpha = o.alpha ?? 0.6;
  let max = o.max ?? 0;
  if (o.max === undefined) for (let i = 0; i < n; i++) if (map[i]! > max) max = map[i]!;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = max > 0 ? Math.min(1, Math.max(0, map[i]! / max)) : 0;
    const a = alpha * t;
    const ci = colorIndex(t) * 3;
    for (let c = 0; c < 3; c++) {
      const v = img.channels === 3 ? img.data[i * 3 + c]! : img.data[i]!;
      out[i * 3 + c] = Math.round(v * (1 - a) + table[ci + c]! * a);
    }
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}
