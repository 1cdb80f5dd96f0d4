import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChartLayout } from 'fovea';
import { testAccuracySentence, trainCharts, type TrainPoint } from './train-charts.js';

/** A run late in training: batch accuracy 95–99%, tests at the end of each of 3 epochs. */
function run(): TrainPoint[] {
  const points: TrainPoint[] = [];
  for (let i = 1; i <= 30; i++) points.push({ step: i * 25, loss: 0.2 / i + 0.03, accuracy: 0.95 + 0.04 * (1 - 1 / i) });
  for (const [k, acc] of [[9, 0.962], [19, 0.971], [29, 0.978]] as const) Object.assign(points[k]!, { test: acc, epoch: (k + 1) / 10 });
  return points;
}

test('the live accuracy chart zooms to the curves with percent ticks; its legend is above the plot', () => {
  const { accuracy, loss } = trainCharts(run());
  const ticks = [...accuracy.matchAll(/>([\d.]+)%<\/text>/g)].map((m) => Number(m[1]));
  assert.ok(ticks.length >= 3 && Math.min(...ticks) >= 90 && Math.max(...ticks) <= 100, `accuracy ticks ${ticks}`);
  assert.ok(!accuracy.includes('>0%<'), 'not a 0–100% axis');
  assert.equal(accuracy.match(/<polyline /g)?.length, 2, 'the per-epoch tests are joined into a line too');
  const lossTicks = [...loss.matchAll(/text-anchor="end" fill="#444444">([\d.]+)<\/text>/g)].map((m) => Number(m[1]));
  assert.ok(lossTicks.length >= 3 && Math.max(...lossTicks) <= 0.3, `loss ticks ${lossTicks}`);
  // The same layout as drawn: legend above the frame.
  const L = lineChartLayout([{ label: 'train (batches)', values: [0.95] }, { label: 'test', values: [0.96] }], { width: 400, height: 220 });
  assert.ok(L.legend.y + L.legend.height <= L.plot.y && L.legend.x >= 0);
  // An empty run (before the first report) still draws.
  assert.match(trainCharts([]).accuracy, /^<svg /);
});

test('the closing sentence states the test accuracy and which weights it measured', () => {
  const points = run();
  assert.equal(testAccuracySentence(points, 1000, 750), 'Test accuracy: 97.80% on 1,000 test digits (the final weights, after epoch 3).');
  assert.equal(testAccuracySentence(points.slice(0, 25), 1000, 625),
    'Test accuracy: 97.10% on 1,000 test digits, measured at the end of epoch 2 (step 500); the weights trained on to step 625 have not been tested.');
  assert.match(testAccuracySentence(points.slice(0, 5), 1000, 125), /not been tested yet/);
});

test('a long run labels its steps 2k, 4k … on the x axis, never run together', () => {
  const points: TrainPoint[] = [];
  for (let s = 25; s <= 9451; s += 25) points.push({ step: s, loss: 1 / s, accuracy: 0.9 });
  const { loss } = trainCharts(points);
  const xLabels = [...loss.matchAll(/text-anchor="middle" fill="#444444">([^<]+)<\/text>/g)].map((m) => m[1]!);
  assert.ok(xLabels.length >= 3, loss.slice(0, 200));
  assert.ok(xLabels.every((l) => /^(\d+(\.\d)?k|\d{1,3})$/.test(l)), `x labels ${xLabels}`);
  assert.ok(xLabels.some((l) => l.endsWith('k')));
});
