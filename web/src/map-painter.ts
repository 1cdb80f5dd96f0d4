/**
 * Painting a layer's values into canvas pixels: a grid of C feature maps
 * (each H x W, upscaled by an integer factor), or a vector of units laid out
 * in rows. One shared value range per layer so channels compare; fovea's
 * colour maps (diverging blue–white–red for signed values, viridis for
 * non-negative ones). Writes 32-bit pixels directly: this runs on every
 * pointer move.
 */
import { autoRange, autoScale, colorIndex, normalizeValue, type ColorMap } from 'fovea';

/** Where each unit of a layer sits in its canvas (all in canvas pixels). */
export interface Geometry {
  kind: 'maps' | 'vector';
  /** Channels (maps) or 1 (vector). */
  channels: number;
  /** Map height and width in units (vector: rows and columns of cells). */
  h: number;
  w: number;
  /** For a vector, how many of the h*w cells are units. */
  units: number;
  /** Pixels per unit. */
  scale: number;
  cols: number;
  rows: number;
  gap: number;
  width: number;
  height: number;
}

/** The grid of a [C, H, W] layer: tiles of about 48 px or more, at most `maxCols` per row. */
export function mapsGeometry(c: number, h: number, w: number, maxCols = 8): Geometry {
  const scale = autoScale(h, w);
  const cols = Math.min(c, maxCols);
  const rows = Math.ceil(c / cols);
  const gap = 4;
  return { kind: 'maps', channels: c, h, w, units: h * w, scale, cols, rows, gap, width: cols * w * scale + (cols - 1) * gap, height: rows * h * scale + (rows - 1) * gap };
}

/** A vector of n units as rows of cells: big cells for a few class scores, small ones for a flattened layer. */
export function vectorGeometry(n: number): Geometry {
  const perRow = n <= 32 ? n : 32;
  const scale = n <= 16 ? 20 : n <= 128 ? 12 : 8;
  const rows = Math.ceil(n / perRow);
  return { kind: 'vector', channels: 1, h: rows, w: perRow, units: n, scale, cols: 1, rows: 1, gap: 0, width: perRow * scale, height: rows * scale };
}

/**
 * The unit under canvas pixel (px, py): channel and position (for a vector,
 * c is the unit index and y = x = 0), or null over a gap or an empty cell.
 */
export function unitAt(g: Geometry, px: number, py: number): { c: number; y: number; x: number } | null {
  if (px < 0 || py < 0 || px >= g.width || py >= g.height) return null;
  const tw = g.w * g.scale, th = g.h * g.scale;
  const col = Math.floor(px / (tw + g.gap));
  const row = Math.floor(py / (th + g.gap));
  const ox = px - col * (tw + g.gap);
  const oy = py - row * (th + g.gap);
  if (ox >= tw || oy >= th) return null;
  const y = Math.floor(oy / g.scale);
  const x = Math.floor(ox / g.scale);
  if (g.kind === 'vector') {
    const i = y * g.w + x;
    return i < g.units ? { c: i, y: 0, x: 0 } : null;
  }
  const c = row * g.cols + col;
  return c < g.channels ? { c, y, x } : null;
}

/** The canvas rectangle of unit (c, y, x), for highlighting it. */
export function unitRect(g: Geometry, c: number, y: number, x: number): { left: number; top: number; size: number } {
  if (g.kind === 'vector') return { left: (c % g.w) * g.scale, top: Math.floor(c / g.w) * g.scale, size: g.scale };
  const col = c % g.cols, row = Math.floor(c / g.cols);
  return { left: col * (g.w * g.scale + g.gap) + x * g.scale, top: row * (g.h * g.scale + g.gap) + y * g.scale, size: g.scale };
}

/** A colour map as 256 packed RGBA pixels (little-endian, as ImageData's Uint32 view reads them). */
export function packedTable(map: ColorMap): Uint32Array {
  const out = new Uint32Array(256);
  for (let i = 0; i < 256; i++) out[i] = (255 << 24 | map.table[3 * i + 2]! << 16 | map.table[3 * i + 1]! << 8 | map.table[3 * i]!) >>> 0;
  return out;
}

const BACKGROUND = 0x00000000; // transparent: the page shows through the gaps

/**
 * Paints `values` (the layer's output for one image) into `pixels`, a
 * Uint32 view of an ImageData of the geometry's size. Returns the value range used.
 */
export function paint(pixels: Uint32Array, g: Geometry, values: Float32Array, map: ColorMap, table: Uint32Array): [number, number] {
  const [lo, hi] = autoRange(values, map);
  const inv = hi > lo ? 255 / (hi - lo) : 0;
  const flat = colorIndex(normalizeValue(0, lo, hi, map.diverging));
  const tw = g.w * g.scale;
  pixels.fill(BACKGROUND);
  const tiles = g.kind === 'maps' ? g.channels : 1;
  for (let c = 0; c < tiles; c++) {
    const col = c % g.cols, row = Math.floor(c / g.cols);
    const x0 = col * (tw + g.gap), y0 = row * (g.h * g.scale + g.gap);
    for (let y = 0; y < g.h; y++) {
      const rowStart = (y0 + y * g.scale) * g.width + x0;
      for (let x = 0; x < g.w; x++) {
        const u = g.kind === 'maps' ? (c * g.h + y) * g.w + x : y * g.w + x;
        if (g.kind === 'vector' && u >= g.units) break;
        const v = values[u]!;
        const k = inv ? Math.max(0, Math.min(255, Math.round((v - lo) * inv))) : flat;
        const px = table[Number.isNaN(v) ? 0 : k]!;
        pixels.fill(px, rowStart + x * g.scale, rowStart + (x + 1) * g.scale);
      }
      // The other rows of this unit row are copies of the first.
      for (let r = 1; r < g.scale; r++) pixels.copyWithin(rowStart + r * g.width, rowStart, rowStart + tw);
    }
  }
  return [lo, hi];
}
