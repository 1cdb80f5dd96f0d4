/**
 * Pointing at the model's input reads one pixel in all its forms: the raw
 * pixel (0–255, as the image stores it), the 0–1 value, and the normalised
 * input the first layer actually reads ((pixel − mean) ÷ std, from the
 * model file), so a newcomer can tell the three kinds of number apart.
 */
import { el, fmt } from './dom.js';
import type { ModelMeta } from 'fovea';

export interface InputSnapshot {
  /** C*H*W values in [0, 1], as the page feeds the model. */
  pixels: Float32Array;
  shape: readonly [number, number, number];
  meta: Pick<ModelMeta, 'normalize'>;
}

/** Reads the pixel under the pointer of `container` (which holds the input canvas) into a line below it. */
export function wirePixelReadout(container: HTMLElement, current: () => InputSnapshot | null): HTMLElement {
  const line = el('p', { id: 'pixel-readout', class: 'hint', 'aria-live': 'polite' }, 'Point at the picture to read a pixel: raw (0–255), 0–1, and the normalised input the model reads.');
  (container.closest('.sees') ?? container).after(line);
  container.addEventListener('pointermove', (e) => {
    const input = current();
    const canvas = container.querySelector('canvas');
    if (!input || !canvas) return;
    const r = canvas.getBoundingClientRect();
    const [c, h, w] = input.shape;
    const x = Math.floor(((e.clientX - r.left) / r.width) * w);
    const y = Math.floor(((e.clientY - r.top) / r.height) * h);
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    const parts: string[] = [];
    for (let k = 0; k < c; k++) {
      const p = input.pixels[(k * h + y) * w + x]!;
      const norm = (p - input.meta.normalize.mean[k]!) / input.meta.normalize.std[k]!;
      parts.push(`${c === 3 ? `${'RGB'[k]}: ` : ''}raw pixel ${Math.round(p * 255)} → ${fmt(Number(p.toFixed(4)))} → normalised input ${fmt(norm)}`);
    }
    line.textContent = `row ${y}, column ${x}: ${parts.join('; ')}`;
    Object.assign(line.dataset, { y, x, raw: Math.round(input.pixels[y * w + x]! * 255), normalised: (input.pixels[y * w + x]! - input.meta.normalize.mean[0]!) / input.meta.normalize.std[0]! });
  });
  return line;
}
