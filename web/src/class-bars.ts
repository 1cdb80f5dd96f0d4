/**
 * Class probabilities as bars, best class marked. Many classes (ImageNet-
 * sized heads) are shown as the top 10. A bar is a button: pressing it asks
 * for that class's saliency map (pressing it again clears it). For photos the
 * top K classes are shown, best first, with their full names (fovea's `topK`).
 */
import { topK } from 'fovea';
import { el } from './dom.js';

const MAX_BARS = 10;

export class ClassBars {
  private readonly rows: { row: HTMLElement; bar: HTMLElement; pct: HTMLElement; name: HTMLElement }[] = [];
  private readonly prediction: HTMLElement;

  private selected: number | null = null;

  /**
   * @param options.top show only the K most probable classes, best first, with full names (photos)
   * @param options.empty what the prediction line says without input
   */
  constructor(container: HTMLElement, private readonly classNames: readonly string[], onSelect: (k: number | null) => void,
    private readonly options: { top?: number; empty?: string } = {}) {
    this.prediction = el('p', { id: 'prediction', 'aria-live': 'polite' });
    const list = el('ol', { class: options.top ? 'bars full' : 'bars' });
    for (let i = 0; i < Math.min(options.top ?? MAX_BARS, classNames.length); i++) {
      const name = el('span', { class: 'name' });
      const bar = el('span', { class: 'bar' });
      const pct = el('span', { class: 'pct' });
      const row = el('li', { role: 'button', tabindex: 0, title: 'show which pixels move this class\'s score (saliency)' }, name, el('span', { class: 'track' }, bar), pct);
      const pick = (): void => {
        const k = Number(row.dataset['class']);
        this.selected = this.selected === k ? null : k;
        for (const r of this.rows) r.row.classList.toggle('selected', Number(r.row.dataset['class']) === this.selected);
        onSelect(this.selected);
      };
      row.addEventListener('click', pick);
      row.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        pick();
      });
      list.append(row);
      this.rows.push({ row, bar, pct, name });
    }
    container.replaceChildren(this.prediction, list);
  }

  /** Shows probabilities (one per class); null for no input (blank pad). */
  update(p: Float32Array | null): void {
    let order = Array.from(this.classNames.keys());
    if (p && this.options.top) order = topK(p, this.options.top, this.classNames).map((r) => r.index);
    else if (p && this.classNames.length > MAX_BARS) order.sort((a, b) => p[b]! - p[a]!);
    let best = -1;
    if (p) for (let k = 0; k < p.length; k++) if (best < 0 || p[k]! > p[best]!) best = k;
    this.rows.forEach((r, i) => {
      const k = order[i]!;
      const v = p ? p[k]! : 0;
      r.name.textContent = this.classNames[k]!;
      r.name.title = this.classNames[k]!;
      r.bar.style.width = `${(100 * v).toFixed(1)}%`;
      r.pct.textContent = p ? `${(100 * v).toFixed(1)}%` : '';
      r.row.dataset['class'] = String(k);
      r.row.classList.toggle('top', k === best);
      r.row.classList.toggle('selected', k === this.selected);
    });
    if (!p || best < 0) {
      this.prediction.textContent = this.options.empty ?? 'Draw a digit, or pick one below.';
      delete this.prediction.dataset['class'];
      return;
    }
    this.prediction.textContent = '';
    this.prediction.append('Prediction: ', el('strong', {}, this.classNames[best]!), ` (${(100 * p[best]!).toFixed(1)}%)`);
    this.prediction.dataset['class'] = String(best);
    this.prediction.dataset['label'] = this.classNames[best]!;
  }
}
