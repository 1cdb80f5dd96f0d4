/**
 * Editing the first conv layer's filters in place: pick a filter, type or
 * paste a kernel (or choose a classic one), zero it, and watch the feature
 * maps and the prediction change; reset puts back the weights as loaded.
 */
import type { Conv2d } from 'fovea';
import { el, fmt } from './dom.js';
import { drawFilterTiles } from './filter-tiles.js';
import { formatKernel, KERNEL_PRESETS, parseKernel } from './kernel-text.js';

export class FilterEditor {
  private selected = 0;
  private readonly tiles: HTMLElement;
  private readonly text: HTMLTextAreaElement;
  private readonly bias: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly title: HTMLElement;

  /**
   * @param conv the layer edited (its weights are changed in place)
   * @param onChange called after every edit (re-run the model)
   * @param onReset puts back every weight as loaded
   */
  constructor(container: HTMLElement, private readonly conv: Conv2d, path: string, private readonly onChange: () => void, private readonly onReset: () => void) {
    const [kh, kw] = conv.kernelSize;
    this.tiles = el('div', { class: 'filter-tiles', role: 'list' });
    this.title = el('h3');
    this.text = el('textarea', { id: 'kernel-text', rows: kh + 1, cols: kw * 7, spellcheck: 'false', 'aria-label': 'kernel weights, one row per line' });
    this.bias = el('input', { id: 'kernel-bias', type: 'number', step: 'any', 'aria-label': 'bias', disabled: conv.bias === null });
    this.status = el('p', { class: 'status', role: 'status' });
    const presets = el('select', { id: 'kernel-preset', 'aria-label': 'classic kernels' }, el('option', { value: '' }, 'classic kernels…'),
      ...Object.keys(KERNEL_PRESETS).map((k) => el('option', { value: k }, k)));
    presets.addEventListener('change', () => {
      const k = KERNEL_PRESETS[presets.value];
      if (k) this.text.value = k;
      presets.value = '';
    });
    const apply = el('button', { type: 'button', id: 'kernel-apply' }, 'Apply');
    const zero = el('button', { type: 'button', id: 'kernel-zero' }, 'Zero this filter');
    const reset = el('button', { type: 'button', id: 'kernel-reset' }, 'Reset all weights');
    apply.addEventListener('click', () => this.apply());
    zero.addEventListener('click', () => this.zero());
    reset.addEventListener('click', () => {
      this.onReset();
      this.say('all weights restored as loaded');
      this.refresh();
      this.onChange();
    });
    container.replaceChildren(
      el('p', { class: 'hint' }, `The ${conv.outChannels} filters of the first convolution `, el('code', {}, path), ` (${conv.inChannels} input channel${conv.inChannels > 1 ? 's' : ''}, ${kh}×${kw}). Pick one, type a kernel (a smaller one such as 3×3 Sobel is centred), and see every layer change.`),
      this.tiles, this.title,
      el('div', { class: 'kernel-edit' }, this.text, el('div', { class: 'kernel-tools' }, presets, el('label', {}, 'bias ', this.bias), apply, zero, reset)),
      this.status,
    );
    this.select(0);
  }

  /** Redraws the filter pictures and the selected filter's text from the current weights. */
  refresh(): void {
    const tiles = drawFilterTiles(this.tiles, this.conv.weight.data, this.conv.weight.shape, (f) => this.select(f));
    tiles.forEach((t, f) => t.classList.toggle('selected', f === this.selected));
    const [kh, kw] = this.conv.kernelSize;
    const per = (this.conv.inChannels / (this.conv.options.groups ?? 1)) * kh * kw;
    this.text.value = formatKernel(this.conv.weight.data.subarray(this.selected * per, (this.selected + 1) * per), per / (kh * kw), kh, kw);
    this.bias.value = this.conv.bias ? fmt(this.conv.bias.data[this.selected]!) : '0';
  }

  private select(f: number): void {
    this.selected = f;
    this.title.textContent = `filter ${f}`;
    this.refresh();
  }

  private apply(): void {
    const conv = this.conv;
    const [kh, kw] = conv.kernelSize;
    const cin = conv.inChannels / (conv.options.groups ?? 1);
    const r = parseKernel(this.text.value, cin, kh, kw);
    if (!r.ok) {
      this.say(r.message, true);
      return;
    }
    const b = Number(this.bias.value);
    if (conv.bias && this.bias.value.trim() !== '' && !Number.isFinite(b)) {
      this.say(`bias '${this.bias.value}' is not a number`, true);
      return;
    }
    conv.weight.data.set(r.weights, this.selected * r.weights.length);
    if (conv.bias && this.bias.value.trim() !== '') conv.bias.data[this.selected] = b;
    this.say(`filter ${this.selected} set`);
    this.refresh();
    this.onChange();
  }

  private zero(): void {
    const conv = this.conv;
    const per = conv.weight.numel() / conv.outChannels;
    conv.weight.data.fill(0, this.selected * per, (this.selected + 1) * per);
    if (conv.bias) conv.bias.data[this.selected] = 0;
    this.say(`filter ${this.selected} zeroed (weights and bias): its feature map is now all 0`);
    this.refresh();
    this.onChange();
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }
}
