/**
 * The training panel's pictures and its closing sentence, kept apart from
 * the DOM so they can be tested in Node: live loss and accuracy curves
 * (drawn by the library's `lineChartSvg`, whose axes zoom to the data and
 * whose legend sits above the plot) and the test accuracy in words.
 */
import { lineChartSvg } from 'fovea';

/** One report from the worker: a training span (loss, batch accuracy) and/or an end-of-epoch test. */
export interface TrainPoint {
  step: number;
  loss: number;
  accuracy: number;
  /** Accuracy on the test digits, measured at the end of `epoch`. */
  test?: number;
  epoch?: number;
}

/** The loss and accuracy charts as SVG, sized for the panel. */
export function trainCharts(points: readonly TrainPoint[]): { loss: string; accuracy: string } {
  const x = points.map((p) => p.step);
  const opts = { x, xLabel: 'step', width: 400, height: 220 };
  return {
    // A loss never goes below 0; the axis is otherwise zoomed to the curve, so its late, small changes stay visible.
    loss: lineChartSvg([{ label: 'train loss', values: points.map((p) => p.loss) }], { ...opts, yLabel: 'cross-entropy', yLimits: [0, Infinity] }),
    accuracy: lineChartSvg([
      { label: 'train (batches)', values: points.map((p) => p.accuracy) },
      { label: 'test', values: points.map((p) => p.test), dashed: true, connectGaps: true },
    ], { ...opts, yLabel: 'accuracy', yLimits: [0, 1], yFormat: 'percent' }),
  };
}

/**
 * The run's test accuracy in words, for the status line when training ends.
 * The worker tests at the end of each epoch only, so after a stop in the
 * middle of an epoch the sentence says which weights were tested.
 *
 * @example testAccuracySentence(points, 1000, 940)   // 'Test accuracy: 97.30% on 1,000 test digits (the final weights, after epoch 3).'
 */
export function testAccuracySentence(points: readonly TrainPoint[], testCount: number, finalStep: number): string {
  const last = [...points].reverse().find((p) => p.test !== undefined);
  if (!last) return 'Stopped before the first epoch ended, so the model has not been tested yet.';
  const acc = `${(100 * last.test!).toFixed(2)}% on ${testCount.toLocaleString('en-US')} test digits`;
  const epoch = last.epoch !== undefined ? `epoch ${last.epoch}` : `step ${last.step}`;
  if (last.step === finalStep) return `Test accuracy: ${acc} (the final weights, after ${epoch}).`;
  return `Test accuracy: ${acc}, measured at the end of ${epoch} (step ${last.step}); the weights trained on to step ${finalStep} have not been tested.`;
}
