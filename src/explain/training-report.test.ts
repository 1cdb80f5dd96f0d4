import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfusionMatrix } from '../train/metrics.js';
import { pageFiles } from './html-page.js';
import { trainingReport, type ReportEpoch } from './training-report.js';
import { reportDirFor, writeTrainingReport } from './write-training-report-node.js';

const tmp = mkdtempSync(join(tmpdir(), 'fovea-report-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const history: ReportEpoch[] = [
  { epoch: 1, trainLoss: 1.2, trainAccuracy: 0.6, valLoss: 0.8, valAccuracy: 0.7 },
  { epoch: 2, trainLoss: 0.7, trainAccuracy: 0.75, valLoss: 0.6, valAccuracy: 0.78 },
];

function confusion(): ConfusionMatrix {
  const cm = new ConfusionMatrix(3);
  cm.addBatch(Float32Array.of(1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1), [0, 1, 2, 2]);
  return cm;
}

test('the training report has loss and accuracy curves and the confusion matrix', () => {
  const cm = confusion();
  const page = trainingReport({ title: 'lenet on mnist', history, classNames: ['cat', 'dog', 'bird'], test: { accuracy: cm.accuracy, loss: 0.5, count: cm.total, confusion: cm } });
  assert.deepEqual(pageFiles(page), ['loss.svg', 'accuracy.svg', 'confusion-matrix.svg']);
  assert.match(page.intro!.join('\n'), /Test set: accuracy 75\.00%, loss 0\.5000, 4 images/);
  const [loss, acc] = page.sections[0]!.figures.map((f) => f.content as string);
  assert.equal(loss!.match(/<polyline /g)!.length, 2, 'train and validation');
  assert.ok(acc!.includes('>validation</text>'));
  const matrix = page.sections[1]!.figures[0]!.content as string;
  for (const n of ['cat', 'dog', 'bird']) assert.ok(matrix.includes(`>${n}</text>`));
  // Without validation or test results: train curves only, no matrix.
  const bare = trainingReport({ title: 't', history: [{ epoch: 1, trainLoss: 1, trainAccuracy: 0.5 }], classNames: [] });
  assert.deepEqual(pageFiles(bare), ['loss.svg', 'accuracy.svg']);
  assert.ok(!(bare.sections[0]!.figures[0]!.content as string).includes('validation'));
});

test('writeTrainingReport writes <name>.report/report.html and its charts beside the model file', async () => {
  assert.equal(reportDirFor(join('runs', 'lenet.fovea')), join('runs', 'lenet.report'));
  assert.equal(reportDirFor('model'), 'model.report');
  const cm = confusion();
  const html = await writeTrainingReport(join(tmp, 'small.fovea'), { title: 'x', history, classNames: ['a', 'b', 'c'], test: { accuracy: 0.75, loss: 0.5, count: 4, confusion: cm } });
  assert.equal(html, join(tmp, 'small.report', 'report.html'));
  assert.deepEqual(readdirSync(join(tmp, 'small.report')).sort(), ['accuracy.svg', 'confusion-matrix.svg', 'loss.svg', 'report.html']);
  const text = readFileSync(html, 'utf8');
  for (const f of ['loss.svg', 'accuracy.svg', 'confusion-matrix.svg']) assert.ok(text.includes(`src="${f}"`), f);
});
