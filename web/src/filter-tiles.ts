/**
 * A conv layer's filters as small pictures (blue negative, white zero, red
 * positive, one range for all filters so they compare). A filter with
 * several input channels is shown as its first channel, or as RGB when it
 * has three (a colour model's first layer).
 */
import { blueWhiteRed, colorIndex, normalizeValue } from 'fovea';
import { el } from './dom.js';

const PX = 8;

/**
 * Draws filters into `container` (reusing its canvases when the count matches).
 * Shape: `weights` is [out, in, kH, kW] flattened.
 */
export function drawFilterTiles(container: HTMLElement, weights: Float32Array, shape: readonly number[], onPick?: (filter: number) => void): HTMLCanvasElement[] {
  const [out, cin, kh, kw] = shape as [number, number, number, number];
  let canvases = [...container.querySelectorAll('canvas')];
  if (canvases.length !== out) {
    canvases = Array.from({ length: out }, (_, f) => {
      const c = el('canvas', { width: kw * PX, height: kh * PX, class: 'filter', 'data-filter': f, title: `filter ${f}`, tabindex: onPick ? 0 : undefined });
      if (onPick) {
        c.addEventListener('click', () => onPick(f));
        c.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && onPick(f));
      }
      return c;
    });
    container.replaceChildren(...canvases);
  }
  let m = 0;
  for (const v of weights) m = Math.max(m, Math.abs(v));
  const plane = kh * kw;
  canvases.forEach((canvas, f) => {
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(kw * PX, kh * PX);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let rgb: [number, number, number];
        if (cin === 3) {
          // a colour filter: each input channel's weight as that colour's intensity, 0 as mid-gray
          rgb = [0, 1, 2].map((k) => 127.5 + (127.5 * weights[(f * 3 + k) * plane + i * kw + j]!) / (m || 1)) as [number, number, number];
        } else {
          const t = 3 * colorIndex(normalizeValue(weights[f * cin * plane + i * kw + j]!, -m, m, true));
          rgb = [blueWhiteRed.table[t]!, blueWhiteRed.table[t + 1]!, blueWhiteRed.table[t + 2]!];
        }
        for (let dy = 0; dy < PX; dy++) for (let dx = 0; dx < PX; dx++) img.data.set([...rgb, 255], 4 * ((i * PX + dy) * kw * PX + j * PX + dx));
      }
    }
    ctx.putImageData(img, 0, 0);
  });
  return canvases;
}
