/**
 * Every layer of the model, live: one panel per recorded layer (conv, after
 * ReLU, after pooling, the flattened vector, the fully connected layers),
 * laid out from the model's own structure, painted on every update, and
 * reporting which unit the pointer is over (hover with a mouse or pen, tap
 * with a finger).
 */
import { blueWhiteRed, viridis } from 'fovea';
import { el, fmt } from './dom.js';
import { mapsGeometry, packedTable, paint, unitAt, unitRect, vectorGeometry, type Geometry } from './map-painter.js';
import type { LayerInfo, RunResult } from './model-session.js';

/** At most this many channels of a layer are drawn (the rest are named, not shown). */
export const MAX_CHANNELS_SHOWN = 64;

/** Class names under the last layer's cells (one row of them): short names across, longer ones written downwards. */
function labelCells(v: View, names: readonly string[]): void {
  const g = v.geometry;
  const across = names.every((n) => n.length <= 2);
  const labels = el('div', { class: `cell-labels${across ? '' : ' down'}`, 'aria-hidden': 'true' });
  labels.style.width = v.canvas.style.width;
  names.forEach((n, i) => {
    const s = el('span', { title: n }, n);
    s.style.left = `${(100 * i * g.scale) / g.width}%`;
    s.style.width = `${(100 * g.scale) / g.width}%`;
    labels.append(s);
  });
  v.canvas.parentElement!.after(labels);
}

/** A unit of a layer: channel (or vector index) c at (y, x). */
export interface UnitRef {
  layer: number;
  c: number;
  y: number;
  x: number;
}

const TABLES = { signed: packedTable(blueWhiteRed), positive: packedTable(viridis) };

interface View {
  info: LayerInfo;
  geometry: Geometry;
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  image: ImageData;
  pixels: Uint32Array;
  marker: HTMLElement;
  range: HTMLElement;
}

export class LayerViews {
  private readonly views: View[] = [];
  private frame = 0;

  /**
   * @param onUnit called with the unit under the pointer (null when it leaves a layer);
   *   `pinned` is true for a tap or click, which keeps the unit selected.
   */
  constructor(private readonly container: HTMLElement, layers: readonly LayerInfo[], private readonly onUnit: (u: UnitRef | null, pinned: boolean) => void, classNames: readonly string[] = []) {
    container.replaceChildren();
    layers.forEach((info, i) => this.views.push(this.build(info, i)));
    const last = this.views[this.views.length - 1];
    if (last && last.info.kind === 'vector' && last.geometry.units === classNames.length && last.geometry.h === 1) labelCells(last, classNames);
  }

  private build(info: LayerInfo, index: number): View {
    const shown = info.kind === 'maps' ? Math.min(info.shape[0]!, MAX_CHANNELS_SHOWN) : 0;
    const geometry = info.kind === 'maps' ? mapsGeometry(shown, info.shape[1]!, info.shape[2]!) : vectorGeometry(info.shape.reduce((a, b) => a * b, 1));
    const canvas = el('canvas', {
      class: 'maps', width: geometry.width, height: geometry.height,
      'data-scale': geometry.scale, 'data-cols': geometry.cols, 'data-gap': geometry.gap, 'data-h': geometry.h, 'data-w': geometry.w,
      'aria-label': `${info.type} ${info.path}: ${info.kind === 'maps' ? `${info.shape[0]} feature maps of ${info.shape[1]} x ${info.shape[2]}` : `${geometry.units} units`}`,
    });
    canvas.style.width = `${geometry.width}px`;
    const marker = el('div', { class: 'unit-marker', hidden: true });
    const range = el('span', { class: 'range' });
    const more = info.kind === 'maps' && info.shape[0]! > shown ? ` (first ${shown} shown)` : '';
    const section = el('section', { class: `layer layer-${info.kind}`, 'data-path': info.path, 'data-type': info.type, 'data-shape': info.shape.join(','), 'data-index': index },
      el('h3', {}, el('span', { class: 'type' }, info.type), ' ', el('code', {}, info.path || '(model)'), ' ', el('span', { class: 'shape' }, `[${info.shape.join(' × ')}]${more}`), ' ', range),
      el('div', { class: 'canvas-wrap' }, canvas, marker));
    this.container.append(section);
    const ctx = canvas.getContext('2d')!;
    const image = ctx.createImageData(geometry.width, geometry.height);
    const pointer = (e: PointerEvent, pinned: boolean): void => {
      const r = canvas.getBoundingClientRect();
      const u = unitAt(geometry, ((e.clientX - r.left) * geometry.width) / r.width, ((e.clientY - r.top) * geometry.height) / r.height);
      this.onUnit(u ? { layer: index, ...u } : null, pinned);
    };
    canvas.addEventListener('pointermove', (e) => {
      if (e.pointerType !== 'touch') pointer(e, false);
    });
    canvas.addEventListener('pointerdown', (e) => pointer(e, true));
    canvas.addEventListener('pointerleave', (e) => {
      if (e.pointerType !== 'touch') this.onUnit(null, false);
    });
    return { info, geometry, canvas, ctx, image, pixels: new Uint32Array(image.data.buffer), marker, range };
  }

  /** Paints every layer from a forward pass. */
  update(run: RunResult): void {
    this.frame++;
    for (let i = 0; i < this.views.length; i++) {
      const v = this.views[i]!;
      const layer = run.layers[i];
      if (!layer) continue;
      const map = v.info.signed ? blueWhiteRed : viridis;
      const [lo, hi] = paint(v.pixels, v.geometry, layer.output, map, v.info.signed ? TABLES.signed : TABLES.positive);
      v.ctx.putImageData(v.image, 0, 0);
      v.range.textContent = `${fmt(lo)} … ${fmt(hi)}`;
      v.canvas.dataset['frame'] = String(this.frame);
    }
  }

  /** Layer i's canvas, the box around it (overlays go there), its unit marker and where its units sit; undefined past the last layer. */
  view(i: number): { canvas: HTMLCanvasElement; wrap: HTMLElement; marker: HTMLElement; geometry: Geometry; info: LayerInfo } | undefined {
    const v = this.views[i];
    return v && { canvas: v.canvas, wrap: v.canvas.parentElement!, marker: v.marker, geometry: v.geometry, info: v.info };
  }

  /** Outlines a unit (null: none). */
  highlight(u: UnitRef | null): void {
    for (const [i, v] of this.views.entries()) {
      if (!u || u.layer !== i) {
        v.marker.hidden = true;
        continue;
      }
      const r = unitRect(v.geometry, u.c, u.y, u.x);
      const s = v.marker.style;
      s.left = `${(100 * r.left) / v.geometry.width}%`;
      s.top = `${(100 * r.top) / v.geometry.height}%`;
      s.width = `${(100 * r.size) / v.geometry.width}%`;
      s.height = `${(100 * r.size) / v.geometry.height}%`;
      v.marker.hidden = false;
    }
  }
}
