import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracySentence, makerCharts } from './maker-results.js';

test('accuracySentence: accuracy beside chance, what it was measured on, and that the kept epoch was chosen on it', () => {
  assert.equal(accuracySentence({ valAccuracy: 12 / 18, valCount: 18, trainCount: 54, bestEpoch: 15 }, 3),
    'Validation accuracy: 66.7% on 18 held-out photos (chance: 33.3%), with the weights of epoch 15, the best on these photos (so the figure is slightly optimistic); trained on 54 photos.');
  assert.match(accuracySentence({ valAccuracy: null, valCount: 0, trainCount: 4, bestEpoch: 0 }, 2), /no photo was held out, so the classifier has not been validated/);
});

test('makerCharts: a loss curve and train / validation accuracy curves per epoch', () => {
  const charts = makerCharts([
    { epoch: 1, trainLoss: 1.1, trainAccuracy: 0.4, valAccuracy: 0.5 },
    { epoch: 2, trainLoss: 0.8, trainAccuracy: 0.7, valAccuracy: null },
  ]);
  assert.match(charts.loss, /^<svg/);
  assert.match(charts.loss, /train loss/);
  assert.match(charts.loss, />epoch</);
  assert.match(charts.accuracy, /validation/);
  assert.match(charts.accuracy, /train/);
});
