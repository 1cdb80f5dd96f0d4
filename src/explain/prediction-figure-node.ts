/**
 * The picture `fovea predict --chart` writes: the photo as given (EXIF
 * orientation applied) beside a bar chart of the model's top-K classes.
 * Node only (sharp composes the two).
 */
import sharp from 'sharp';
import { probabilityChartSvg } from '../vision/render/probability-chart-svg.js';
import { svgToPng } from '../vision/render/encode-png-node.js';

export interface PredictionFigureOptions {
  /** Classes shown, best first (default 5). */
  topK?: number;
  /** Title above the bars (default none). */
  title?: string;
  /** Height of the photo in the figure, px (default: the chart's height, at least 240). */
  photoHeight?: number;
}

/**
 * PNG bytes of `photo` (a file path or encoded image bytes) beside the top-K
 * bars of `probabilities`.
 *
 * Shape: `probabilities` has one entry per class name.
 *
 * @example
 * writeFileSync('rose.top5.png', await predictionFigure('rose.jpg', softmax(logits, 1).data, meta.classNames, { topK: 5 }));
 */
export async function predictionFigure(photo: string | Uint8Array, probabilities: ArrayLike<number>, classNames: readonly string[], o: PredictionFigureOptions = {}): Promise<Uint8Array> {
  const chart = await svgToPng(probabilityChartSvg(probabilities, classNames, { topK: o.topK ?? 5, ...(o.title ? { title: o.title } : {}) }));
  const chartMeta = await sharp(chart).metadata();
  const ch = chartMeta.height ?? 1, cw = chartMeta.width ?? 1;
  const height = Math.max(o.photoHeight ?? ch, 240, ch);
  const pic = await sharp(photo).rotate().resize({ height, width: Math.round(height * 4), fit: 'inside' }).flatten({ background: '#ffffff' }).removeAlpha().png().toBuffer({ resolveWithObject: true });
  const pw = pic.info.width, ph = pic.info.height;
  const gap = 16;
  const out = await sharp({ create: { width: pw + gap + cw, height: Math.max(ph, ch), channels: 3, background: '#ffffff' } })
    .composite([{ input: pic.data, left: 0, top: 0 }, { input: Buffer.from(chart.buffer, chart.byteOffset, chart.byteLength), left: pw + gap, top: Math.max(0, Math.round((ph - ch) / 2)) }])
    .png().toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
