/**
 * A photo on its way into the model, step by step: the original with the
 * region that reaches the model boxed (centre crop for `fit: 'cover'`, the
 * whole picture stretched for `'fill'`), the resized input, its colour planes,
 * and the normalisation in numbers. Decoding goes through fovea's
 * `decodeImage` with the model's own channels, size and fit, so the page
 * feeds the model exactly what `fovea predict` would in Node.
 */
import { coverCrop, decodeImage, toRgba, type ImageData8, type ModelMeta, type ReceptiveField } from 'fovea';
import { el, fmt } from './dom.js';

/** The original photo is shown at most this wide (CSS pixels), and decoded at most this large for display. */
const SHOWN_MAX = 640;

/** The photo the model gets: C*H*W values in [0, 1] and the picture itself. */
export interface PhotoInput {
  image: ImageData8;
  pixels: Float32Array;
  name: string;
}

export class PhotoPanel {
  private blob: Blob | null = null;
  private name = '';
  /** Bumped on every decode, so a slow one that finishes late is dropped. */
  private generation = 0;
  /** Where the model's input lies on the original (in original pixels) and the input's size, for receptive fields. */
  private region: { crop: { left: number; top: number; width: number; height: number }; original: [number, number]; input: [number, number]; box: HTMLElement } | null = null;

  constructor(private readonly container: HTMLElement, private readonly errorBox: HTMLElement) {}

  get hasPhoto(): boolean {
    return this.blob !== null;
  }

  /**
   * Decodes `blob` for the model described by `meta` and shows every step;
   * resolves with the model's input, or null (message shown) when the
   * picture cannot be read or a newer one arrived meanwhile.
   */
  async open(blob: Blob, name: string, meta: ModelMeta): Promise<PhotoInput | null> {
    this.blob = blob;
    this.name = name;
    return this.refit(meta);
  }

  /** Decodes the current photo again for another model (another size, channel count or fit). */
  async refit(meta: ModelMeta): Promise<PhotoInput | null> {
    if (!this.blob) return null;
    const gen = ++this.generation;
    const [c, h, w] = meta.inputShape;
    const fit = meta.fit ?? 'fill';
    let original: ImageData8, input: ImageData8;
    try {
      input = await decodeImage(this.blob, { channels: c === 1 ? 1 : 3, size: [h, w], fit, name: this.name });
      original = await decodeImage(this.blob, { channels: 3, name: this.name });
    } catch (e) {
      if (gen === this.generation) this.showError((e as Error).message);
      return null;
    }
    if (gen !== this.generation) return null;
    this.showError(null);
    const pixels = new Float32Array(input.channels * h * w);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < input.channels; k++) pixels[k * h * w + i] = input.data[i * input.channels + k]! / 255;
    this.render(original, input, pixels, meta);
    return { image: input, pixels, name: this.name };
  }

  /**
   * Draws a receptive field (input pixels, inclusive) on the original photo,
   * where those pixels came from: inside the crop for 'cover', scaled for
   * 'fill'. Null hides it.
   */
  showField(rf: ReceptiveField | null): void {
    const r = this.region;
    if (!r) return;
    if (!rf || rf.y1 < rf.y0 || rf.x1 < rf.x0) {
      r.box.hidden = true;
      return;
    }
    const f = fieldOnOriginal(rf, r.crop, r.input);
    const [oh, ow] = r.original;
    Object.assign(r.box.style, { left: `${(100 * f.left) / ow}%`, top: `${(100 * f.top) / oh}%`, width: `${(100 * f.width) / ow}%`, height: `${(100 * f.height) / oh}%` });
    r.box.hidden = false;
  }

  private showError(message: string | null): void {
    this.errorBox.textContent = message ?? '';
    this.errorBox.hidden = message === null;
  }

  private render(original: ImageData8, input: ImageData8, pixels: Float32Array, meta: ModelMeta): void {
    const [, h, w] = meta.inputShape;
    const fit = meta.fit ?? 'fill';
    const photo = imageCanvas(original, 'photo-original', `${this.name}, ${original.width} x ${original.height}`);
    photo.style.width = `${Math.min(SHOWN_MAX, original.width)}px`;
    const crop = fit === 'cover' ? coverCrop(original.width, original.height, [h, w]) : { left: 0, top: 0, width: original.width, height: original.height };
    const box = el('div', { id: 'crop-box', 'data-left': crop.left, 'data-top': crop.top, 'data-width': crop.width, 'data-height': crop.height, 'aria-hidden': 'true' });
    Object.assign(box.style, {
      left: `${(100 * crop.left) / original.width}%`, top: `${(100 * crop.top) / original.height}%`,
      width: `${(100 * crop.width) / original.width}%`, height: `${(100 * crop.height) / original.height}%`,
    });
    const how = fit === 'cover'
      ? `centre crop ${crop.width}×${crop.height} (fit "cover": the aspect ratio is kept, the borders outside the box are cut off), resized to ${w}×${h}`
      : `the whole picture stretched to ${w}×${h} (fit "fill": the aspect ratio is not kept${original.width * h === original.height * w ? ', here it already matches' : ''})`;
    const field = el('div', { id: 'photo-rf', hidden: true, 'aria-hidden': 'true' });
    this.region = { crop, original: [original.height, original.width], input: [h, w], box: field };
    const resized = imageCanvas(input, 'photo-input', `the resized input, ${w} x ${h}`);
    const planes = input.channels === 3 ? ['R', 'G', 'B'] : ['luma'];
    const planeFigures = planes.map((label, k) => el('figure', { class: 'plane' }, planeCanvas(input, k, label), el('figcaption', {}, label)));
    this.container.replaceChildren(
      el('h3', {}, '1. The photo'),
      el('div', { class: 'canvas-wrap photo-wrap' }, photo, box, field),
      el('p', { id: 'fit-note', class: 'hint', 'data-fit': fit }, `${original.width}×${original.height} → ${how}.`),
      el('h3', {}, `2. Resized to ${w}×${h}, split into ${planes.length === 3 ? 'R, G, B planes' : 'one luma plane'}`),
      el('div', { class: 'planes' }, el('figure', { class: 'plane' }, resized, el('figcaption', {}, 'input')), ...planeFigures),
      el('h3', {}, '3. Normalised per channel'),
      normalisationTable(input, pixels, meta, planes),
    );
  }
}

/**
 * The region of the original picture that input pixels rows y0..y1, columns
 * x0..x1 (inclusive) were resized from, in original pixels (fractional):
 * the input [h, w] covers `crop` (the centred crop for 'cover', the whole
 * picture for 'fill') evenly.
 * @example fieldOnOriginal({ y0: 0, y1: 63, x0: 0, x1: 63 }, coverCrop(242, 160, [64, 64]), [64, 64]) // { left: 41, top: 0, width: 160, height: 160 }
 */
export function fieldOnOriginal(rf: Pick<ReceptiveField, 'y0' | 'y1' | 'x0' | 'x1'>, crop: { left: number; top: number; width: number; height: number },
  [h, w]: readonly [number, number]): { left: number; top: number; width: number; height: number } {
  const sx = crop.width / w, sy = crop.height / h;
  return { left: crop.left + rf.x0 * sx, top: crop.top + rf.y0 * sy, width: (rf.x1 - rf.x0 + 1) * sx, height: (rf.y1 - rf.y0 + 1) * sy };
}

function imageCanvas(img: ImageData8, id: string, label: string): HTMLCanvasElement {
  const canvas = el('canvas', { id, width: img.width, height: img.height, 'aria-label': label });
  canvas.getContext('2d')!.putImageData(new ImageData(toRgba(img) as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
  return canvas;
}

/** One channel of the picture drawn in its own colour (R in red …), luma in gray. */
function planeCanvas(img: ImageData8, k: number, label: string): HTMLCanvasElement {
  const canvas = el('canvas', { class: 'plane-canvas', width: img.width, height: img.height, 'aria-label': `${label} plane` });
  const ctx = canvas.getContext('2d')!;
  const out = ctx.createImageData(img.width, img.height);
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const v = img.data[i * img.channels + k]!;
    out.data[4 * i] = img.channels === 1 || k === 0 ? v : 0;
    out.data[4 * i + 1] = img.channels === 1 || k === 1 ? v : 0;
    out.data[4 * i + 2] = img.channels === 1 || k === 2 ? v : 0;
    out.data[4 * i + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
  return canvas;
}

/** mean, std, the formula on the centre pixel, and the range each plane ends up in. */
function normalisationTable(img: ImageData8, pixels: Float32Array, meta: ModelMeta, planes: string[]): HTMLElement {
  const { mean, std } = meta.normalize;
  const plane = img.width * img.height;
  const centre = Math.floor(img.height / 2) * img.width + Math.floor(img.width / 2);
  const rows = planes.map((label, k) => {
    const m = mean[k] ?? mean[0]!, s = std[k] ?? std[0]!;
    let lo = Infinity, hi = -Infinity;
    for (let i = k * plane; i < (k + 1) * plane; i++) {
      lo = Math.min(lo, pixels[i]!);
      hi = Math.max(hi, pixels[i]!);
    }
    const v = img.data[centre * img.channels + k]!;
    return el('tr', {}, el('th', {}, label), el('td', {}, fmt(m)), el('td', {}, fmt(s)),
      el('td', { title: `(${v}/255 − ${fmt(m)}) / ${fmt(s)}` }, `${v} → ${((v / 255 - m) / s).toFixed(3)}`),
      el('td', {}, `${((lo - m) / s).toFixed(2)} … ${((hi - m) / s).toFixed(2)}`));
  });
  return el('div', { class: 'norm-wrap' }, el('table', { id: 'normalisation', class: 'norm' },
    el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, 'mean'), el('th', {}, 'std'), el('th', {}, 'centre v → x'), el('th', {}, 'range'))),
    el('tbody', {}, ...rows)),
    el('p', { class: 'hint' }, 'x = (v/255 − mean) / std for each byte v of a plane, with the mean and std of the training images, stored in the model file; range: the x this photo spans.'));
}
