/**
 * The explainer: the drawing pad, the model's input, every layer, the class
 * probabilities, the unit trace and the filter editor, kept in step. A
 * change to the drawing schedules one update for the next animation frame
 * (however many pointer events arrive before it); an update preprocesses the
 * drawing, runs the model once with every layer recorded, and repaints.
 *
 * Two input modes: 'draw' (the pad, MNIST-style) and 'photo' (a photo opened,
 * dropped, pasted or captured, fitted to the model's input as the model file
 * says, top-5 classes, Grad-CAM and saliency of a chosen class). A model with
 * three input channels opens in photo mode; the mode switch changes it.
 */
import { encodeModel, getBackend, receptiveField, type ReceptiveField } from 'fovea';
import { byId, el } from './dom.js';
import { ClassBars } from './class-bars.js';
import { ClassExplainView } from './class-explain.js';
import { Connections } from './connections.js';
import { ConvAnimation } from './conv-animation.js';
import { DrawPad } from './draw-pad.js';
import { FilterEditor } from './filter-editor.js';
import { InputView } from './input-view.js';
import { LayerViews, type UnitRef } from './layer-views.js';
import { ModelLoadError, ModelSession, type RunResult } from './model-session.js';
import { PhotoPanel, type PhotoInput } from './photo-panel.js';
import { centerLikeMnist } from './preprocess.js';
import { SoftmaxView } from './softmax-view.js';
import { renderTrace } from './trace-panel.js';
import { TraceSheet } from './trace-sheet.js';
import { inputKind } from './value-kinds.js';

export class Explainer {
  session: ModelSession | null = null;
  readonly pad: DrawPad;
  /** Milliseconds from a pointer event to all layers drawn, for the last updates (the benchmark reads these). */
  readonly latencies: number[] = [];
  private views: LayerViews | null = null;
  private connections: Connections | null = null;
  private softmax: SoftmaxView | null = null;
  private conv: ConvAnimation | null = null;
  private input: InputView | null = null;
  private bars: ClassBars | null = null;
  private editor: FilterEditor | null = null;
  private last: RunResult | null = null;
  private lastPixels: Float32Array | null = null;
  private sample: Uint8Array | null = null;
  private hovered: UnitRef | null = null;
  private pinned: UnitRef | null = null;
  /** The class whose saliency map is shown, if any. */
  private saliencyClass: number | null = null;
  private frame = 0;
  private pendingEvent: number | undefined;
  /** Where the model's input comes from. */
  mode: 'draw' | 'photo' = 'draw';
  readonly photos = new PhotoPanel(byId('photo-prep'), byId('photo-error'));
  private photo: PhotoInput | null = null;
  private readonly explain = new ClassExplainView(byId('class-explain'));
  private readonly sheet = new TraceSheet(byId('trace-card'), byId('trace-close'), () => this.unit(null, true));

  constructor() {
    this.pad = new DrawPad(byId<HTMLCanvasElement>('pad'), (t) => this.schedule(t));
    byId('undo').addEventListener('click', () => this.pad.undo());
    byId('clear').addEventListener('click', () => this.pad.clear());
    byId('mode-draw').addEventListener('click', () => this.setMode('draw'));
    byId('mode-photo').addEventListener('click', () => this.setMode('photo'));
    document.body.dataset['backend'] = getBackend().name;
    byId('backend').textContent = `${getBackend().name} backend${globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated: no SharedArrayBuffer)'}`;
  }

  /**
   * Opens a model from .fovea bytes. On failure the message is shown and the
   * previous model stays. Returns whether it loaded.
   */
  load(bytes: Uint8Array, name: string): boolean {
    let session: ModelSession;
    try {
      session = ModelSession.load(bytes, name);
    } catch (e) {
      this.error(e instanceof ModelLoadError ? e.message : `${name}: ${(e as Error).message}`);
      return false;
    }
    this.error(null);
    this.use(session);
    return true;
  }

  /** Fetches and opens a model; false (message shown) when it cannot be fetched or opened. */
  async loadUrl(url: string, name = url): Promise<boolean> {
    let bytes: Uint8Array;
    try {
      const r = await fetch(url);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      bytes = new Uint8Array(await r.arrayBuffer());
    } catch (e) {
      this.error(`could not fetch ${url}: ${(e as Error).message}`);
      return false;
    }
    return this.load(bytes, name);
  }

  /** The last forward pass (every layer, the probabilities), if any. */
  get result(): RunResult | null {
    return this.last;
  }

  /** The model's input of the last update: C*H*W pixels in [0, 1], before the normalisation. */
  get modelInput(): { pixels: Float32Array; shape: [number, number, number]; meta: ModelSession['meta'] } | null {
    return this.session && this.lastPixels ? { pixels: this.lastPixels, shape: this.session.inputShape, meta: this.session.meta } : null;
  }

  /** Shows (or clears, for null) a message about a model that could not be opened. */
  error(message: string | null): void {
    const box = byId('model-error');
    box.textContent = message ?? '';
    box.hidden = message === null;
  }

  /** The current model, with any filter edits, as .fovea bytes (null when there is none, or it cannot be saved as one). */
  currentBytes(): Uint8Array | null {
    if (!this.session) return null;
    try {
      return encodeModel(this.session.model, this.session.meta);
    } catch {
      return null;
    }
  }

  /**
   * Puts a 28x28 MNIST digit on the pad (fed to the model exactly as MNIST
   * stores it). An `example` (the digit shown on arrival) goes away at the first stroke.
   */
  pickSample(pixels: Uint8Array, example = false): void {
    this.sample = pixels;
    this.pad.setBase(pixels, 28, 28, example);
  }

  /** Switches between drawing and photos (the model stays). */
  setMode(mode: 'draw' | 'photo', update = true): void {
    this.mode = mode;
    document.body.dataset['mode'] = mode;
    byId('photo-card').hidden = mode !== 'photo';
    byId('draw-card').hidden = mode !== 'draw';
    byId('mode-draw').setAttribute('aria-pressed', String(mode === 'draw'));
    byId('mode-photo').setAttribute('aria-pressed', String(mode === 'photo'));
    byId('sees-hint').textContent = mode === 'photo'
      ? 'The photo as the model gets it (before normalisation). Press a class for its Grad-CAM and saliency; hover a unit to see the pixels it sees.'
      : 'Centred and scaled like MNIST (by centre of mass into a 20×20 box in 28×28). Press a class to see which pixels move its score.';
    this.saliencyClass = null;
    this.explain.clear();
    if (!this.session || !update) return;
    this.newBars(this.session);
    this.updateNow();
  }

  /** Opens a photo (JPEG, PNG, WebP …) for the current model, switching to photo mode. */
  async openPhoto(blob: Blob, name: string): Promise<void> {
    if (this.mode !== 'photo') this.setMode('photo');
    const s = this.session;
    if (!s) return;
    const input = await this.photos.open(blob, name, s.meta);
    if (!input || s !== this.session) return;
    this.photo = input;
    document.body.dataset['photo'] = name;
    this.updateNow();
  }

  private newBars(s: ModelSession): void {
    const photo = this.mode === 'photo';
    this.bars = new ClassBars(byId('classes'), s.classNames, (k) => {
      this.saliencyClass = k;
      this.updateNow();
    }, photo ? { top: 5, empty: 'Open, drop or paste a photo.' } : {});
  }

  private use(s: ModelSession): void {
    const previous = this.session;
    this.session = s;
    this.hovered = this.pinned = null;
    this.sheet.close();
    this.saliencyClass = null;
    this.input = new InputView(byId('input-view'), s.inputShape);
    this.photo = null;
    this.setMode(s.inputShape[0] === 3 ? 'photo' : 'draw', false);
    this.newBars(s);
    // A photo already open is fitted to the new model's input.
    if (this.photos.hasPhoto && previous) {
      void this.photos.refit(s.meta).then((input) => {
        if (!input || s !== this.session) return;
        this.photo = input;
        this.updateNow();
      });
    }
    this.views = new LayerViews(byId('layers'), s.layers, (u, pinned) => this.unit(u, pinned), s.classNames);
    this.softmax = new SoftmaxView(byId('softmax'), s.classNames);
    this.conv?.pause();
    this.conv = new ConvAnimation(byId('conv-anim'), s.meta);
    this.connections = new Connections(this.views, byId('layers'));
    const conv = s.firstConv;
    const editor = byId('filter-editor');
    this.editor = conv ? new FilterEditor(editor, conv.module, conv.path, () => this.updateNow(), () => s.resetWeights()) : null;
    if (!conv) editor.replaceChildren(el('p', { class: 'hint' }, 'This model has no convolution layer to edit.'));
    const [c, h, w] = s.inputShape;
    const training = s.meta.training;
    const acc = typeof training?.['testAccuracy'] === 'number' ? `, test accuracy ${(100 * training['testAccuracy']).toFixed(2)}%`
      : s.origin.format === 'onnx' && !s.origin.stored.normalize ? ' (ONNX without preprocessing metadata: pixels go in as 0–1)' : '';
    byId('model-name').textContent = s.name;
    byId('model-info').textContent = `${s.layers.length} layers, ${s.model.numParameters().toLocaleString('en')} parameters, input ${c}×${h}×${w}, ${s.classNames.length} classes${acc}`;
    document.body.dataset['model'] = s.name;
    document.body.dataset['layers'] = String(s.layers.length);
    document.body.dataset['classes'] = String(s.classNames.length);
    renderTrace(byId('trace'), null);
    this.updateNow();
  }

  /** Schedules an update on the next animation frame; `eventTime` is the pointer event's time stamp. */
  schedule(eventTime?: number): void {
    if (eventTime !== undefined && this.pendingEvent === undefined) this.pendingEvent = eventTime;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.updateNow();
    });
  }

  /** Preprocesses the drawing, runs the model and repaints everything, now. */
  updateNow(): void {
    const s = this.session;
    if (!s) return;
    const pixels = this.pixels(s.inputShape);
    const run = s.run(pixels);
    this.last = run;
    this.lastPixels = pixels;
    this.input!.update(pixels);
    this.views!.update(run);
    this.conv!.update(run);
    const k = this.saliencyClass;
    if (this.mode === 'photo') {
      this.bars!.update(this.photo ? run.probabilities : null);
      this.softmax!.update(this.photo ? run.output : null, run.probabilities);
      this.input!.showSaliency(null);
      if (k === null || !this.photo) this.explain.clear();
      else this.explain.show(this.photo.image, s.gradCam(pixels, k), s.saliency(pixels, k), s.classNames[k]!, run.probabilities[k]!);
    } else {
      this.bars!.update(this.pad.empty ? null : run.probabilities);
      this.softmax!.update(this.pad.empty ? null : run.output, run.probabilities);
      this.input!.showSaliency(k === null ? null : s.saliency(pixels, k), k === null ? '' : s.classNames[k]);
    }
    const u = this.hovered ?? this.pinned;
    if (u) this.trace(u);
    if (this.pendingEvent !== undefined) {
      this.latencies.push(performance.now() - this.pendingEvent);
      if (this.latencies.length > 1000) this.latencies.shift();
      this.pendingEvent = undefined;
    }
    document.body.dataset['updates'] = String(Number(document.body.dataset['updates'] ?? 0) + 1);
    // The wasm heap's bytes in use after the update (what tests watch to see the drawing loop run in flat memory).
    const heap = (getBackend() as { heap?: { usedBytes: number } }).heap;
    if (heap) document.body.dataset['heapUsed'] = String(heap.usedBytes);
  }

  /** The model's input for the current drawing: C*H*W values in [0, 1]. */
  private pixels([c, h, w]: readonly [number, number, number]): Float32Array {
    if (this.mode === 'photo') return this.photo && this.photo.pixels.length === c * h * w ? this.photo.pixels : new Float32Array(c * h * w);
    let gray: Float32Array;
    if (this.pad.baseOnly && this.sample && h === 28 && w === 28) gray = Float32Array.from(this.sample, (v) => v / 255);
    else if (this.pad.empty) gray = new Float32Array(h * w);
    else gray = centerLikeMnist(this.pad.readInk(), { width: w, height: h }).data;
    const out = new Float32Array(c * h * w);
    for (let k = 0; k < c; k++) out.set(gray, k * h * w);
    return out;
  }

  private unit(u: UnitRef | null, pinned: boolean): void {
    if (pinned) this.pinned = u;
    if (pinned && u && this.last?.layers[u.layer]?.type === 'Conv2d') this.conv?.select(u.layer, u.c, u.y, u.x);
    if (pinned && !u) this.sheet.close();
    this.hovered = pinned ? null : u;
    const active = this.hovered ?? this.pinned;
    this.trace(active);
    if (pinned && u) this.sheet.open(this.views?.view(u.layer)?.marker ?? null);
  }

  private trace(u: UnitRef | null): void {
    this.views?.highlight(u);
    this.connections?.show(u, this.last);
    const s = this.session;
    const layer = u && this.last?.layers[u.layer];
    if (!s || !u || !layer) {
      this.input?.showField(null);
      this.photos.showField(null);
      renderTrace(byId('trace'), null);
      return;
    }
    let field: ReceptiveField | null = null;
    let fieldError: string | undefined;
    try {
      field = receptiveField(s.model, s.inputShape, layer.path, layer.outShape.length === 3 ? [u.y, u.x] : [0, 0]);
    } catch (e) {
      fieldError = (e as Error).message;
    }
    this.input!.showField(field);
    if (this.mode === 'photo') this.photos.showField(field);
    renderTrace(byId('trace'), {
      layer, next: this.last!.layers[u.layer + 1], c: u.c, y: u.y, x: u.x, field, ...(fieldError ? { fieldError } : {}),
      inputImage: byId<HTMLCanvasElement>('model-input'), inputKind: inputKind(this.last!.layers, u.layer, s.meta),
    });
  }
}
