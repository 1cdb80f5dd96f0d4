/**
 * What the classifier maker shows of a training: the live curves (fovea's
 * `lineChartSvg`), the validation accuracy in words, the confusion matrix
 * (`confusionMatrixSvg`) and every misclassified validation photo with the
 * Grad-CAM of the class it was taken for (`heatmapOverlay`, `jet`,
 * `legendStrip`).
 */
import { confusionMatrixSvg, heatmapOverlay, jet, legendStrip, lineChartSvg, toRgba, type ImageData8 } from 'fovea';
import { el } from '../dom.js';
import type { MakerResult, Misclassified } from './maker-protocol.js';

/** One epoch of the head's training. */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valAccuracy: number | null;
}

/** The loss and accuracy curves over the epochs so far, as SVG. */
export function makerCharts(points: readonly EpochPoint[]): { loss: string; accuracy: string } {
  const opts = { x: points.map((p) => p.epoch), xLabel: 'epoch', width: 400, height: 220 };
  return {
    loss: lineChartSvg([{ label: 'train loss', values: points.map((p) => p.trainLoss) }], { ...opts, yLabel: 'cross-entropy', yLimits: [0, Infinity] }),
    accuracy: lineChartSvg([
      { label: 'train', values: points.map((p) => p.trainAccuracy) },
      { label: 'validation', values: points.map((p) => p.valAccuracy ?? undefined), dashed: true },
    ], { ...opts, yLabel: 'accuracy', yLimits: [0, 1], yFormat: 'percent' }),
  };
}

/**
 * The validation result in words: the accuracy, beside chance, and what it was measured on.
 * @example accuracySentence(r, 3) // 'Validation accuracy: 83.3% on 18 held-out photos (chance: 33.3%). ...'
 */
export function accuracySentence(r: Pick<MakerResult, 'valAccuracy' | 'valCount' | 'trainCount' | 'bestEpoch'>, numClasses: number): string {
  if (r.valAccuracy === null) return `Trained on ${r.trainCount} photos; no photo was held out, so the classifier has not been validated.`;
  return `Validation accuracy: ${(100 * r.valAccuracy).toFixed(1)}% on ${r.valCount} held-out photo${r.valCount === 1 ? '' : 's'} (chance: ${(100 / numClasses).toFixed(1)}%), ` +
    `with the weights of epoch ${r.bestEpoch}, the best on these photos (so the figure is slightly optimistic); trained on ${r.trainCount} photos.`;
}

/** Shows the confusion matrix and the misclassified photos. */
export function showResults(confusion: HTMLElement, wrong: HTMLElement, r: MakerResult, classNames: readonly string[]): void {
  confusion.innerHTML = r.valCount ? confusionMatrixSvg(r.confusion, classNames, { title: `validation, ${r.valCount} photos` }) : '';
  wrong.replaceChildren(...(r.misclassified.length ? r.misclassified.map((m) => misclassifiedFigure(m, classNames)) : [el('p', { class: 'hint' }, r.valCount ? 'None: every validation photo was classified right.' : '')]));
}

function misclassifiedFigure(m: Misclassified, classNames: readonly string[]): HTMLElement {
  let max = 0;
  for (const v of m.cam) max = Math.max(max, v);
  const cam = canvasOf(heatmapOverlay(m.image, m.cam, { colorMap: jet, alpha: 0.55 }), `Grad-CAM of ${classNames[m.predicted]} on ${m.name}`);
  cam.className = 'cam';
  cam.dataset['max'] = String(max);
  const legend = canvasOf(legendStrip(jet, [0, max], { width: 96, barHeight: 6 }), 'Grad-CAM colour scale');
  return el('figure', { class: 'wrong', 'data-actual': classNames[m.actual], 'data-predicted': classNames[m.predicted] },
    canvasOf(m.image, m.name), cam, legend,
    el('figcaption', {}, el('strong', {}, classNames[m.actual] ?? ''), ' taken for ', el('strong', {}, classNames[m.predicted] ?? ''),
      ` (${(100 * m.probability).toFixed(0)}%)`, el('br'), el('span', { class: 'hint', title: `Grad-CAM at ${m.camLayer}` }, m.name)));
}

function canvasOf(img: ImageData8, label: string): HTMLCanvasElement {
  const canvas = el('canvas', { width: img.width, height: img.height, 'aria-label': label });
  canvas.getContext('2d')!.putImageData(new ImageData(toRgba(img) as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
  return canvas;
}
