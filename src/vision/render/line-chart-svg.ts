/**
 * Line charts as self-contained SVG: one or more series over a shared x axis
 * (e.g. train and validation loss per epoch), with axes, ticks, markers and
 * a legend above the plot; the y axis zooms to the data (nice-axis.ts). A
 * single point is still visible (markers), and missing values
 * (undefined) break the line. Platform-free.
 */
import { escapeXml } from './escape-xml.js';
import { estimateTextWidth, niceAxis, type NiceAxis } from './nice-axis.js';

export { niceTicks } from './nice-axis.js';

/** One line of a {@link lineChartSvg}. */
export interface LineSeries {
  label: string;
  /** One value per x position; undefined or non-finite = no point. */
  values: readonly (number | undefined)[];
  /** CSS colour; default from a small palette. */
  color?: string;
  dashed?: boolean;
  /** Draw the line across missing values (a sparse series, e.g. a test after each epoch among per-step values); default false. */
  connectGaps?: boolean;
}

/** Options for {@link lineChartSvg}. */
export interface LineChartOptions {
  title?: string;
  /** Default 'epoch'. */
  xLabel?: string;
  yLabel?: string;
  /** The x value of each position; default 1, 2, 3, … */
  x?: readonly number[];
  /** Fixed y range, drawn as given; default: zoomed to the data (see {@link niceAxis}). */
  yRange?: readonly [number, number];
  /** Bounds the zoomed y ticks stay within, e.g. [0, 1] for accuracy, [0, Infinity] for a loss. */
  yLimits?: readonly [number, number];
  /** 'percent' labels the y axis 95%, 96% … (the values are fractions). */
  yFormat?: 'number' | 'percent';
  /** Default 480 x 300. */
  width?: number;
  height?: number;
}

/** A rectangle in SVG pixels. */
export interface ChartBox { x: number; y: number; width: number; height: number }

/** Where {@link lineChartSvg} puts everything: computed first, so that tests can check it. */
export interface LineChartLayout {
  width: number;
  height: number;
  /** The framed plotting area; every point lies inside it. */
  plot: ChartBox;
  /** The legend, above the plot (beside or under the title), never over a line. */
  legend: ChartBox & { items: { label: string; color: string; dashed: boolean; x: number; y: number }[] };
  xAxis: NiceAxis;
  yAxis: NiceAxis;
  /** The x pixel of an x value and the y pixel of a y value. */
  px: (x: number) => number;
  py: (y: number) => number;
  /** The x value of each position. */
  xs: readonly number[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
/** Font size of tick labels, axis labels and the legend. */
export const CHART_FONT_SIZE = 11;
const TITLE_SIZE = 14;
/** Pixels between the frame and the first and last x positions, so end points do not sit on it. */
const X_INSET = 10;
/** A legend entry: a line sample, a gap, the label, then space before the next entry. */
const SAMPLE = 20, SAMPLE_GAP = 5, ENTRY_GAP = 16;
/** A series with more points than this is drawn as a bare line, without a marker on each point. */
const MAX_MARKERS = 40;

/**
 * Lays out a line chart: the title and the legend above the plot (the
 * legend right of the title when both fit on one line, else on its own
 * row), the y axis zoomed to the data with its labels' width reserved on the
 * left, and x ticks thinned (1-2-5 steps) until their labels do not touch.
 *
 * @example lineChartLayout([{ label: 'train', values: [0.5, 0.9] }]).legend   // above .plot
 */
export function lineChartLayout(series: readonly LineSeries[], o: LineChartOptions = {}): LineChartLayout {
  const n = o.x?.length ?? Math.max(0, ...series.map((s) => s.values.length));
  const xs = o.x ?? Array.from({ length: n }, (_, i) => i + 1);
  const width = o.width ?? 480;
  const height = o.height ?? 300;
  const font = CHART_FONT_SIZE;
  const entries = series.map((s, k) => ({
    label: s.label, color: s.color ?? PALETTE[k % PALETTE.length]!, dashed: !!s.dashed, w: SAMPLE + SAMPLE_GAP + estimateTextWidth(s.label, font),
  }));
  const legendW = entries.reduce((a, e) => a + e.w, 0) + ENTRY_GAP * Math.max(0, entries.length - 1);
  const titleW = o.title ? estimateTextWidth(o.title, TITLE_SIZE) * 1.1 : 0;
  const sameRow = !o.title || 8 + titleW + 24 + legendW <= width - 14;
  const legendBaseline = o.title && !sameRow ? 40 : 20;
  const top = legendBaseline + 12;
  const ph = height - top - 44;
  const yOpts = { length: ph, fontSize: font, ...(o.yFormat ? { format: o.yFormat } : {}) };
  const yAxis = o.yRange
    ? { ...niceAxis(o.yRange, { ...yOpts, limits: o.yRange, padding: 0 }), min: o.yRange[0], max: o.yRange[1] }
    : niceAxis(series.flatMap((s) => s.values), { ...yOpts, ...(o.yLimits ? { limits: o.yLimits } : {}) });
  // The y tick labels are right-aligned against the frame: reserve the widest one.
  const labelW = Math.max(0, ...yAxis.labels.map((l) => estimateTextWidth(l, font)));
  const left = Math.ceil((o.yLabel ? 24 : 6) + labelW + 8);
  const right = 14;
  const pw = width - left - right;
  const integer = xs.every((x) => Number.isInteger(x));
  const xAxis = niceAxis(xs, { extent: 'data', padding: 0, count: 15, length: pw - 2 * X_INSET, direction: 'x', fontSize: font, integer, format: 'compact' });
  const px = (x: number): number => left + X_INSET + ((x - xAxis.min) / (xAxis.max - xAxis.min || 1)) * (pw - 2 * X_INSET);
  const py = (y: number): number => top + ph - ((y - yAxis.min) / (yAxis.max - yAxis.min || 1)) * ph;
  let lx = width - right - legendW;
  const items = entries.map((e) => {
    const item = { label: e.label, color: e.color, dashed: e.dashed, x: lx, y: legendBaseline };
    lx += e.w + ENTRY_GAP;
    return item;
  });
  return {
    width, height, xs, xAxis, yAxis, px, py,
    plot: { x: left, y: top, width: pw, height: ph },
    legend: { x: width - right - legendW, y: legendBaseline - font, width: legendW, height: font + 4, items },
  };
}

/**
 * Draws the series as an SVG line chart, laid out by {@link lineChartLayout}.
 *
 * Shape: every series has one value per x position (`x.length`, or the
 * longest series when `x` is not given).
 *
 * @example
 * lineChartSvg([
 *   { label: 'train', values: history.map((e) => e.trainAccuracy) },
 *   { label: 'validation', values: history.map((e) => e.valAccuracy), dashed: true },
 * ], { title: 'accuracy', yLabel: 'accuracy', yLimits: [0, 1], yFormat: 'percent' });
 */
export function lineChartSvg(series: readonly LineSeries[], o: LineChartOptions = {}): string {
  const L = lineChartLayout(series, o);
  const { width, height, plot, px, py, xs } = L;
  const f = (v: number): string => v.toFixed(1);
  const bottom = plot.y + plot.height;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="${CHART_FONT_SIZE}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (o.title) out.push(`<text x="8" y="20" font-size="${TITLE_SIZE}" font-weight="bold" fill="#222222">${escapeXml(o.title)}</text>`);
  L.yAxis.ticks.forEach((t, i) => {
    out.push(`<line x1="${plot.x}" y1="${f(py(t))}" x2="${plot.x + plot.width}" y2="${f(py(t))}" stroke="#e5e5e5"/>`,
      `<text x="${plot.x - 6}" y="${f(py(t) + 4)}" text-anchor="end" fill="#444444">${escapeXml(L.yAxis.labels[i]!)}</text>`);
  });
  L.xAxis.ticks.forEach((t, i) => {
    out.push(`<line x1="${f(px(t))}" y1="${bottom}" x2="${f(px(t))}" y2="${bottom + 4}" stroke="#999999"/>`,
      `<text x="${f(px(t))}" y="${bottom + 16}" text-anchor="middle" fill="#444444">${escapeXml(L.xAxis.labels[i]!)}</text>`);
  });
  out.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#999999"/>`,
    `<text x="${plot.x + plot.width / 2}" y="${height - 8}" text-anchor="middle" fill="#222222">${escapeXml(o.xLabel ?? 'epoch')}</text>`);
  if (o.yLabel) out.push(`<text x="14" y="${plot.y + plot.height / 2}" text-anchor="middle" transform="rotate(-90 14 ${plot.y + plot.height / 2})" fill="#222222">${escapeXml(o.yLabel)}</text>`);
  series.forEach((s, k) => {
    const { color, dashed } = L.legend.items[k]!;
    const dash = dashed ? ' stroke-dasharray="6 4"' : '';
    const lines = runs(s.values, !!s.connectGaps);
    // Markers show where the values are; on a dense line (live per-step curves) they would only be clutter.
    const markers = lines.reduce((a, r) => a + r.length, 0) <= MAX_MARKERS;
    for (const run of lines) {
      const pts = run.map((i) => `${f(px(xs[i]!))},${f(py(s.values[i]!))}`).join(' ');
      if (run.length > 1) out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
      if (markers || run.length === 1) for (const i of run) out.push(`<circle cx="${f(px(xs[i]!))}" cy="${f(py(s.values[i]!))}" r="3" fill="${color}"/>`);
    }
  });
  // The legend sits above the frame, so it cannot cover a line.
  for (const it of L.legend.items) {
    const dash = it.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="${f(it.x)}" y1="${it.y - 4}" x2="${f(it.x + SAMPLE)}" y2="${it.y - 4}" stroke="${it.color}" stroke-width="2"${dash}/>`,
      `<text x="${f(it.x + SAMPLE + SAMPLE_GAP)}" y="${it.y}" fill="#222222">${escapeXml(it.label)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Index runs of consecutive finite values (with `connectGaps`, one run of all of them). */
function runs(values: readonly (number | undefined)[], connectGaps: boolean): number[][] {
  const result: number[][] = [];
  let cur: number[] = [];
  values.forEach((v, i) => {
    if (v !== undefined && Number.isFinite(v)) cur.push(i);
    else if (cur.length && !connectGaps) (result.push(cur), (cur = []));
  });
  if (cur.length) result.push(cur);
  return result;
}
