/**
 * A training run as a page: loss and accuracy per epoch (train and
 * validation) as line charts, and the test set's confusion matrix as a heat
 * map with class names and counts; each chart as SVG (shown in the page) and
 * as PNG beside it (linked under the chart, for slides, issues and viewers
 * without SVG). Platform-free; the data is what `fit()` (its history) and
 * `evaluate()` (its confusion matrix) return.
 *
 * The axes zoom to the curves (nice-axis.ts): accuracy in percent, never past
 * 0–100 %, so a run at 97–99 % gets a 97–99 % axis instead of two lines
 * flattened against the top of a 0–1 one. The loss axis is bounded below by 0
 * but not forced to include it: late in training, or when fine-tuning, the
 * loss moves within e.g. 0.30–0.34 and a 0-based axis would squash that into
 * a strip; when the loss falls from 2.3 to 0.05 the axis starts at 0 anyway.
 */
import { confusionMatrixSvg } from '../vision/render/confusion-matrix-svg.js';
import { lineChartSvg } from '../vision/render/line-chart-svg.js';
import type { Page, PageSection, PageWidget } from './html-page.js';

/** One epoch, as in `fit()`'s history (`EpochLog`). */
export interface ReportEpoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** What {@link trainingReport} draws. */
export interface TrainingReportData {
  /** e.g. 'lenet on mnist'. */
  title: string;
  /** `fit(...).history`. */
  history: readonly ReportEpoch[];
  classNames: readonly string[];
  /** The test set's result, from `evaluate()`: counts are `ConfusionMatrix.counts` (actual * n + predicted). */
  test?: { accuracy: number; loss: number; count: number; confusion: { counts: ArrayLike<number> } };
  /**
   * The epoch whose weights were kept (`fit(...).bestEpoch`); default: the
   * first epoch with the highest validation accuracy, as `fit` picks it.
   */
  bestEpoch?: number;
  /** Extra lines for the top of the page (settings, timing). */
  notes?: readonly string[];
  /** The clickable confusion matrix with each cell's images (`testMistakes`), shown under the test confusion matrix. */
  mistakes?: PageWidget;
  /** The slider over training snapshots (`timeMachineView`), shown after the curves. */
  timeMachine?: PageWidget;
}

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

/**
 * The run's result in words, first on the page: the test accuracy when there
 * is a test set, else the best validation accuracy, and which epoch it came from.
 *
 * @example 'Test accuracy: 98.84% on 10,000 images (best validation epoch 7 of 10; test loss 0.0391).'
 */
export function resultSentence(d: Pick<TrainingReportData, 'history' | 'test' | 'bestEpoch'>): string | undefined {
  const h = d.history;
  let best: ReportEpoch | undefined;
  for (const e of h) if (e.valAccuracy !== undefined && (!best || e.valAccuracy > best.valAccuracy!)) best = e;
  const bestEpoch = d.bestEpoch ?? best?.epoch;
  const of = `${h.length ? h[h.length - 1]!.epoch : 0}`;
  const where = bestEpoch !== undefined && best ? `best validation epoch ${bestEpoch} of ${of}` : `after ${of} epoch${of === '1' ? '' : 's'}`;
  if (d.test) return `Test accuracy: ${pct(d.test.accuracy)} on ${d.test.count.toLocaleString('en-US')} images (${where}; test loss ${d.test.loss.toFixed(4)}).`;
  const atBest = h.find((e) => e.epoch === bestEpoch) ?? best;
  if (atBest?.valAccuracy !== undefined) return `Validation accuracy: ${pct(atBest.valAccuracy)} (${where}); no test set.`;
  return undefined;
}

/**
 * Lays out the report: `loss.svg`, `accuracy.svg` and (with test results)
 * `confusion-matrix.svg`, each with a PNG twin (`loss.png`, ...) that
 * `writePage` renders from it.
 *
 * Shape: `test.confusion.counts` has classNames.length² entries.
 *
 * @example
 * const result = await fit(model, opts);
 * const test = evaluate(model, testLoader, 10);
 * await writePage('lenet.report', trainingReport({ title: 'lenet', history: result.history, classNames, test }), { htmlName: 'report.html' });
 */
export function trainingReport(d: TrainingReportData): Page {
  const h = d.history;
  const hasVal = h.some((e) => e.valLoss !== undefined);
  const intro = [...(d.notes ?? [])];
  const result = resultSentence(d);
  if (result) intro.unshift(result);
  const last = h[h.length - 1];
  if (last) {
    intro.push(`Last epoch (${last.epoch}): train loss ${last.trainLoss.toFixed(4)}, train accuracy ${pct(last.trainAccuracy)}` +
      (last.valAccuracy !== undefined ? `, validation loss ${last.valLoss!.toFixed(4)}, validation accuracy ${pct(last.valAccuracy)}.` : '.'));
  }
  const x = h.map((e) => e.epoch);
  const curve = (key: 'Loss' | 'Accuracy'): { label: string; values: (number | undefined)[]; dashed?: boolean }[] => [
    { label: 'train', values: h.map((e) => e[`train${key}`]) },
    ...(hasVal ? [{ label: 'validation', values: h.map((e) => e[`val${key}`]), dashed: true }] : []),
  ];
  const sections: PageSection[] = [{
    heading: 'Curves',
    text: 'Per epoch. Training loss and accuracy are averaged over the epoch\'s batches (while the weights change); validation is measured after the epoch. ' +
      'Both axes zoom to where the curves are (an accuracy axis may run from 95% to 100%, a loss axis need not start at 0): read the tick labels before comparing heights.',
    figures: [
      { file: 'loss.svg', caption: `loss per epoch (train${hasVal ? ' and validation' : ''}), cross-entropy`, content: lineChartSvg(curve('Loss'), { title: 'loss', yLabel: 'cross-entropy', x, yLimits: [0, Infinity] }), png: true },
      { file: 'accuracy.svg', caption: `accuracy per epoch (train${hasVal ? ' and validation' : ''})`, content: lineChartSvg(curve('Accuracy'), { title: 'accuracy', yLabel: 'accuracy', x, yLimits: [0, 1], yFormat: 'percent' }), png: true },
    ],
  }];
  if (d.timeMachine) {
    sections.push({
      heading: 'Time machine',
      text: 'Drag the slider through training: the first layer\'s filters, their feature maps for one fixed input and the model\'s prediction for it, as they were at that step ' +
        '(the red line marks the step on the per-step curves). The snapshots are in snapshots.json beside this page.',
      figures: [],
      widget: d.timeMachine,
    });
  }
  if (d.test) sections.push(...testSections(d.test, d.classNames, d.mistakes));
  return { title: `Training report: ${d.title}`, intro, sections };
}

/** The test set's confusion matrix (SVG and PNG) and, when given, the clickable one with each cell's images. */
function testSections(test: NonNullable<TrainingReportData['test']>, classNames: readonly string[], mistakes?: PageWidget): PageSection[] {
  const sections: PageSection[] = [{
    heading: 'Confusion matrix (test set)',
    text: 'Rows: the actual class; columns: the predicted class. Each cell shows a count, shaded by its share of the row; the diagonal holds the correct answers.',
    figures: [{
      file: 'confusion-matrix.svg',
      caption: `confusion matrix of the test set (${test.count} images, accuracy ${pct(test.accuracy)})`,
      content: confusionMatrixSvg(test.confusion.counts, classNames, { title: 'test set: actual vs predicted' }),
      png: true,
    }],
  }];
  if (mistakes) {
    sections.push({
      heading: 'Every mistake one click away',
      text: 'Click a cell: its test images, those the model was surest of first. Click an image: its class probabilities, its saliency ' +
        '(|∂ score / ∂ pixel|, Simonyan et al., 2014) and its Grad-CAM (Selvaraju et al., 2017), both for the predicted class: red where the evidence is.',
      figures: [],
      widget: mistakes,
    });
  }
  return sections;
}

/** What {@link evaluationReport} draws: a model's result on a test set. */
export interface EvaluationReportData {
  /** e.g. 'lenet.fovea on the mnist test set'. */
  title: string;
  classNames: readonly string[];
  test: NonNullable<TrainingReportData['test']>;
  mistakes?: PageWidget;
  notes?: readonly string[];
}

/**
 * The page `fovea eval --report DIR` writes for any model and data set: the
 * result in words, the confusion matrix, and (with `mistakes`) each cell's
 * images one click away.
 *
 * @example await writePage('lenet.eval', evaluationReport({ title, classNames, test: r, mistakes: testMistakes(model, test, r, meta) }), { htmlName: 'report.html' });
 */
export function evaluationReport(d: EvaluationReportData): Page {
  const intro = [`Test accuracy: ${pct(d.test.accuracy)} on ${d.test.count.toLocaleString('en-US')} images (loss ${d.test.loss.toFixed(4)}).`, ...(d.notes ?? [])];
  return { title: `Evaluation report: ${d.title}`, intro, sections: testSections(d.test, d.classNames, d.mistakes) };
}
