/**
 * All channels of a layer's activation as one picture: a grid of feature
 * maps sharing one value range (so channels can be compared), each labelled
 * with its channel number, under a title, over a legend. Platform-free.
 */
import { blueWhiteRed, viridis, type ColorMap } from './colormap.js';
import type { Canvas } from './canvas.js';
import { composeGrid } from './grid.js';
import { legendStrip } from './legend.js';
import { renderMap, resolveRange, type ValueRange } from './render-map.js';

/** Options for {@link activationGrid}. */
export interface ActivationGridOptions {
  /** Text of the title row (e.g. `features.1 ReLU [1, 6, 28, 28]`); none by default. */
  title?: string;
  /** Default: {@link blueWhiteRed} when any value is negative, else {@link viridis}. */
  colorMap?: ColorMap;
  /** Shared by all channels; default 'auto' over all of them. */
  range?: ValueRange;
  /** Upscaling factor; default {@link autoScale} of H and W. */
  scale?: number;
  /** Default ceil(sqrt(C)). */
  columns?: number;
  /** Channel numbers above the maps; default true. */
  labels?: boolean;
  /** The legend strip below; default true. */
  legend?: boolean;
}

/**
 * An upscaling factor that makes an H x W map about 48 px or more on its
 * long side (28 → 2, 14 → 4, 5 → 10), between 1 and 16.
 *
 * @example autoScale(5, 5)   // 10
 */
export function autoScale(height: number, width: number, target = 48): number {
  return Math.min(16, Math.max(1, Math.ceil(target / Math.max(1, height, width))));
}

/**
 * The colour map {@link activationGrid} picks for these values: diverging
 * blue–white–red when any is negative (conv outputs before ReLU), viridis
 * otherwise (after ReLU, after pooling).
 *
 * @example defaultColorMap(Float32Array.of(0, 2))   // viridis
 */
export function defaultColorMap(values: ArrayLike<number>): ColorMap {
  for (let i = 0; i < values.length; i++) if (values[i]! < 0) return blueWhiteRed;
  return viridis;
}

/**
 * Renders a [C, H, W] activation as a grid of C maps.
 *
 * Shape: `values` holds `C * H * W` numbers, CHW (channel c's map is
 * `values[c*H*W … (c+1)*H*W)`), i.e. one image of an NCHW batch. The
 * picture is laid out by {@link gridLayout} with tiles of
 * `W * scale` x `H * scale` pixels (plus the label row).
 *
 * @example
 * const out = model.forward(x);                       // [1, 6, 28, 28]
 * const pic = activationGrid(out.data, [6, 28, 28], { title: 'features.0' });
 */
export function activationGrid(values: ArrayLike<number>, shape: readonly [channels: number, height: number, width: number], o: ActivationGridOptions = {}): Canvas {
  const [c, h, w] = shape;
  const plane = h * w;
  if (values.length !== c * plane) {
    throw new RangeError(`activationGrid: ${values.length} values do not fill shape [${c}, ${h}, ${w}] (${c * plane} needed)`);
  }
  const colorMap = o.colorMap ?? defaultColorMap(values);
  const range = resolveRange(o.range, values, colorMap);
  const scale = o.scale ?? autoScale(h, w);
  const sub = (k: number): ArrayLike<number> =>
    'subarray' in values ? (values as Float32Array).subarray(k * plane, (k + 1) * plane) : Array.prototype.slice.call(values, k * plane, (k + 1) * plane);
  const tiles = Array.from({ length: c }, (_, k) => ({
    image: renderMap(sub(k), [h, w], { colorMap, range, scale }),
    ...(o.labels ?? true ? { label: String(k) } : {}),
  }));
  const footer = o.legend ?? true ? legendStrip(colorMap, range) : undefined;
  return composeGrid(tiles, {
    ...(o.title !== undefined ? { title: o.title } : {}),
    ...(o.columns !== undefined ? { columns: o.columns } : {}),
    ...(footer ? { footer } : {}),
  });
}
