/**
 * Connections between layers, as Harley's view draws them: hovering or
 * tapping a unit lights up the units it reads in the layer before it (each
 * input channel's window for a conv unit, the pooled window, the largest
 * contributions of a fully connected unit), boxes them with their signed
 * share of the sum, draws the links, and fades everything it does not read
 * in every earlier layer, chained back layer by layer to the input. Which
 * inputs a unit reads, and what each adds, is the library's `unitInputs`;
 * this module only draws.
 */
import { unitInputs, type UnitInput, type UnitInputs } from 'fovea';
import { el, fmt } from './dom.js';
import type { LayerViews, UnitRef } from './layer-views.js';
import { unitRect } from './map-painter.js';
import type { RunResult } from './model-session.js';
import type { RecordedLayer } from './record-forward.js';

/** A fully connected unit reads every input: its largest contributions get a box and a link. */
export const TOP_LINKS = 10;
/** Chaining back stops after visiting this many taps (a large imported model), or when a layer reads everything. */
const CHAIN_BUDGET = 400_000;
const SVG = 'http://www.w3.org/2000/svg';

interface Overlay {
  /** A veil over the layer with a hole for each lit unit (SVG, so the layer keeps one canvas). */
  dim: SVGSVGElement;
  veil: SVGPathElement;
  boxes: HTMLElement;
}

export class Connections {
  private readonly overlays = new Map<number, Overlay>();
  private readonly links: SVGSVGElement;
  /** The chain of faded layers last computed, and for which unit (see `chain`). */
  private chained: { key: string; marks: [number, Uint8Array][] } | null = null;
  /** What is shown, to redraw the links when the layout changes size. */
  private shown: { u: UnitRef; run: RunResult } | null = null;

  /** @param host the element holding every layer section (the links are drawn over it) */
  constructor(private readonly views: LayerViews, private readonly host: HTMLElement) {
    host.querySelector(':scope > svg.links')?.remove();
    this.links = document.createElementNS(SVG, 'svg');
    this.links.setAttribute('class', 'links');
    this.links.setAttribute('aria-hidden', 'true');
    host.append(this.links);
    // The links are drawn in pixels: a new layout (a resized window, a rotated phone) redraws them.
    let width = host.clientWidth;
    new ResizeObserver(() => {
      if (host.clientWidth === width || !this.links.isConnected) return;
      width = host.clientWidth;
      if (this.shown) this.show(this.shown.u, this.shown.run);
    }).observe(host);
  }

  /** Shows what unit `u` reads (null: nothing). */
  show(u: UnitRef | null, run: RunResult | null): void {
    for (const o of this.overlays.values()) {
      o.dim.style.display = 'none';
      o.boxes.replaceChildren();
    }
    this.links.replaceChildren();
    delete this.host.dataset['connections'];
    this.shown = u && run ? { u, run } : null;
    if (!u || !run || u.layer < 1) return;
    const layer = run.layers[u.layer]!;
    const prev = run.layers[u.layer - 1]!;
    const read = inputsOf(layer, prev, layer.outShape.length === 3 ? [u.c, u.y, u.x] : [u.c]);
    if (!read) return;
    const target = this.views.view(u.layer - 1);
    if (!target) return;
    const marked = new Uint8Array(prev.output.length);
    for (const i of read.inputs) marked[i.index] = 1;
    this.fade(u.layer - 1, marked);
    const boxes = this.box(u.layer - 1, read);
    this.link(u, boxes);
    this.host.dataset['connections'] = `${prev.path}:${boxes.length}`;
    this.chain(run, `${u.layer},${u.c},${u.y},${u.x}`, u.layer - 1, marked);
  }

  /**
   * Fades, layer by layer towards the input, every unit that cannot reach the
   * marked ones. Which units reach a unit depends on the layers, not on the
   * drawing, so the chain of the unit shown last is kept for the next update.
   */
  private chain(run: RunResult, key: string, from: number, marked: Uint8Array): void {
    if (this.chained?.key === key) {
      for (const [j, m] of this.chained.marks) this.fade(j, m);
      return;
    }
    const marks: [number, Uint8Array][] = [];
    this.chained = { key, marks };
    let budget = CHAIN_BUDGET;
    for (let j = from; j >= 1; j--) {
      const layer = run.layers[j]!, prev = run.layers[j - 1]!;
      const next = new Uint8Array(prev.output.length);
      let count = 0;
      for (let idx = 0; idx < marked.length && budget > 0; idx++) {
        if (!marked[idx]) continue;
        const r = inputsOf(layer, prev, unitOf(layer.outShape, idx));
        if (!r) return;
        budget -= r.inputs.length;
        for (const i of r.inputs) if (!next[i.index]) (next[i.index] = 1, count++);
      }
      // Out of budget, or every unit reached (a fully connected layer): fading would say nothing.
      if (budget <= 0 || count === next.length) return;
      this.fade(j - 1, next);
      marks.push([j - 1, next]);
      marked = next;
    }
  }

  private overlay(i: number): Overlay | null {
    const v = this.views.view(i);
    if (!v) return null;
    let o = this.overlays.get(i);
    if (!o || !o.dim.isConnected) {
      const dim = document.createElementNS(SVG, 'svg');
      dim.setAttribute('class', 'conn-dim');
      dim.setAttribute('viewBox', `0 0 ${v.geometry.width} ${v.geometry.height}`);
      dim.setAttribute('preserveAspectRatio', 'none');
      dim.setAttribute('aria-hidden', 'true');
      dim.style.display = 'none';
      const veil = document.createElementNS(SVG, 'path');
      veil.setAttribute('fill-rule', 'evenodd');
      dim.append(veil);
      const boxes = el('div', { class: 'conn-boxes' });
      v.wrap.append(dim, boxes);
      o = { dim, veil, boxes };
      this.overlays.set(i, o);
    }
    return o;
  }

  /** Veils layer i except its marked units. */
  private fade(i: number, marked: Uint8Array): void {
    const v = this.views.view(i);
    const o = this.overlay(i);
    if (!v || !o) return;
    const g = v.geometry;
    // The whole layer, then one square per lit unit: with the even-odd rule the squares are holes in the veil.
    const d = [`M0 0H${g.width}V${g.height}H0Z`];
    let lit = 0;
    for (let idx = 0; idx < marked.length; idx++) {
      if (!marked[idx]) continue;
      const [c = 0, y = 0, x = 0] = g.kind === 'maps' ? unitOf(v.info.shape, idx) : [idx];
      if (g.kind === 'maps' && c >= g.channels) continue;
      const r = unitRect(g, c, y, x);
      d.push(`M${r.left} ${r.top}h${r.size}v${r.size}h${-r.size}Z`);
      lit++;
    }
    o.veil.setAttribute('d', d.join(''));
    o.dim.style.display = '';
    o.dim.dataset['lit'] = String(lit);
  }

  /** Boxes, in layer i, the windows a map unit reads, or the largest contributions of a fully connected unit. */
  private box(i: number, read: UnitInputs): HTMLElement[] {
    const v = this.views.view(i)!;
    const o = this.overlay(i)!;
    const g = v.geometry;
    const made: HTMLElement[] = [];
    const add = (c: number, y0: number, y1: number, x0: number, x1: number, sum: number, tag: string): void => {
      if (g.kind === 'maps' && c >= g.channels) return;
      const a = unitRect(g, c, y0, x0), b = unitRect(g, c, y1, x1);
      // Tags alternate above and below their boxes, and hang leftwards near the right edge, so neighbours do not cover each other.
      const place = `${made.length % 2 ? ' below' : ''}${a.left > 0.6 * g.width ? ' right' : ''}`;
      const box = el('div', {
        class: `conn-box ${sum > 0 ? 'pos' : sum < 0 ? 'neg' : 'zero'}${place}`, 'data-channel': c, 'data-y0': y0, 'data-y1': y1, 'data-x0': x0, 'data-x1': x1, 'data-sum': sum,
        title: tag,
      }, el('span', { class: 'tag' }, tag));
      Object.assign(box.style, {
        left: `${(100 * a.left) / g.width}%`, top: `${(100 * a.top) / g.height}%`,
        width: `${(100 * (b.left + b.size - a.left)) / g.width}%`, height: `${(100 * (b.top + b.size - a.top)) / g.height}%`,
      });
      o.boxes.append(box);
      made.push(box);
    };
    if (read.kind === 'linear' || (read.windows.length === 0 && read.kind !== 'pointwise' && read.kind !== 'reshape')) {
      for (const inp of read.inputs.slice(0, TOP_LINKS)) add(inp.channel, inp.y, inp.y, inp.x, inp.x, inp.contribution, `${signed(inp.contribution)}`);
      return made;
    }
    if (read.windows.length === 0) {
      const inp = read.inputs[0]!;
      add(inp.channel, inp.y, inp.y, inp.x, inp.x, inp.value, fmt(inp.value));
      return made;
    }
    for (const w of read.windows) {
      const mine = read.inputs.filter((p: UnitInput) => p.channel === w.channel);
      const sum = mine.reduce((s, p) => s + p.contribution, 0);
      const tag = read.kind === 'conv' ? `Σ ${signed(sum)}` : read.kind === 'max' ? `max ${fmt(read.total)}` : fmt(read.total);
      add(w.channel, w.y0, w.y1, w.x0, w.x1, read.kind === 'conv' ? sum : read.total, tag);
    }
    return made;
  }

  /** Lines from the unit to each box, coloured by the sign of what the box adds. */
  private link(u: UnitRef, boxes: HTMLElement[]): void {
    const v = this.views.view(u.layer);
    if (!v) return;
    const host = this.host.getBoundingClientRect();
    const c = v.canvas.getBoundingClientRect();
    const r = unitRect(v.geometry, u.c, u.y, u.x);
    const k = c.width / v.geometry.width;
    const ux = c.left - host.left + (r.left + r.size / 2) * k;
    const uy = c.top - host.top + (r.top + r.size / 2) * k;
    this.links.setAttribute('width', String(this.host.scrollWidth));
    this.links.setAttribute('height', String(this.host.scrollHeight));
    for (const b of boxes) {
      const br = b.getBoundingClientRect();
      const line = document.createElementNS(SVG, 'line');
      line.setAttribute('x1', ux.toFixed(1));
      line.setAttribute('y1', uy.toFixed(1));
      line.setAttribute('x2', (br.left - host.left + br.width / 2).toFixed(1));
      line.setAttribute('y2', (br.bottom - host.top).toFixed(1));
      line.setAttribute('class', b.classList.contains('neg') ? 'neg' : 'pos');
      this.links.append(line);
    }
  }
}

/** What a unit of `layer` reads in `prev`'s output, or null where they are not chained (a graph) or the layer type has no rule. */
function inputsOf(layer: RecordedLayer, prev: RecordedLayer, unit: number[]): UnitInputs | null {
  if (prev.output.length !== layer.input.length) return null;
  try {
    return unitInputs(layer.module, layer.input, layer.inShape, unit);
  } catch {
    return null;
  }
}

/** The unit at flat index i of an output: [c, y, x] for maps, [i] for a vector. */
function unitOf(shape: readonly number[], i: number): number[] {
  if (shape.length !== 3) return [i];
  const [, h, w] = shape as [number, number, number];
  return [Math.floor(i / (h * w)), Math.floor(i / w) % h, i % w];
}

function signed(v: number): string {
  return v > 0 ? `+${fmt(v)}` : fmt(v);
}

