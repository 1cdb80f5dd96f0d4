/**
 * A confusion matrix as an SVG heat map: rows are the actual classes,
 * columns the predicted ones, each cell shows its count and is shaded by the
 * fraction of its row (so a rare class's mistakes are as visible as a common
 * one's). Self-contained SVG. Platform-free.
 */
import { escapeXml } from './escape-xml.js';

/** Options for {@link confusionMatrixSvg}. */
export interface ConfusionMatrixSvgOptions {
  title?: string;
  /** Cell side in px; default 36 (24 above 15 classes). */
  cell?: number;
}

/**
 * Draws `counts[actual * n + predicted]` (the layout of `ConfusionMatrix.counts`).
 *
 * Shape: `counts` has `n * n` entries for `n = classNames.length`.
 *
 * @example
 * const r = evaluate(model, testLoader, 10);
 * const svg = confusionMatrixSvg(r.confusion.counts, meta.classNames, { title: 'test set' });
 */
export function confusionMatrixSvg(counts: ArrayLike<number>, classNames: readonly string[], o: ConfusionMatrixSvgOptions = {}): string {
  const n = classNames.length;
  if (counts.length !== n * n) throw new RangeError(`confusionMatrixSvg: ${counts.length} counts, but ${n} classes need ${n * n}`);
  const cell = o.cell ?? (n > 15 ? 24 : 36);
  const longest = Math.max(1, ...classNames.map((c) => c.length));
  const left = 28 + Math.min(160, longest * 7 + 10);
  const top = (o.title ? 30 : 8) + 22 + Math.min(120, longest * 5 + 10);
  // wide enough for the title (bold 14 px, under 8 px a character) and the last column's slanted label
  const width = Math.ceil(Math.max(left + n * cell + 16, left + n * cell - cell / 2 + 8 + 4.6 * longest, o.title ? 16 + 8 * o.title.length : 0));
  const height = top + n * cell + 16;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (o.title) out.push(`<text x="8" y="20" font-size="14" font-weight="bold" fill="#222222">${escapeXml(o.title)}</text>`);
  out.push(`<text x="${left + (n * cell) / 2}" y="${(o.title ? 30 : 8) + 14}" text-anchor="middle" fill="#222222">predicted</text>`,
    `<text x="12" y="${top + (n * cell) / 2}" text-anchor="middle" transform="rotate(-90 12 ${top + (n * cell) / 2})" fill="#222222">actual</text>`);
  for (let a = 0; a < n; a++) {
    let rowSum = 0;
    for (let p = 0; p < n; p++) rowSum += counts[a * n + p]!;
    const y = top + a * cell;
    out.push(`<text x="${left - 6}" y="${y + cell / 2 + 4}" text-anchor="end" fill="#222222">${escapeXml(classNames[a]!)}</text>`);
    for (let p = 0; p < n; p++) {
      const count = counts[a * n + p]!;
      const frac = rowSum ? count / rowSum : 0;
      const x = left + p * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${shade(frac)}" stroke="#ffffff"/>`);
      if (count) {
        out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="${cell < 30 ? 9 : 11}" fill="${frac > 0.5 ? '#ffffff' : '#222222'}">${count}</text>`);
      }
    }
  }
  for (let p = 0; p < n; p++) {
    const x = left + p * cell + cell / 2 + 4;
    out.push(`<text x="${x}" y="${top - 6}" transform="rotate(-45 ${x} ${top - 6})" fill="#222222">${escapeXml(classNames[p]!)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${n * cell}" height="${n * cell}" fill="none" stroke="#999999"/>`, '</svg>');
  return out.join('\n');
}

/** A cell's shade: white (0) to dark blue (1), ColorBrewer Blues' ends; also the clickable matrix's (explain/mistakes-view.ts). */
export function shade(t: number): string {
  const from = [247, 251, 255], to = [8, 48, 107];
  const c = from.map((v, i) => Math.round(v + (to[i]! - v) * Math.max(0, Math.min(1, t))));
  return `rgb(${c.join(',')})`;
}
