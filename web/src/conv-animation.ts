/**
 * The convolution, animated (CNN Explainer's sliding window, on the page's
 * own model and drawing): one filter of a conv layer slides over every input
 * channel, one output position per step; each step shows the window × the
 * weights for each channel, their sum, + bias, the value, and the ReLU after
 * it, and paints that cell of the output map, which builds up cell by cell.
 * Play, pause, step back and forth, speed; stride, padding (hatched zeros
 * around the input) and dilation (spread taps) are drawn and said in words.
 * The numbers are the page's unit arithmetic (unit-arithmetic.ts), set
 * beside the value the model itself computed.
 */
import { blueWhiteRed, colorIndex, normalizeValue, type Conv2d, type ModelMeta } from 'fovea';
import { el, fmt } from './dom.js';
import type { RunResult } from './model-session.js';
import { grid } from './trace-panel.js';
import { unitArithmetic } from './unit-arithmetic.js';
import { inputKind } from './value-kinds.js';

/** Input channels drawn as pictures, and as number grids at each step. */
const CHANNELS_DRAWN = 4;
const GRIDS_SHOWN = 3;

export class ConvAnimation {
  private run: RunResult | null = null;
  /** Whether the card is on screen: off screen, a new forward pass only marks it stale (the page redraws on every pointer move). */
  private visible = false;
  private stale = false;
  private layer = -1;
  private filter = 0;
  private step = 0;
  private timer = 0;
  private readonly layerSelect: HTMLSelectElement;
  private readonly filterInput: HTMLInputElement;
  private readonly play: HTMLButtonElement;
  private readonly speed: HTMLInputElement;
  private readonly info: HTMLElement;
  private readonly inputs: HTMLElement;
  private readonly output: HTMLCanvasElement;
  private readonly math: HTMLElement;
  private readonly position: HTMLElement;

  constructor(private readonly container: HTMLElement, private readonly meta: ModelMeta) {
    this.layerSelect = el('select', { id: 'conv-layer', 'aria-label': 'conv layer' });
    this.filterInput = el('input', { id: 'conv-filter', type: 'number', min: 0, value: 0, inputmode: 'numeric', 'aria-label': 'filter' });
    const back = el('button', { type: 'button', id: 'conv-back', title: 'one position back' }, '◀ Back');
    this.play = el('button', { type: 'button', id: 'conv-play' }, '▶ Play');
    const next = el('button', { type: 'button', id: 'conv-step', title: 'one position on' }, 'Step ▶');
    const restart = el('button', { type: 'button', id: 'conv-restart' }, 'Restart');
    const finish = el('button', { type: 'button', id: 'conv-finish', title: 'compute every position' }, 'Fill the map');
    this.speed = el('input', { id: 'conv-speed', type: 'range', min: 1, max: 30, value: 4, 'aria-label': 'speed, steps per second' });
    this.info = el('p', { class: 'hint conv-info' });
    this.inputs = el('div', { class: 'conv-inputs' });
    this.output = el('canvas', { class: 'conv-output', 'aria-label': 'the output map, built cell by cell' });
    this.position = el('p', { class: 'conv-position' });
    this.math = el('div', { id: 'conv-math', class: 'conv-math', 'aria-live': 'polite' });
    container.replaceChildren(
      el('div', { class: 'conv-controls' },
        el('label', {}, 'layer ', this.layerSelect), el('label', {}, 'filter ', this.filterInput),
        el('div', { class: 'tools' }, back, this.play, next, restart, finish),
        el('label', { class: 'conv-speed' }, 'speed ', this.speed)),
      this.info,
      el('div', { class: 'conv-stage' }, this.inputs, el('span', { class: 'op' }, '→'), el('figure', {}, this.output, el('figcaption', {}, 'output map'))),
      this.position, this.math,
    );
    this.layerSelect.addEventListener('change', () => this.select(Number(this.layerSelect.value), this.filter, 0, 0));
    this.filterInput.addEventListener('change', () => this.select(this.layer, Number(this.filterInput.value), 0, 0));
    back.addEventListener('click', () => this.go(this.step - 1));
    next.addEventListener('click', () => this.go(this.step + 1));
    restart.addEventListener('click', () => this.go(0));
    finish.addEventListener('click', () => this.go(this.positions - 1));
    this.play.addEventListener('click', () => (this.timer ? this.pause() : this.start()));
    this.speed.addEventListener('input', () => this.timer && (this.pause(), this.start()));
    new IntersectionObserver(([e]) => {
      this.visible = e?.isIntersecting ?? false;
      if (this.visible && this.stale) this.render();
    }).observe(container);
  }

  /** A new forward pass (the drawing changed): the same layer, filter and position, new numbers. */
  update(run: RunResult): void {
    const first = this.run === null;
    this.run = run;
    const convs = run.layers.map((l, i) => [l, i] as const).filter(([l]) => l.type === 'Conv2d');
    if (first) {
      this.layerSelect.replaceChildren(...convs.map(([l, i]) => el('option', { value: i }, `${l.path} (${l.outShape[0]} filters)`)));
      if (convs.length) this.layer = convs[0]![1];
    }
    if (!convs.length) {
      this.container.dataset['layer'] = '';
      this.math.replaceChildren(el('p', { class: 'hint' }, 'This model has no convolution layer.'));
      return;
    }
    if (this.visible || first) this.render();
    else this.stale = true;
  }

  /** Starts from a unit of a conv layer (a tapped or clicked unit). */
  select(layer: number, filter: number, y: number, x: number): void {
    const rec = this.run?.layers[layer];
    if (!rec || rec.type !== 'Conv2d') return;
    this.pause();
    this.layer = layer;
    this.layerSelect.value = String(layer);
    this.filter = Math.max(0, Math.min(rec.outShape[0]! - 1, Math.floor(filter) || 0));
    this.step = y * rec.outShape[2]! + x;
    this.render();
  }

  private get positions(): number {
    const rec = this.run?.layers[this.layer];
    return rec ? rec.outShape[1]! * rec.outShape[2]! : 0;
  }

  private go(step: number): void {
    this.step = Math.max(0, Math.min(this.positions - 1, step));
    this.render();
  }

  private start(): void {
    if (this.step >= this.positions - 1) this.step = -1;
    this.play.textContent = '❚❚ Pause';
    this.container.dataset['playing'] = 'true';
    const tick = (): void => {
      if (this.step >= this.positions - 1) return this.pause();
      this.go(this.step + 1);
    };
    tick();
    this.timer = window.setInterval(tick, 1000 / Number(this.speed.value));
  }

  /** Stops playing (also before the page drops this view for another model). */
  pause(): void {
    clearInterval(this.timer);
    this.timer = 0;
    this.play.textContent = '▶ Play';
    this.container.dataset['playing'] = 'false';
  }

  private render(): void {
    this.stale = false;
    const run = this.run;
    const rec = run?.layers[this.layer];
    if (!run || !rec) return;
    const m = rec.module as Conv2d;
    const [, oh, ow] = rec.outShape as [number, number, number];
    const [cin, h, w] = rec.inShape as [number, number, number];
    this.filter = Math.min(this.filter, rec.outShape[0]! - 1);
    this.filterInput.max = String(rec.outShape[0]! - 1);
    this.filterInput.value = String(this.filter);
    this.step = Math.max(0, Math.min(oh * ow - 1, this.step));
    const oy = Math.floor(this.step / ow), ox = this.step % ow;
    const [kh, kw] = m.kernelSize;
    const { stride: [sh, sw], dilation: [dh, dw], padding: [ph, pw, pb, pr] } = m.attrs();
    const a = unitArithmetic(rec, this.filter, oy, ox);
    if (a.kind !== 'conv') return;
    const kind = inputKind(run.layers, this.layer, this.meta);
    this.info.textContent = `${rec.path}: filter ${this.filter} is ${a.terms.length} × ${kh}×${kw} weights (one ${kh}×${kw} slice per input channel${cin !== a.terms.length ? ' of its group' : ''}). `
      + `Stride ${sh === sw ? sh : `${sh}×${sw}`}: the window moves ${sh === sw ? sh : `${sh}/${sw}`} pixel${sh * sw > 1 ? 's' : ''} per step. `
      + `Padding ${ph === pw && pb === ph && pr === pw ? ph : `${ph} top, ${pw} left, ${pb} bottom, ${pr} right`}: ${ph || pw || pb || pr ? 'rings of zeros around the input (hatched), so the output keeps more of the size' : 'none (a "narrow" convolution: the output is smaller)'}. `
      + `Dilation ${dh === dw ? dh : `${dh}×${dw}`}: ${dh > 1 || dw > 1 ? 'the taps are spread apart' : 'the taps touch'}. `
      + `Output ${oh}×${ow} = ⌊(${h} + ${ph === pb ? `2·${ph}` : `${ph} + ${pb}`} − ${dh}·(${kh} − 1) − 1) ÷ ${sh}⌋ + 1 rows.`;
    this.drawInputs(rec.input, [cin, h, w], a.terms.map((t) => t.inChannel), { kh, kw, sh, sw, dh, dw, ph, pw, pb, pr, oy, ox });
    this.drawOutput(rec.output, oh, ow);
    const sum = a.terms.reduce((s, t) => s + t.partial, 0);
    const value = sum + a.bias;
    const next = run.layers[this.layer + 1];
    const relu = next && next.type === 'ReLU' && next.input.length === next.output.length;
    const terms = a.terms.slice(0, GRIDS_SHOWN).map((t) => el('div', { class: 'term' },
      el('div', { class: 'caption' }, `input channel ${t.inChannel} (${kind}) × the filter's weights`),
      el('div', { class: 'grids' }, grid(t.patch, kh, kw, t.padded), el('span', { class: 'op' }, '×'), grid(t.weights, kh, kw), el('span', { class: 'op' }, `= ${fmt(t.partial)}`))));
    const rest = a.terms.slice(GRIDS_SHOWN);
    const model = rec.output[(this.filter * oh + oy) * ow + ox]!;
    this.position.textContent = `Step ${this.step + 1} of ${oh * ow}: output row ${oy}, column ${ox}; the window's top-left tap is input row ${oy * sh - ph}, column ${ox * sw - pw}.`;
    this.math.replaceChildren(
      ...terms,
      ...(rest.length ? [el('p', { class: 'rest' }, `the other ${rest.length} input channels, window × weights summed: ${rest.slice(0, 12).map((t) => `${t.inChannel}: ${fmt(t.partial)}`).join(', ')}${rest.length > 12 ? ', …' : ''}`)] : []),
      el('p', { class: 'total' }, `sum over ${a.terms.length} channel${a.terms.length > 1 ? 's' : ''}: Σ = `, el('strong', { class: 'conv-sum' }, fmt(sum)),
        `, + bias ${fmt(a.bias)} = `, el('strong', { class: 'conv-value' }, fmt(value)), ` (activation; the model computed ${fmt(model)})`,
        relu ? ` → ReLU → max(0, ${fmt(value)}) = ${fmt(Math.max(0, value))}` : ''),
    );
    Object.assign(this.math.dataset, { step: this.step, y: oy, x: ox, sum, bias: a.bias, value, model });
    Object.assign(this.container.dataset, { layer: rec.path, filter: this.filter, step: this.step });
  }

  private drawInputs(input: Float32Array, [, h, w]: [number, number, number], channels: number[], g: { kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; ph: number; pw: number; pb: number; pr: number; oy: number; ox: number }): void {
    const shown = channels.slice(0, CHANNELS_DRAWN);
    // One channel gets a big picture; several share the row with the output map.
    const cell = Math.max(2, Math.min(8, Math.floor((shown.length > 1 ? 84 : 150) / (Math.max(h + g.ph + g.pb, w + g.pw + g.pr)))));
    let lo = Infinity, hi = -Infinity;
    for (const v of input) (lo = Math.min(lo, v), hi = Math.max(hi, v));
    let figures = [...this.inputs.querySelectorAll('figure')];
    if (figures.length !== shown.length + (channels.length > shown.length ? 1 : 0)) {
      figures = shown.map(() => el('figure', {}, el('canvas', { class: 'conv-input' }), el('figcaption')));
      const more = channels.length > shown.length ? [el('figure', { class: 'more' }, `+ ${channels.length - shown.length} more input channels`)] : [];
      this.inputs.replaceChildren(...figures, ...more);
    }
    shown.forEach((ci, k) => {
      const fig = figures[k]!;
      fig.querySelector('figcaption')!.textContent = `input channel ${ci}`;
      const H = h + g.ph + g.pb, W = w + g.pw + g.pr;
      // One pixel per cell, scaled up by the canvas (crisp: image-rendering: pixelated); padding as a grey checker.
      const image = new ImageData(W, H);
      const d = image.data;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const iy = y - g.ph, ix = x - g.pw;
          const inside = iy >= 0 && ix >= 0 && iy < h && ix < w;
          const t = inside ? (hi > lo ? Math.round((255 * (input[(ci * h + iy) * w + ix]! - lo)) / (hi - lo)) : 0) : (x + y) % 2 ? 233 : 214;
          d.set([t, t, t, 255], 4 * (y * W + x));
        }
      }
      const canvas = fig.querySelector('canvas')!;
      resize(canvas, W * cell, H * cell);
      const ctx = canvas.getContext('2d')!;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(toCanvas(image), 0, 0, W * cell, H * cell);
      // The window: each tap boxed (spread out under dilation), the whole window outlined.
      ctx.strokeStyle = '#ff2d75';
      ctx.lineWidth = 1;
      const y0 = g.oy * g.sh, x0 = g.ox * g.sw;
      if (g.dh > 1 || g.dw > 1) {
        for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) ctx.strokeRect((x0 + j * g.dw) * cell + 0.5, (y0 + i * g.dh) * cell + 0.5, cell - 1, cell - 1);
      }
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 * cell + 1, y0 * cell + 1, ((g.kw - 1) * g.dw + 1) * cell - 2, ((g.kh - 1) * g.dh + 1) * cell - 2);
    });
  }

  private drawOutput(values: Float32Array, oh: number, ow: number): void {
    const cell = Math.max(2, Math.min(8, Math.floor(120 / Math.max(oh, ow))));
    const c = this.output;
    resize(c, ow * cell, oh * cell);
    let bound = 0;
    const base = this.filter * oh * ow;
    for (let i = 0; i < oh * ow; i++) bound = Math.max(bound, Math.abs(values[base + i]!));
    // Computed cells in the layer's colours, the rest not yet filled in.
    const image = new ImageData(ow, oh);
    for (let i = 0; i < oh * ow; i++) {
      if (i <= this.step) {
        const k = 3 * colorIndex(normalizeValue(values[base + i]!, -bound || -1, bound || 1, true));
        image.data.set([blueWhiteRed.table[k]!, blueWhiteRed.table[k + 1]!, blueWhiteRed.table[k + 2]!, 255], 4 * i);
      } else image.data.set([241, 243, 246, 255], 4 * i);
    }
    const ctx = c.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(toCanvas(image), 0, 0, ow * cell, oh * cell);
    const y = Math.floor(this.step / ow), x = this.step % ow;
    ctx.strokeStyle = '#ff2d75';
    ctx.lineWidth = 2;
    ctx.strokeRect(x * cell + 1, y * cell + 1, cell - 2, cell - 2);
    c.dataset['done'] = String(this.step + 1);
  }
}

/** Sets a canvas's size only when it changes (setting it clears the canvas and costs a reallocation). */
function resize(c: HTMLCanvasElement, width: number, height: number): void {
  if (c.width !== width) c.width = width;
  if (c.height !== height) c.height = height;
}

const scratch = document.createElement('canvas');
/** An ImageData on a canvas, to be drawn scaled (putImageData cannot scale). */
function toCanvas(image: ImageData): HTMLCanvasElement {
  resize(scratch, image.width, image.height);
  scratch.getContext('2d')!.putImageData(image, 0, 0);
  return scratch;
}
