/**
 * The softmax and the decision, in numbers: the last layer's scores (the
 * logits, activations that can be any real number), e to the power of each
 * (after subtracting the largest, which changes nothing once divided but
 * keeps e^z from overflowing), their sum, and each divided by the sum: the
 * probabilities the class bars show. Class names on every row; the best
 * class marked; updated on every drawing change. Many classes (an ImageNet
 * head) show the 10 largest rows and the rest summed.
 */
import { el, fmt } from './dom.js';

const MAX_ROWS = 10;

export class SoftmaxView {
  private readonly body: HTMLTableSectionElement;
  private readonly sum: HTMLElement;
  private readonly note: HTMLElement;

  constructor(private readonly container: HTMLElement, private readonly classNames: readonly string[]) {
    this.body = el('tbody');
    this.sum = el('p', { class: 'softmax-sum' });
    this.note = el('p', { class: 'hint' });
    container.replaceChildren(
      el('p', { class: 'hint' }, 'The last layer gives one score per class, the ', el('strong', {}, 'logit'),
        ' (an activation: any real number). Softmax turns the scores into probabilities: e', el('sup', {}, 'z − max'),
        ' for each class, divided by their sum, so they are positive and add up to 1.'),
      el('div', { class: 'softmax-wrap' }, el('table', { class: 'softmax' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'class'), el('th', { scope: 'col' }, 'logit z'), el('th', { scope: 'col' }, 'z − max'),
          el('th', { scope: 'col' }, 'e^(z − max)'), el('th', { scope: 'col' }, '÷ Σ = probability'))),
        this.body)),
      this.sum, this.note,
    );
  }

  /** Shows the logits' way to the probabilities (null: no input yet). `probabilities` are the ones the bars show. */
  update(logits: Float32Array | null, probabilities: Float32Array | null): void {
    if (!logits || !probabilities) {
      this.body.replaceChildren();
      this.sum.textContent = 'Draw a digit, or pick one, to see the scores become probabilities.';
      this.note.textContent = '';
      delete this.container.dataset['best'];
      return;
    }
    let max = -Infinity;
    for (const z of logits) max = Math.max(max, z);
    const exps = Array.from(logits, (z) => Math.exp(z - max));
    const total = exps.reduce((s, v) => s + v, 0);
    const order = Array.from(logits.keys());
    if (logits.length > MAX_ROWS) order.sort((a, b) => logits[b]! - logits[a]!);
    const shown = order.slice(0, MAX_ROWS);
    let best = 0;
    for (let k = 1; k < logits.length; k++) if (logits[k]! > logits[best]!) best = k;
    this.body.replaceChildren(...shown.map((k) => {
      const p = probabilities[k]!;
      const bar = el('span', { class: 'pbar' });
      bar.style.width = `${(100 * p).toFixed(1)}%`;
      return el('tr', { class: k === best ? 'best' : '', 'data-class': k, 'data-p': p, 'data-logit': logits[k]!, 'data-exp': exps[k]! },
        el('th', { scope: 'row', title: this.classNames[k]! }, this.classNames[k]!),
        el('td', {}, fmt(logits[k]!)),
        el('td', {}, fmt(logits[k]! - max)),
        el('td', {}, fmt(exps[k]!)),
        el('td', { class: 'p' }, bar, el('span', { class: 'pct' }, `${(100 * p).toFixed(1)}%`)));
    }));
    const rest = order.length - shown.length;
    const restSum = order.slice(MAX_ROWS).reduce((s, k) => s + exps[k]!, 0);
    this.sum.textContent = `max z = ${fmt(max)}; Σ e^(z − max) = ${fmt(total)} over ${logits.length} classes${rest ? ` (the other ${rest}: ${fmt(restSum)})` : ''}.`;
    this.sum.dataset['sum'] = String(total);
    this.note.textContent = `The decision: ${this.classNames[best]} (${(100 * probabilities[best]!).toFixed(1)}%), the largest logit. Softmax keeps the order; it only says how sure.`;
    this.container.dataset['best'] = String(best);
  }
}
