/**
 * The trace of one unit, in words and numbers: where it is, which input
 * pixels it sees (its receptive field), and the arithmetic that produced
 * its value (input patch × filter + bias → value → ReLU), recomputed from
 * the recorded input and the weights and set beside the model's own value.
 */
import type { ReceptiveField } from 'fovea';
import { el, fmt } from './dom.js';
import type { RecordedLayer } from './record-forward.js';
import { recompute, unitArithmetic, type UnitArithmetic } from './unit-arithmetic.js';

/** Input channels shown as full number grids; the rest as one partial sum each. */
const GRIDS_SHOWN = 3;

export interface TraceInput {
  layer: RecordedLayer;
  /** The layer that ran next, if any (to show the ReLU after a conv). */
  next: RecordedLayer | undefined;
  c: number;
  y: number;
  x: number;
  field: ReceptiveField | null;
  /** Set when the receptive field could not be computed (an unknown layer type). */
  fieldError?: string;
  /** The model's input as drawn on the page (C x H x W pixels), to show the receptive field on. */
  inputImage?: HTMLCanvasElement;
  /** What the layer's input values are (normalised input, or which layer's activations): said beside its numbers. */
  inputKind?: string;
}

/** Fills `panel` with the trace of a unit, or the hint shown when none is selected. */
export function renderTrace(panel: HTMLElement, t: TraceInput | null): void {
  if (!t) {
    panel.replaceChildren(el('p', { class: 'hint' }, 'Hover over (or tap) any unit in any layer to see the input pixels it sees and how its value was computed.'));
    delete panel.dataset['path'];
    return;
  }
  const { layer, c, y, x } = t;
  const maps = layer.outShape.length === 3;
  const where = maps ? `channel ${c}, row ${y}, column ${x}` : `unit ${c}`;
  const a = unitArithmetic(layer, c, y, x);
  panel.dataset['path'] = layer.path;
  panel.dataset['unit'] = maps ? `${c},${y},${x}` : String(c);
  panel.dataset['value'] = String(a.value);
  panel.dataset['recomputed'] = String(recompute(a));
  panel.dataset['bias'] = 'bias' in a ? String(a.bias) : '0';
  const rf = t.field;
  const fieldText = t.fieldError ? `receptive field unknown: ${t.fieldError}`
    : rf && rf.y1 >= rf.y0 ? `sees input rows ${rf.y0}–${rf.y1}, columns ${rf.x0}–${rf.x1} (${rf.y1 - rf.y0 + 1} × ${rf.x1 - rf.x0 + 1} pixels, box on the input)`
      : 'sees only zero padding';
  panel.replaceChildren(
    el('h3', {}, el('span', { class: 'type' }, layer.type), ' ', el('code', {}, layer.path), ` · ${where}`),
    el('p', {}, 'activation ', el('strong', { class: 'value' }, fmt(a.value)), ` · ${fieldText}`),
    ...fieldPicture(t),
    ...(t.inputKind ? [el('p', { class: 'muted kind' }, `The numbers it reads are ${t.inputKind}.`)] : []),
    ...arithmetic(a, t.next, c, y, x),
  );
}

/** The receptive field drawn on a small copy of the model's input, so that it shows beside the trace wherever the trace is. */
function fieldPicture(t: TraceInput): Node[] {
  const rf = t.field;
  const src = t.inputImage;
  if (!src || !rf || rf.y1 < rf.y0) return [];
  const canvas = el('canvas', { width: src.width, height: src.height, class: 'rf-thumb', 'data-y0': rf.y0, 'data-y1': rf.y1, 'data-x0': rf.x0, 'data-x1': rf.x1, 'aria-label': 'the receptive field on the input' });
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(src, 0, 0);
  ctx.fillStyle = 'rgba(0, 0, 0, 0.45)';
  const { width: w, height: h } = canvas;
  ctx.fillRect(0, 0, w, rf.y0);
  ctx.fillRect(0, rf.y1 + 1, w, h - rf.y1 - 1);
  ctx.fillRect(0, rf.y0, rf.x0, rf.y1 - rf.y0 + 1);
  ctx.fillRect(rf.x1 + 1, rf.y0, w - rf.x1 - 1, rf.y1 - rf.y0 + 1);
  ctx.strokeStyle = '#ff2d75';
  ctx.lineWidth = Math.max(0.5, w / 84);
  ctx.strokeRect(rf.x0, rf.y0, rf.x1 - rf.x0 + 1, rf.y1 - rf.y0 + 1);
  return [el('div', { class: 'trace-rf' }, canvas, `its receptive field: the ${rf.y1 - rf.y0 + 1} × ${rf.x1 - rf.x0 + 1} input pixels that can change it (the rest cannot)`)];
}

function arithmetic(a: UnitArithmetic, next: RecordedLayer | undefined, c: number, y: number, x: number): Node[] {
  const after = next && next.type === 'ReLU' && next.input.length === next.output.length ? ` → ReLU → max(0, ${fmt(a.value)}) = ${fmt(Math.max(0, a.value))}` : '';
  switch (a.kind) {
    case 'conv': {
      const terms = [...a.terms].sort((p, q) => Math.abs(q.partial) - Math.abs(p.partial));
      const grids = terms.slice(0, GRIDS_SHOWN).map((t) => el('div', { class: 'term' },
        el('div', { class: 'caption' }, `input channel ${t.inChannel} × filter ${c}'s weights`),
        el('div', { class: 'grids' }, grid(t.patch, a.kh, a.kw, t.padded), el('span', { class: 'op' }, '×'), grid(t.weights, a.kh, a.kw), el('span', { class: 'op' }, `= ${fmt(t.partial)}`))));
      const rest = terms.slice(GRIDS_SHOWN);
      const restText = rest.length ? [el('p', { class: 'rest' }, `the other ${rest.length} input channels: ${rest.slice(0, 12).map((t) => `${t.inChannel}: ${fmt(t.partial)}`).join(', ')}${rest.length > 12 ? ', …' : ''}`)] : [];
      const sum = a.terms.reduce((s, t) => s + t.partial, 0);
      return [
        el('p', { class: 'formula' }, `input patch × filter ${c} (${a.terms.length} channel${a.terms.length > 1 ? 's' : ''} × ${a.kh}×${a.kw}), summed, + bias:`),
        ...grids, ...restText,
        el('p', { class: 'total' }, `Σ = ${fmt(sum)}, + bias ${fmt(a.bias)} = `, el('strong', {}, fmt(sum + a.bias)), ` (the model computed ${fmt(a.value)})${after}`),
      ];
    }
    case 'pool': {
      const what = a.op === 'max' ? 'the largest value in the window' : a.op === 'sum' ? 'the sum of the window' : `the window's sum ÷ ${a.divisor}`;
      return [
        el('p', { class: 'formula' }, `${a.kh}×${a.kw} window of the previous layer's channel ${c} at row ${y}, column ${x}; the output is ${what}:`),
        el('div', { class: 'grids' }, grid(a.window, a.kh, a.kw, a.padded), el('span', { class: 'op' }, `→ ${fmt(recompute(a))}`)),
      ];
    }
    case 'linear': {
      const items = a.top.map((p) => el('li', {}, `input ${p.index}: ${fmt(p.x)} × ${fmt(p.w)} = ${fmt(p.x * p.w)}`));
      return [
        el('p', { class: 'formula' }, `Σ over all ${a.inputs} inputs of input × weight, + bias; the largest products:`),
        el('ul', { class: 'products' }, ...items),
        el('p', { class: 'total' }, `the other ${Math.max(0, a.inputs - a.top.length)} products add up to ${fmt(a.rest)}; + bias ${fmt(a.bias)} = `, el('strong', {}, fmt(recompute(a))), after),
      ];
    }
    case 'elementwise':
      return [el('p', { class: 'formula' }, `${a.op}(${fmt(a.input)}) = `, el('strong', {}, fmt(recompute(a))), a.op === 'ReLU' ? ' (negative values become 0)' : '')];
    case 'none':
      return [];
  }
}

/** A grid cell's number: 3 significant digits (the sums below are exact). */
function short(v: number): string {
  if (v === 0) return '0';
  return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

/** A kH x kW table of numbers, cells coloured by sign; padding taps marked. */
export function grid(values: Float32Array, kh: number, kw: number, padded?: Uint8Array): HTMLElement {
  const table = el('table', { class: 'numgrid' });
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  for (let i = 0; i < kh; i++) {
    const tr = el('tr');
    for (let j = 0; j < kw; j++) {
      const v = values[i * kw + j]!;
      const pad = padded?.[i * kw + j] === 1;
      const td = el('td', { class: pad ? 'pad' : v > 0 ? 'pos' : v < 0 ? 'neg' : 'zero', title: pad ? 'zero padding' : String(v) }, pad ? '0' : short(v));
      if (!pad && max > 0) td.style.setProperty('--strength', (Math.abs(v) / max).toFixed(2));
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
}
