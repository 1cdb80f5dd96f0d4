/**
 * What the model sees: its input image after preprocessing (before the
 * normalisation), upscaled, with the receptive field of the unit under the
 * pointer drawn on it as a box of input pixels, and optionally a class's
 * saliency map over it.
 */
import { autoRange, colorIndex, normalizeValue, viridis, type ReceptiveField } from 'fovea';
import { el } from './dom.js';

export class InputView {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly image: ImageData;
  /** The receptive-field box; its data-y0/y1/x0/x1 give the pixel box (inclusive). */
  readonly box: HTMLElement;
  private readonly heat: HTMLCanvasElement;
  private readonly heatImage: ImageData;

  constructor(container: HTMLElement, private readonly shape: readonly [number, number, number]) {
    const [, h, w] = shape;
    this.canvas = el('canvas', { id: 'model-input', width: w, height: h, 'aria-label': `the model's input, ${shape.join(' x ')}` });
    this.box = el('div', { id: 'rf-box', hidden: true, 'aria-hidden': 'true' });
    this.heat = el('canvas', { id: 'saliency', width: w, height: h, hidden: true, 'aria-label': 'saliency map' });
    container.replaceChildren(el('div', { class: 'canvas-wrap input-wrap' }, this.canvas, this.heat, this.box));
    this.ctx = this.canvas.getContext('2d')!;
    this.image = this.ctx.createImageData(w, h);
    this.heatImage = this.heat.getContext('2d')!.createImageData(w, h);
  }

  /**
   * Overlays a saliency map (H*W values ≥ 0; brighter and more opaque = the
   * pixel moves the class score more), or removes it (null).
   */
  showSaliency(map: Float32Array | null, label = ''): void {
    this.heat.hidden = map === null;
    if (!map) {
      delete this.heat.dataset['label'];
      return;
    }
    const [lo, hi] = autoRange(map, viridis);
    const d = this.heatImage.data;
    for (let i = 0; i < map.length; i++) {
      const t = normalizeValue(map[i]!, Math.min(0, lo), hi, false);
      const k = 3 * colorIndex(t);
      d.set([viridis.table[k]!, viridis.table[k + 1]!, viridis.table[k + 2]!, Math.round(40 + 200 * t)], 4 * i);
    }
    this.heat.getContext('2d')!.putImageData(this.heatImage, 0, 0);
    this.heat.dataset['label'] = label;
    this.heat.dataset['max'] = String(hi);
  }

  /** Draws C*H*W values in [0, 1]: gray for one channel, RGB for three, the first channel otherwise. */
  update(pixels: Float32Array): void {
    const [c, h, w] = this.shape;
    const d = this.image.data;
    const plane = h * w;
    for (let i = 0; i < plane; i++) {
      const r = pixels[i]!;
      const g = c === 3 ? pixels[plane + i]! : r;
      const b = c === 3 ? pixels[2 * plane + i]! : r;
      d[4 * i] = r * 255;
      d[4 * i + 1] = g * 255;
      d[4 * i + 2] = b * 255;
      d[4 * i + 3] = 255;
    }
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** Shows (or hides, for null) a receptive field. An empty field (only padding) shows nothing. */
  showField(rf: ReceptiveField | null): void {
    const [, h, w] = this.shape;
    if (!rf || rf.y1 < rf.y0 || rf.x1 < rf.x0) {
      this.box.hidden = true;
      for (const k of ['y0', 'y1', 'x0', 'x1']) delete this.box.dataset[k];
      return;
    }
    const s = this.box.style;
    s.left = `${(100 * rf.x0) / w}%`;
    s.top = `${(100 * rf.y0) / h}%`;
    s.width = `${(100 * (rf.x1 - rf.x0 + 1)) / w}%`;
    s.height = `${(100 * (rf.y1 - rf.y0 + 1)) / h}%`;
    Object.assign(this.box.dataset, { y0: rf.y0, y1: rf.y1, x0: rf.x0, x1: rf.x1 });
    this.box.hidden = false;
  }
}
