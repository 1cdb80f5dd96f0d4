/**
 * Class probabilities as an SVG bar chart: the top-K classes, best first,
 * each with its name, a bar and its percentage. Self-contained SVG (no
 * external fonts or styles), so it can be opened directly, embedded in
 * HTML, or turned into a PNG (sharp renders SVG). Platform-free.
 */
import { escapeXml } from './escape-xml.js';

/** Options for {@link probabilityChartSvg}. */
export interface ProbabilityChartOptions {
  /** How many classes to show; default 5 (at most the number of classes). */
  topK?: number;
  title?: string;
  /** Total width in px; default 420. */
  width?: number;
}

/**
 * Draws the top-K of `probabilities` (one per class, e.g. a softmax output)
 * as horizontal bars labelled with the class names and percentages.
 *
 * Shape: `probabilities` has one entry per class name.
 *
 * @example
 * const svg = probabilityChartSvg(softmax(logits, 1).data, meta.classNames, { topK: 3, title: 'digit7.png' });
 */
export function probabilityChartSvg(probabilities: ArrayLike<number>, classNames: readonly string[], o: ProbabilityChartOptions = {}): string {
  if (probabilities.length !== classNames.length) {
    throw new RangeError(`probabilityChartSvg: ${probabilities.length} probabilities but ${classNames.length} class names`);
  }
  const k = Math.max(1, Math.min(o.topK ?? 5, classNames.length));
  const top = Array.from(probabilities, (p, i) => ({ p, i })).sort((a, b) => b.p - a.p || a.i - b.i).slice(0, k);
  const width = o.width ?? 420;
  const row = 24;
  const titleH = o.title ? 28 : 8;
  // ~7 px per character at 12 px sans-serif: enough room for the names, then the bars.
  const labelW = Math.min(width / 2, Math.max(40, 7 * Math.max(...top.map((t) => classNames[t.i]!.length)) + 12));
  const pctW = 56;
  const barMax = width - labelW - pctW - 8;
  const height = titleH + k * row + 8;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (o.title) parts.push(`<text x="8" y="19" font-size="14" font-weight="bold" fill="#222222">${escapeXml(o.title)}</text>`);
  top.forEach((t, r) => {
    const y = titleH + r * row;
    const p = Number.isFinite(t.p) ? Math.max(0, Math.min(1, t.p)) : 0;
    const w = Math.max(p > 0 ? 1 : 0, p * barMax);
    const name = classNames[t.i]!;
    parts.push(
      `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end" fill="#222222">${escapeXml(name)}</text>`,
      `<rect x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 8}" fill="${r === 0 ? '#21918c' : '#9ecae1'}"/>`,
      `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 16}" fill="#222222">${(p * 100).toFixed(1)}%</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
