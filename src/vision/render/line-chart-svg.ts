/**
 * Line charts as self-contained SVG: one or more series over a shared x axis
 * (e.g. train and validation loss per epoch), with axes, ticks, markers and
 * a legend. A single point is still visible (markers), and missing values
 * (undefined) break the line. Platform-free.
 */
import { escapeXml } from './escape-xml.js';
import { formatNumber } from './format-number.js';

/** One line of a {@link lineChartSvg}. */
export interface LineSeries {
  label: string;
  /** One value per x position; undefined or non-finite = no point. */
  values: readonly (number | undefined)[];
  /** CSS colour; default from a small palette. */
  color?: string;
  dashed?: boolean;
}

/** Options for {@link lineChartSvg}. */
export interface LineChartOptions {
  title?: string;
  /** Default 'epoch'. */
  xLabel?: string;
  yLabel?: string;
  /** The x value of each position; default 1, 2, 3, … */
  x?: readonly number[];
  /** Fixed y range (e.g. [0, 1] for accuracy); default: the data's, widened to nice ticks. */
  yRange?: readonly [number, number];
  /** Default 480 x 300. */
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

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
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const start = Math.floor(lo / step) * step;
  const ticks = [Number(start.toPrecision(12))];
  while (ticks[ticks.length - 1]! < hi - step * 1e-9) ticks.push(Number((start + ticks.length * step).toPrecision(12)));
  return ticks;
}

/**
 * Draws the series as an SVG line chart.
 *
 * Shape: every series has one value per x position (`x.length`, or the
 * longest series when `x` is not given).
 *
 * @example
 * lineChartSvg([
 *   { label: 'train', values: history.map((e) => e.trainLoss) },
 *   { label: 'validation', values: history.map((e) => e.valLoss), dashed: true },
 * ], { title: 'loss', yLabel: 'cross-entropy' });
 */
export function lineChartSvg(series: readonly LineSeries[], o: LineChartOptions = {}): string {
  const n = o.x?.length ?? Math.max(0, ...series.map((s) => s.values.length));
  const xs = o.x ?? Array.from({ length: n }, (_, i) => i + 1);
  const width = o.width ?? 480;
  const height = o.height ?? 300;
  const m = { left: 56, right: 16, top: o.title ? 34 : 14, bottom: 44 };
  const finite = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const yTicks = o.yRange ? niceTicks(o.yRange[0], o.yRange[1]).filter((t) => t >= o.yRange![0] - 1e-9 && t <= o.yRange![1] + 1e-9)
    : niceTicks(finite.length ? Math.min(...finite) : 0, finite.length ? Math.max(...finite) : 1);
  const [y0, y1] = o.yRange ?? [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const [x0, x1] = xs.length > 1 ? [xs[0]!, xs[xs.length - 1]!] : [(xs[0] ?? 1) - 1, (xs[0] ?? 1) + 1];
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const px = (x: number): number => m.left + ((x - x0) / (x1 - x0 || 1)) * pw;
  const py = (y: number): number => m.top + ph - ((y - y0) / (y1 - y0 || 1)) * ph;
  const f = (v: number): string => v.toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (o.title) out.push(`<text x="${m.left}" y="20" font-size="14" font-weight="bold" fill="#222222">${escapeXml(o.title)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1="${m.left}" y1="${f(py(t))}" x2="${width - m.right}" y2="${f(py(t))}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 6}" y="${f(py(t) + 4)}" text-anchor="end" fill="#444444">${escapeXml(formatNumber(t))}</text>`);
  }
  const xStep = Math.max(1, Math.ceil(xs.length / 10));
  xs.forEach((x, i) => {
    if (i % xStep !== 0 && i !== xs.length - 1) return;
    out.push(`<text x="${f(px(x))}" y="${height - m.bottom + 16}" text-anchor="middle" fill="#444444">${escapeXml(formatNumber(x))}</text>`);
  });
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#999999"/>`,
    `<text x="${m.left + pw / 2}" y="${height - 8}" text-anchor="middle" fill="#222222">${escapeXml(o.xLabel ?? 'epoch')}</text>`);
  if (o.yLabel) out.push(`<text x="14" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 14 ${m.top + ph / 2})" fill="#222222">${escapeXml(o.yLabel)}</text>`);
  // The legend sits top right on a white box, above the lines.
  const legend: string[] = [`<rect x="${width - m.right - 116}" y="${m.top + 4}" width="112" height="${series.length * 16 + 4}" fill="#ffffff" fill-opacity="0.85"/>`];
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const run of runs(s.values)) {
      const pts = run.map((i) => `${f(px(xs[i]!))},${f(py(s.values[i]!))}`).join(' ');
      if (run.length > 1) out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
      for (const i of run) out.push(`<circle cx="${f(px(xs[i]!))}" cy="${f(py(s.values[i]!))}" r="3" fill="${color}"/>`);
    }
    const ly = m.top + 14 + k * 16;
    legend.push(`<line x1="${width - m.right - 110}" y1="${ly - 4}" x2="${width - m.right - 90}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${width - m.right - 84}" y="${ly}" fill="#222222">${escapeXml(s.label)}</text>`);
  });
  out.push(...legend, '</svg>');
  return out.join('\n');
}

/** Index runs of consecutive finite values. */
function runs(values: readonly (number | undefined)[]): number[][] {
  const result: number[][] = [];
  let cur: number[] = [];
  values.forEach((v, i) => {
    if (v !== undefined && Number.isFinite(v)) cur.push(i);
    else if (cur.length) (result.push(cur), (cur = []));
  });
  if (cur.length) result.push(cur);
  return result;
}
