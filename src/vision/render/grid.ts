/**
 * Laying pictures out in a grid with gaps, a title row, per-tile labels and
 * an optional footer (a legend). {@link gridLayout} computes the geometry,
 * {@link composeGrid} draws it. Platform-free.
 */
import type { ImageData8 } from '../image.js';
import { GLYPH_HEIGHT, drawText, textWidth } from './bitmap-font.js';
import { Canvas, INK } from './canvas.js';

/** Height of the title row: one line of text plus spacing. */
export const TITLE_HEIGHT = GLYPH_HEIGHT + 6;
/** Height of a tile's label above its picture. */
export const LABEL_HEIGHT = GLYPH_HEIGHT + 2;

/** Options for {@link gridLayout}. */
export interface GridLayoutOptions {
  /** Number of tiles. */
  count: number;
  tileWidth: number;
  tileHeight: number;
  /** Default ceil(sqrt(count)), capped at count. */
  columns?: number;
  /** Pixels between tiles; default 4. */
  gap?: number;
  /** Margin around everything; default 6. */
  padding?: number;
  /** Height above the tiles (title); default 0. */
  header?: number;
  /** Height below the tiles (legend), gap included; default 0. */
  footer?: number;
  /** The picture is at least this wide (so a long title fits). */
  minWidth?: number;
}

/** The geometry {@link gridLayout} computes: picture size and each tile's top-left corner. */
export interface GridLayout {
  width: number;
  height: number;
  columns: number;
  rows: number;
  tiles: { x: number; y: number }[];
}

/**
 * The geometry of a grid of equal tiles, filled row by row:
 * width = 2 * padding + columns * tileWidth + (columns - 1) * gap (or
 * minWidth), height = 2 * padding + header + rows * tileHeight +
 * (rows - 1) * gap + footer.
 *
 * @example gridLayout({ count: 6, tileWidth: 56, tileHeight: 65 })   // 3 columns x 2 rows
 */
export function gridLayout(o: GridLayoutOptions): GridLayout {
  const gap = o.gap ?? 4;
  const padding = o.padding ?? 6;
  const header = o.header ?? 0;
  const columns = Math.max(1, Math.min(o.columns ?? Math.ceil(Math.sqrt(o.count)), Math.max(1, o.count)));
  const rows = Math.ceil(o.count / columns);
  const gridW = columns * o.tileWidth + (columns - 1) * gap;
  const gridH = rows ? rows * o.tileHeight + (rows - 1) * gap : 0;
  const tiles = Array.from({ length: o.count }, (_, i) => ({
    x: padding + (i % columns) * (o.tileWidth + gap),
    y: padding + header + Math.floor(i / columns) * (o.tileHeight + gap),
  }));
  return {
    width: Math.max(2 * padding + gridW, o.minWidth ?? 0),
    height: 2 * padding + header + gridH + (o.footer ?? 0),
    columns, rows, tiles,
  };
}

/** A tile of {@link composeGrid}: a picture and an optional label drawn above it. */
export interface GridTile {
  image: ImageData8;
  label?: string;
}

/**
 * Draws tiles (all the same size) in a grid under a title, with a footer
 * picture (e.g. a legend strip) below.
 *
 * Shape: every tile image must have the first tile's width and height.
 *
 * @example composeGrid(maps.map((m, i) => ({ image: m, label: String(i) })), { title: 'features.0' })
 */
export function composeGrid(tiles: readonly GridTile[], o: { title?: string; columns?: number; gap?: number; footer?: ImageData8 } = {}): Canvas {
  const first = tiles[0]?.image;
  const tileW = first?.width ?? 0;
  const labels = tiles.some((t) => t.label !== undefined);
  const tileH = (first?.height ?? 0) + (labels ? LABEL_HEIGHT : 0);
  for (const t of tiles) {
    if (t.image.width !== tileW || t.image.height !== first!.height) {
      throw new RangeError(`composeGrid: tile ${t.image.width}x${t.image.height} differs from the first tile ${tileW}x${first!.height}`);
    }
  }
  const padding = 6;
  const gap = o.gap ?? 4;
  const layout = gridLayout({
    count: tiles.length, tileWidth: tileW, tileHeight: tileH, gap, padding,
    ...(o.columns !== undefined ? { columns: o.columns } : {}),
    header: o.title ? TITLE_HEIGHT : 0,
    footer: o.footer ? o.footer.height + gap : 0,
    minWidth: Math.max(o.title ? textWidth(o.title) + 2 * padding : 0, o.footer ? o.footer.width + 2 * padding : 0),
  });
  const canvas = new Canvas(layout.width, layout.height);
  if (o.title) drawText(canvas, o.title, padding, padding, { color: INK });
  tiles.forEach((t, i) => {
    const { x, y } = layout.tiles[i]!;
    if (t.label !== undefined) drawText(canvas, t.label, x, y, { color: [110, 110, 110] });
    canvas.drawImage(t.image, x, y + (labels ? LABEL_HEIGHT : 0));
  });
  if (o.footer) canvas.drawImage(o.footer, padding, layout.height - padding - o.footer.height);
  return canvas;
}
