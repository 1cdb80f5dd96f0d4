/**
 * A first visit that tells the story: the page opens with a real MNIST digit
 * on the pad (every layer alive at once), and an optional guided walk, in
 * the tutorial's order — pixels → convolution → ReLU → pooling → flatten →
 * fully connected → softmax — each step outlining the live part of the page
 * it talks about and scrolling it into view, its numbers read from the
 * current forward pass (they change as the drawing does). Steps whose layer
 * the model lacks are left out.
 */
import { byId, el, fmt } from './dom.js';
import type { Explainer } from './explainer.js';
import type { DigitSet } from './mnist-subset.js';
import type { RunResult } from './model-session.js';
import type { RecordedLayer } from './record-forward.js';
import { normalisationText } from './value-kinds.js';

/** MNIST test image 0 (a 7): the digit on the pad when the page opens. */
export const FIRST_DIGIT = 0;

/** Puts a real test digit on the pad when nothing is drawn yet (the first stroke replaces it). */
export function showFirstDigit(app: Explainer, set: DigitSet): void {
  if (app.mode !== 'draw' || !app.pad.empty || set.count <= FIRST_DIGIT) return;
  app.pickSample(set.images.subarray(FIRST_DIGIT * 784, (FIRST_DIGIT + 1) * 784), true);
  const note = byId('pad-note');
  note.textContent = `A real handwritten ${set.labels[FIRST_DIGIT]} from the MNIST test set, to start with: draw on the pad to replace it.`;
  // Once the user draws or picks another digit, the note no longer describes the pad.
  const clear = (): void => void (note.textContent = '');
  app.pad.canvas.addEventListener('pointerdown', clear, { once: true });
  byId('samples').addEventListener('click', clear, { once: true });
}

interface Step {
  key: string;
  title: string;
  /** The live part of the page the step is about (null: the step does not apply to this model). */
  target(): HTMLElement | null;
  text(run: RunResult, layer: RecordedLayer | undefined): string;
}

const section = (type: string, after = 0): HTMLElement | null => {
  const all = [...document.querySelectorAll<HTMLElement>('section.layer')];
  return all.slice(after).find((s) => s.dataset['type'] === type) ?? null;
};
const indexOf = (s: HTMLElement | null): number => (s ? Number(s.dataset['index']) : -1);
const firstConv = (): HTMLElement | null => section('Conv2d');
const afterConv = (type: string) => (): HTMLElement | null => (firstConv() ? section(type, indexOf(firstConv()) + 1) : null);
const pct = (p: number): string => `${(100 * p).toFixed(1)}%`;

export class Tour {
  private steps: Step[] = [];
  private at = -1;
  private readonly panel: HTMLElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;
  private readonly count: HTMLElement;
  private readonly back: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private target: HTMLElement | null = null;

  constructor(private readonly app: Explainer, start: HTMLElement) {
    this.title = el('h2', { id: 'tour-title' });
    this.body = el('p', { id: 'tour-text' });
    this.count = el('span', { class: 'muted' });
    this.back = el('button', { type: 'button', id: 'tour-back' }, '◀ Back');
    this.next = el('button', { type: 'button', id: 'tour-next' }, 'Next ▶');
    const close = el('button', { type: 'button', id: 'tour-close', 'aria-label': 'close the tour' }, 'Close');
    this.panel = el('aside', { id: 'tour', class: 'tour card', role: 'dialog', 'aria-labelledby': 'tour-title', hidden: true },
      this.title, this.body, el('div', { class: 'tools' }, this.back, this.next, close, this.count));
    document.body.append(this.panel);
    start.addEventListener('click', () => this.show(0));
    this.back.addEventListener('click', () => this.show(this.at - 1));
    this.next.addEventListener('click', () => (this.at + 1 < this.steps.length ? this.show(this.at + 1) : this.end()));
    close.addEventListener('click', () => this.end());
    // The numbers follow the drawing: every update of the page re-reads them. Another model ends the tour (its steps were this one's).
    new MutationObserver((changes) => {
      if (this.at < 0) return;
      if (changes.some((c) => c.attributeName === 'data-model')) this.end();
      else this.write();
    }).observe(document.body, { attributes: true, attributeFilter: ['data-updates', 'data-model'] });
  }

  private plan(): Step[] {
    const s = this.app.session;
    if (!s) return [];
    const [c, h, w] = s.inputShape;
    const meta = s.meta;
    const all: Step[] = [
      {
        key: 'pixels', title: 'Pixels in', target: () => byId('sees-card'),
        text: () => {
          const { mean, std } = meta.normalize;
          const ends = c === 1 ? `: black becomes ${fmt((0 - mean[0]!) / std[0]!)}, white ${fmt((1 - mean[0]!) / std[0]!)}` : ', channel by channel';
          return `The model's input is a ${h}×${w} ${c === 1 ? 'grayscale' : 'colour'} picture: ${(c * h * w).toLocaleString('en')} raw pixels, each 0 (black) to 255 (${c === 1 ? 'white' : 'full red, green or blue'}). `
            + `The first layer reads each as a normalised input, ${normalisationText(meta)}${ends}. Point at the picture to read any pixel.`;
        },
      },
      {
        key: 'convolution', title: 'Convolution', target: firstConv,
        text: (_r, l) => {
          const [oc, oh, ow] = l!.outShape;
          return `${l!.path} slides ${oc} small filters over the input. At each position a filter multiplies the window under it by its weights and sums them, plus a bias: `
            + `one activation. ${oc} filters give ${oc} feature maps of ${oh}×${ow} (red positive, blue negative): each lights up where its pattern (an edge, a stroke end) is. `
            + `"The convolution, step by step" below plays it one position at a time.`;
        },
      },
      {
        key: 'relu', title: 'ReLU: the non-linearity', target: afterConv('ReLU'),
        text: (_r, l) => {
          let neg = 0;
          for (const v of l!.input) if (v < 0) neg++;
          return `${l!.path} keeps positive activations and turns negative ones into 0: max(0, x). On this drawing ${neg.toLocaleString('en')} of the ${l!.input.length.toLocaleString('en')} values it got (${pct(neg / l!.input.length)}) were negative and are now 0 (dark). Without it, stacked layers would collapse into one linear map.`;
        },
      },
      {
        key: 'pooling', title: 'Pooling', target: () => afterConv('MaxPool2d')() ?? afterConv('AvgPool2d')(),
        text: (_r, l) => {
          const [, ih, iw] = l!.inShape, [, oh, ow] = l!.outShape;
          return `${l!.path} (${l!.type}) keeps the ${l!.type === 'MaxPool2d' ? 'largest value' : 'mean'} of each small window: maps of ${ih}×${iw} become ${oh}×${ow}. A feature found anywhere in a window still counts, and the next layer sees a wider area for the same cost. Hover one of its units to see its window in the layer above.`;
        },
      },
      {
        key: 'flatten', title: 'Flatten', target: () => section('Flatten'),
        text: (_r, l) => `${l!.path} lays the ${l!.inShape.join('×')} maps out as one vector of ${l!.output.length} activations, row by row; nothing is computed. From here on, position is just an index.`,
      },
      {
        key: 'linear', title: 'Fully connected', target: () => section('Linear'),
        text: (_r, l) => `Each of the ${l!.outShape[0]} units of ${l!.path} reads all ${l!.inShape[0]} inputs: Σ input × weight + bias. Hover a unit: its largest contributions are boxed in the layer above, red pushing it up, blue pulling it down.`,
      },
      {
        key: 'softmax', title: 'Softmax and the decision', target: () => byId('softmax-card'),
        text: (r) => {
          let best = 0;
          r.probabilities.forEach((p, k) => p > r.probabilities[best]! && (best = k));
          return `The last layer gives one score (logit) per class. Softmax turns them into probabilities that add up to 1: e^(z − max) ÷ Σ. Here ${s.classNames[best]} gets ${pct(r.probabilities[best]!)}: the prediction, the same numbers as the class bars.`;
        },
      },
    ];
    return all.filter((step) => step.target() !== null);
  }

  /** Opens step i (0: the first). */
  show(i: number): void {
    if (i === 0 || !this.steps.length) this.steps = this.plan();
    if (!this.steps.length) return;
    this.at = Math.max(0, Math.min(this.steps.length - 1, i));
    this.target?.classList.remove('tour-target');
    const step = this.steps[this.at]!;
    this.target = step.target();
    this.target?.classList.add('tour-target');
    // On a phone the tour's panel covers the bottom of the screen: the part it talks about goes to the top.
    this.target?.scrollIntoView({ block: window.matchMedia('(max-width: 760px)').matches ? 'start' : 'center', behavior: 'auto' });
    this.panel.hidden = false;
    document.body.classList.add('touring');
    this.write();
    this.next.focus({ preventScroll: true });
  }

  private write(): void {
    const step = this.steps[this.at];
    const run = this.app.result;
    if (!step || !run) return;
    const index = this.target ? Number(this.target.dataset['index']) : NaN;
    this.title.textContent = `${this.at + 1}. ${step.title}`;
    this.body.textContent = step.text(run, Number.isInteger(index) ? run.layers[index] : undefined);
    this.count.textContent = `${this.at + 1} / ${this.steps.length}`;
    this.back.disabled = this.at === 0;
    this.next.textContent = this.at + 1 < this.steps.length ? 'Next ▶' : 'Finish';
    Object.assign(this.panel.dataset, { step: step.key, target: this.target?.id || this.target?.dataset['path'] || '' });
  }

  end(): void {
    this.at = -1;
    this.target?.classList.remove('tour-target');
    this.target = null;
    this.panel.hidden = true;
    document.body.classList.remove('touring');
  }
}
