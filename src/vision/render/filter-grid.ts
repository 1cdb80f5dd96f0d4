/**
 * The filters of a conv layer as a picture: each [kH, kW] slice through a
 * colour map (one tile per output and input channel), or, for a first layer
 * on RGB input, each filter as one colour tile. Platform-free.
 */
import { blueWhiteRed, type ColorMap } from './colormap.js';
import type { ImageData8 } from '../image.js';
import { upscale, type Canvas } from './canvas.js';
import { composeGrid, type GridTile } from './grid.js';
import { legendStrip } from './legend.js';
import { renderMap, resolveRange, type ValueRange } from './render-map.js';

/** Options for {@link filterGrid}. */
export interface FilterGridOptions {
  /**
   * `'channels'`: one tile per (output, input) channel pair, through the
   * colour map. `'rgb'`: one colour tile per filter (needs 3 input channels),
   * weight 0 drawn mid-gray. `'auto'` (default): `'rgb'` when there are 3
   * input channels, else `'channels'`.
   */
  mode?: 'auto' | 'channels' | 'rgb';
  title?: string;
  /** Default {@link blueWhiteRed} (signed weights). */
  colorMap?: ColorMap;
  /** Shared by all filters; default 'auto' (±max|w| for a diverging map). */
  range?: ValueRange;
  /** Upscaling factor; default about 40 px per filter side (5x5 → 8). */
  scale?: number;
  /** Columns when there is one input channel (or in rgb mode); default ceil(sqrt(O)). */
  columns?: number;
  /** The legend strip below (channels mode); default true. */
  legend?: boolean;
}

/**
 * Renders conv weights `[O, I, kH, kW]` (PyTorch's layout, as
 * `Conv2d.weight`).
 *
 * Shape: `weight` holds `O * I * kH * kW` numbers. In channels mode with
 * I = 1 the O tiles wrap into a grid labelled by output channel; with I > 1
 * there is one row per output channel and one column per input channel,
 * labelled `o:i`. In rgb mode input channels 0, 1, 2 become R, G, B.
 *
 * @example
 * const conv = model.features.at(0) as Conv2d;
 * const pic = filterGrid(conv.weight.data, conv.weight.shape as [number, number, number, number], { title: 'features.0 filters' });
 */
export function filterGrid(weight: ArrayLike<number>, shape: readonly [out: number, inChannels: number, kH: number, kW: number], o: FilterGridOptions = {}): Canvas {
  const [out, inC, kh, kw] = shape;
  if (weight.length !== out * inC * kh * kw) {
    throw new RangeError(`filterGrid: ${weight.length} weights do not fill shape [${out}, ${inC}, ${kh}, ${kw}] (${out * inC * kh * kw} needed)`);
  }
  const mode = o.mode === undefined || o.mode === 'auto' ? (inC === 3 ? 'rgb' : 'channels') : o.mode;
  if (mode === 'rgb' && inC !== 3) throw new RangeError(`filterGrid: rgb mode needs 3 input channels, got shape [${out}, ${inC}, ${kh}, ${kw}]`);
  const colorMap = o.colorMap ?? blueWhiteRed;
  const range = resolveRange(o.range, weight, colorMap);
  const scale = o.scale ?? Math.min(16, Math.max(1, Math.ceil(40 / Math.max(kh, kw))));
  const plane = kh * kw;
  const slice = (k: number): number[] => Array.from({ length: plane }, (_, i) => weight[k * plane + i]!);
  let tiles: GridTile[];
  let columns = o.columns;
  if (mode === 'rgb') {
    tiles = Array.from({ length: out }, (_, f) => ({ image: upscale(rgbFilter(weight, f, [kh, kw], range), scale), label: String(f) }));
  } else if (inC === 1) {
    tiles = Array.from({ length: out }, (_, f) => ({ image: renderMap(slice(f), [kh, kw], { colorMap, range, scale }), label: String(f) }));
  } else {
    tiles = [];
    for (let f = 0; f < out; f++) {
      for (let c = 0; c < inC; c++) tiles.push({ image: renderMap(slice(f * inC + c), [kh, kw], { colorMap, range, scale }), label: `${f}:${c}` });
    }
    columns = inC;
  }
  const footer = mode === 'channels' && (o.legend ?? true) ? legendStrip(colorMap, range) : undefined;
  return composeGrid(tiles, {
    ...(o.title !== undefined ? { title: o.title } : {}),
    ...(columns !== undefined ? { columns } : {}),
    ...(footer ? { footer } : {}),
  });
}

/** Filter f of an [O, 3, kH, kW] weight as an RGB image: 128 + 127 * w / max|range|, so 0 is mid-gray. */
function rgbFilter(weight: ArrayLike<number>, f: number, [kh, kw]: readonly [number, number], range: readonly [number, number]): ImageData8 {
  const m = Math.max(Math.abs(range[0]), Math.abs(range[1])) || 1;
  const plane = kh * kw;
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(128 + (127 * weight[(f * 3 + c) * plane + i]!) / m)));
  }
  return { width: kw, height: kh, channels: 3, data };
}
