/**
 * Chart axes fitted to the data: a range that zooms to where the values
 * live, round tick steps from the 1-2-5 series, a margin so no value sits on
 * the frame, tick labels with one precision for all (percentages for
 * accuracy), and no more ticks than the axis has room to label without
 * overlap. Shared by the report's SVG/PNG charts and the web app (through
 * `lineChartSvg`). Platform-free.
 */

/** An axis from {@link niceAxis}. */
export interface NiceAxis {
  /** The drawn range (min < max): the outer ticks, widened where a value would otherwise sit on the frame. */
  min: number;
  max: number;
  /** The tick spacing: 1, 2 or 5 times a power of ten. */
  step: number;
  /** Tick values, ascending, all within [min, max] (and within `limits`). */
  ticks: number[];
  /** One label per tick, e.g. '95%' or '0.25'. */
  labels: string[];
}

/** Options for {@link niceAxis}. */
export interface NiceAxisOptions {
  /** About how many tick intervals to aim for (default 5); fewer when `length` has no room. */
  count?: number;
  /** Share of the drawn range kept free between the extreme values and the frame (default 0.04). */
  padding?: number;
  /**
   * Bounds no tick goes beyond, e.g. [0, 1] for accuracy, [0, Infinity] for a
   * loss. The drawn range may still reach past a bound by the padding, so that
   * a curve at 100 % does not lie on the frame.
   */
  limits?: readonly [number, number];
  /** 'percent' labels 0.955 as '95.5%'; 'compact' labels 1500 as '1.5k' (steps on an x axis); default 'number'. */
  format?: TickFormat;
  /** Whole-number ticks only (epochs, steps). */
  integer?: boolean;
  /**
   * 'nice' (default): the range is widened out to whole ticks (y axes).
   * 'data': the range is the data's own (x axes: epoch 1 at the left edge, not epoch 0).
   */
  extent?: 'nice' | 'data';
  /** The axis's length in pixels: with it, the step grows until neighbouring labels do not collide. */
  length?: number;
  /** 'y' (default): labels stacked vertically need a line height each; 'x': labels side by side need their width. */
  direction?: 'x' | 'y';
  /** Font size of the labels in pixels, for the collision check (default 11). */
  fontSize?: number;
}

/**
 * The smallest step of 1, 2 or 5 times a power of ten that is at least `raw`.
 *
 * @example niceStep(0.0064)   // 0.01
 * @example niceStep(3)        // 5
 */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  // toPrecision: 10 ** -3 * 2 is 0.0020000000000000005 in floating point.
  return Number(([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-12)) ?? 10 * mag).toPrecision(12));
}

/** The next step up the 1-2-5 series: 0.01 → 0.02 → 0.05 → 0.1. */
function nextStep(step: number): number {
  return niceStep(step * 1.01);
}

/**
 * Round tick values covering [lo, hi] with about `count` steps of 1, 2 or 5
 * times a power of ten.
 *
 * @example niceTicks(0.13, 2.4)   // [0, 0.5, 1, 1.5, 2, 2.5]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return niceTicks(lo - d, hi + d, count);
  }
  const step = niceStep((hi - lo) / count);
  return ticksOf(Math.floor(lo / step + 1e-9), Math.ceil(hi / step - 1e-9), step);
}

function ticksOf(k0: number, k1: number, step: number): number[] {
  const out: number[] = [];
  for (let k = k0; k <= k1; k++) out.push(Number((k * step).toPrecision(12)) || 0);
  return out;
}

/** How tick values are written: plain numbers, percentages, or thousands and millions as k and M. */
export type TickFormat = 'number' | 'percent' | 'compact';

/**
 * Tick labels with the same number of decimals, enough to tell neighbours
 * apart at this step: 0.95, 0.96 … (step 0.01); 95%, 96% … as percentages.
 * 'compact' writes an axis that reaches 1,000 in thousands (1k, 1.5k, 2k)
 * and one that reaches a million in millions (2M), without trailing zeros,
 * so that long step counts stay short and never run into each other.
 *
 * @example tickLabels([0.95, 0.975, 1], 0.025, 'percent')   // ['95.0%', '97.5%', '100.0%']
 * @example tickLabels([0, 500, 1000, 1500], 500, 'compact')   // ['0', '0.5k', '1k', '1.5k']
 */
export function tickLabels(ticks: readonly number[], step: number, format: TickFormat = 'number'): string[] {
  if (format === 'compact') {
    const top = Math.max(0, ...ticks.map(Math.abs));
    const [unit, suffix] = top >= 1e6 ? [1e6, 'M'] : top >= 1e3 ? [1e3, 'k'] : [1, ''];
    return tickLabels(ticks.map((t) => t / unit), step / unit).map((l) => {
      const trimmed = l.includes('.') ? l.replace(/\.?0+$/, '') : l;
      return trimmed === '0' || !suffix ? trimmed : `${trimmed}${suffix}`;
    });
  }
  const scale = format === 'percent' ? 100 : 1;
  const s = step * scale;
  // Decimals of the step itself: 0.05 → 2, 0.5 → 1, 5 → 0; a 2.5 step (not from niceStep) gets 1.
  let decimals = 0;
  while (decimals < 12 && Math.abs(Math.round(s * 10 ** decimals) - s * 10 ** decimals) > 1e-6 * 10 ** decimals) decimals++;
  return ticks.map((t) => {
    const text = (t * scale).toFixed(decimals);
    const clean = /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
    return format === 'percent' ? `${clean}%` : clean;
  });
}

/**
 * A generous estimate of a label's width in pixels in DejaVu Sans / Verdana
 * (the charts' fonts, among the widest sans fonts), for layout without a
 * browser: digits 0.64 em, dots and commas 0.32 em, '%' 0.95 em.
 *
 * @example estimateTextWidth('100%', 11)   // about 31.6
 */
export function estimateTextWidth(text: string, fontSize = 11): number {
  let em = 0;
  for (const ch of text) {
    if ('.,:;!|il\'ijt '.includes(ch)) em += 0.34;
    else if (ch === '%' || ch === 'm' || ch === 'w' || ch === 'W' || ch === 'M') em += 0.98;
    else if (ch >= 'A' && ch <= 'Z') em += 0.75;
    else em += 0.64;
  }
  return em * fontSize;
}

/**
 * An axis for `values` (undefined and non-finite ones are skipped): zoomed to
 * the data, padded, on round ticks, labelled without collisions.
 *
 * A degenerate range (one value, or all equal) is widened by 5 % of the
 * value (or ±0.5 around 0); no values at all give the `limits` (or 0–1).
 *
 * @example
 * niceAxis([0.962, 0.975, 0.991], { limits: [0, 1], format: 'percent' })
 * // { min: 0.95, max: 1, step: 0.01, ticks: [0.95, 0.96, …, 1], labels: ['95%', …, '100%'] }
 */
export function niceAxis(values: Iterable<number | undefined>, o: NiceAxisOptions = {}): NiceAxis {
  const [limLo, limHi] = o.limits ?? [-Infinity, Infinity];
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (v !== undefined && Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const empty = lo > hi;
  if (empty) [lo, hi] = [Number.isFinite(limLo) ? limLo : 0, Number.isFinite(limHi) ? limHi : 1];
  const padding = o.padding ?? 0.04;
  const extent = o.extent ?? 'nice';
  // Where the data asks for room: its range, or around a lone value.
  let [wantLo, wantHi] = [lo, hi];
  if (!(hi > lo)) {
    const d = o.integer ? 1 : lo !== 0 ? Math.abs(lo) * 0.05 : 0.5;
    [wantLo, wantHi] = [lo - d, hi + d];
  } else if (extent === 'nice') {
    const span = hi - lo;
    [wantLo, wantHi] = [lo - span * padding, hi + span * padding];
  }
  wantLo = Math.max(wantLo, limLo);
  wantHi = Math.min(wantHi, limHi);
  if (!(wantHi > wantLo)) [wantLo, wantHi] = [lo - 0.5, hi + 0.5];

  if (extent === 'data' && !(hi > lo)) {
    // One x position (one epoch): label just that one, centred.
    return { min: wantLo, max: wantHi, step: wantHi - wantLo, ticks: [lo], labels: tickLabels([lo], o.integer ? 1 : Math.abs(lo) || 1, o.format) };
  }
  const count = Math.max(1, o.count ?? 5);
  let step = niceStep((wantHi - wantLo) / count);
  if (o.integer) step = Math.max(1, step);
  for (;;) {
    const axis = build(wantLo, wantHi, step, limLo, limHi, extent, o);
    if (fits(axis, o) || axis.ticks.length <= 2) return padEnds(axis, lo, hi, empty ? 0 : padding);
    step = nextStep(step);
  }
}

function build(lo: number, hi: number, step: number, limLo: number, limHi: number, extent: 'nice' | 'data', o: NiceAxisOptions): NiceAxis {
  let k0: number, k1: number;
  if (extent === 'nice') [k0, k1] = [Math.floor(lo / step + 1e-9), Math.ceil(hi / step - 1e-9)];
  else [k0, k1] = [Math.ceil(lo / step - 1e-9), Math.floor(hi / step + 1e-9)];
  const ticks = ticksOf(k0, k1, step).filter((t) => t >= limLo - step * 1e-9 && t <= limHi + step * 1e-9);
  const [min, max] = extent === 'nice' && ticks.length >= 2 ? [Math.min(ticks[0]!, lo), Math.max(ticks[ticks.length - 1]!, hi)] : [lo, hi];
  return { min, max, step, ticks, labels: tickLabels(ticks, step, o.format) };
}

/** Whether neighbouring labels keep clear of each other on an axis `o.length` pixels long. */
function fits(axis: NiceAxis, o: NiceAxisOptions): boolean {
  if (o.length === undefined || axis.ticks.length < 2) return true;
  const font = o.fontSize ?? 11;
  const gap = (axis.step / (axis.max - axis.min)) * o.length;
  if (o.direction === 'x') return gap >= Math.max(...axis.labels.map((l) => estimateTextWidth(l, font))) + font * 0.8;
  return gap >= font * 1.6;
}

/** Widens the range where the data comes closer to an end than `padding` of the range (e.g. 100 % on a 0–100 % axis). */
function padEnds(axis: NiceAxis, lo: number, hi: number, padding: number): NiceAxis {
  let { min, max } = axis;
  const span = max - min;
  if (lo - min < padding * span) min = lo - padding * span;
  if (max - hi < padding * span) max = hi + padding * span;
  return { ...axis, min, max };
}
