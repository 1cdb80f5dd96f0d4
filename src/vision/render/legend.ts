/**
 * A legend strip: the colour map as a horizontal bar over a value range, with
 * the low and high values written under its ends (and 0 under the centre of
 * a diverging map). Platform-free.
 */
import { GLYPH_HEIGHT, drawText, textWidth } from './bitmap-font.js';
import { Canvas, INK } from './canvas.js';
import type { ColorMap } from './colormap.js';
import { formatNumber } from './format-number.js';

/**
 * Draws the legend of `colorMap` over `[low, high]`.
 *
 * Shape: the result is `barHeight + 2 + GLYPH_HEIGHT` pixels high and
 * `width` wide (widened if the two numbers would not fit).
 *
 * @example legendStrip(viridis, [0, 3.2])   // a 128 px bar labelled '0' … '3.2'
 */
export function legendStrip(colorMap: ColorMap, range: readonly [low: number, high: number], o: { width?: number; barHeight?: number } = {}): Canvas {
  const [lo, hi] = range;
  const left = formatNumber(lo);
  const right = formatNumber(hi);
  const width = Math.max(o.width ?? 128, textWidth(left) + textWidth(right) + 12);
  const barHeight = o.barHeight ?? 10;
  const canvas = new Canvas(width, barHeight + 2 + GLYPH_HEIGHT);
  for (let x = 0; x < width; x++) {
    const i = 3 * Math.round((x / Math.max(1, width - 1)) * 255);
    canvas.fillRect(x, 0, 1, barHeight, [colorMap.table[i]!, colorMap.table[i + 1]!, colorMap.table[i + 2]!]);
  }
  canvas.strokeRect(0, 0, width, barHeight, [150, 150, 150]);
  const y = barHeight + 2;
  drawText(canvas, left, 0, y, { color: INK });
  drawText(canvas, right, width - textWidth(right), y, { color: INK });
  if (colorMap.diverging && lo < 0 && hi > 0) {
    const cx = Math.round(((0 - lo) / (hi - lo)) * (width - 1));
    const zero = cx - 2 > textWidth(left) + 3 && cx + 3 < width - textWidth(right) - 3;
    if (zero) drawText(canvas, '0', cx - 2, y, { color: INK });
  }
  return canvas;
}
