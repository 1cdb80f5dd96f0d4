import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { DataLoader } from '../data/data-loader.js';
import { ImageDataset } from '../data/dataset.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { ReLU } from '../nn/activation.js';
import { Sequential } from '../nn/sequential.js';
import { evaluate } from '../train/evaluate.js';
import { manualSeed } from '../util/random.js';
import { tensor } from '../tensor/ops/creation.js';
import { ConfusionMatrix } from '../train/metrics.js';
import { pageFiles, pageHtml } from './html-page.js';
import { datasetExample, mistakesView, testMistakes } from './mistakes-view.js';
import { evaluationReport, resultSentence, trainingReport, type ReportEpoch } from './training-report.js';
import { writePage } from './write-page-node.js';
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
  assert.deepEqual(pageFiles(page), ['loss.svg', 'loss.png', 'accuracy.svg', 'accuracy.png', 'confusion-matrix.svg', 'confusion-matrix.png']);
  assert.equal(page.intro![0], 'Test accuracy: 75.00% on 4 images (best validation epoch 2 of 2; test loss 0.5000).', 'the result first, in words');
  const [loss, acc] = page.sections[0]!.figures.map((f) => f.content as string);
  assert.equal(loss!.match(/<polyline /g)!.length, 2, 'train and validation');
  assert.ok(acc!.includes('>validation</text>'));
  // Accuracy 60%–78%: the axis zooms there (no 0%), with percent labels.
  assert.ok(acc!.includes('>80%</text>') && acc!.includes('>60%</text>') && !acc!.includes('>0%</text>'), 'zoomed percent axis');
  const matrix = page.sections[1]!.figures[0]!.content as string;
  for (const n of ['cat', 'dog', 'bird']) assert.ok(matrix.includes(`>${n}</text>`));
  // Without validation or test results: train curves only, no matrix.
  const bare = trainingReport({ title: 't', history: [{ epoch: 1, trainLoss: 1, trainAccuracy: 0.5 }], classNames: [] });
  assert.deepEqual(pageFiles(bare), ['loss.svg', 'loss.png', 'accuracy.svg', 'accuracy.png']);
  assert.ok(!(bare.sections[0]!.figures[0]!.content as string).includes('validation'));
});

test('the result sentence: the test accuracy with the best validation epoch, else the validation accuracy', () => {
  const long: ReportEpoch[] = Array.from({ length: 10 }, (_, i) => ({ epoch: i + 1, trainLoss: 0.1, trainAccuracy: 0.97 + i * 0.002, valLoss: 0.1, valAccuracy: [0.97, 0.975, 0.98, 0.982, 0.985, 0.986, 0.989, 0.989, 0.988, 0.987][i]! }));
  const test = { accuracy: 0.98844, loss: 0.0391, count: 10000, confusion: { counts: [] } };
  assert.equal(resultSentence({ history: long, test }), 'Test accuracy: 98.84% on 10,000 images (best validation epoch 7 of 10; test loss 0.0391).');
  assert.equal(resultSentence({ history: long, test, bestEpoch: 8 }), 'Test accuracy: 98.84% on 10,000 images (best validation epoch 8 of 10; test loss 0.0391).');
  assert.equal(resultSentence({ history: long }), 'Validation accuracy: 98.90% (best validation epoch 7 of 10); no test set.');
  const noVal = long.map(({ epoch, trainLoss, trainAccuracy }) => ({ epoch, trainLoss, trainAccuracy }));
  assert.equal(resultSentence({ history: noVal, test, bestEpoch: 10 }), 'Test accuracy: 98.84% on 10,000 images (after 10 epochs; test loss 0.0391).');
  assert.equal(resultSentence({ history: noVal }), undefined);
  const acc = trainingReport({ title: 't', history: long, classNames: [] }).sections[0]!.figures[1]!.content as string;
  const ticks = [...acc.matchAll(/>([\d.]+)%<\/text>/g)].map((m) => Number(m[1]));
  assert.ok(ticks.length >= 3 && Math.min(...ticks) >= 95 && Math.max(...ticks) <= 100, `a 97%–99% run gets an axis near 97%–99%, not 0–100%: ${ticks}`);
});

/** Width, height and how much of a PNG is not white, and how many pixels are strongly coloured (a blue or red curve, a shaded cell). */
async function pngStats(file: string): Promise<{ width: number; height: number; inked: number; coloured: number }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let inked = 0, coloured = 0;
  for (let i = 0; i < data.length; i += 3) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (r < 235 || g < 235 || b < 235) inked++;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
  }
  const n = info.width * info.height;
  return { width: info.width, height: info.height, inked: inked / n, coloured: coloured / n };
}

test('writeTrainingReport writes <name>.report/report.html and its charts beside the model file', async () => {
  assert.equal(reportDirFor(join('runs', 'lenet.fovea')), join('runs', 'lenet.report'));
  assert.equal(reportDirFor('model'), 'model.report');
  const cm = confusion();
  const html = await writeTrainingReport(join(tmp, 'small.fovea'), { title: 'x', history, classNames: ['a', 'b', 'c'], test: { accuracy: 0.75, loss: 0.5, count: 4, confusion: cm } });
  assert.equal(html, join(tmp, 'small.report', 'report.html'));
  assert.deepEqual(readdirSync(join(tmp, 'small.report')).sort(),
    ['accuracy.png', 'accuracy.svg', 'confusion-matrix.png', 'confusion-matrix.svg', 'loss.png', 'loss.svg', 'report.html']);
  const text = readFileSync(html, 'utf8');
  for (const f of ['loss', 'accuracy', 'confusion-matrix']) {
    assert.ok(text.includes(`src="${f}.svg"`), `${f}.svg shown`);
    assert.ok(text.includes(`href="${f}.png"`), `${f}.png linked`);
  }
  // The PNGs: the SVG's size at twice the pixels, and real drawing on them (not a blank or failed render).
  for (const [f, width, height] of [['loss', 960, 600], ['accuracy', 960, 600]] as const) {
    const st = await pngStats(join(tmp, 'small.report', `${f}.png`));
    assert.deepEqual([st.width, st.height], [width, height], f);
    assert.ok(st.inked > 0.02 && st.inked < 0.5, `${f}: ${(st.inked * 100).toFixed(1)}% drawn`);
    assert.ok(st.coloured > 0.001, `${f}: the coloured curves are there (${(st.coloured * 100).toFixed(2)}%)`);
  }
  const svgSize = (svg: string): number[] => [...svg.matchAll(/^<svg [^>]*width="(\d+)" height="(\d+)"/g)].flatMap((m) => [Number(m[1]) * 2, Number(m[2]) * 2]);
  const m = await pngStats(join(tmp, 'small.report', 'confusion-matrix.png'));
  assert.deepEqual([m.width, m.height], svgSize(readFileSync(join(tmp, 'small.report', 'confusion-matrix.svg'), 'utf8')));
  assert.ok(m.inked > 0.05 && m.coloured > 0.02, `matrix: ${(m.inked * 100).toFixed(1)}% drawn, ${(m.coloured * 100).toFixed(1)}% shaded cells`);
});

test('the mistakes widget: every kept image of each cell, the maps of the predicted class, embedded in the page; cells are cut to fit maxImages', async () => {
  manualSeed(5);
  const model = new Sequential(new Conv2d(1, 2, 3, { padding: 1 }), new ReLU(), new Flatten(), new Linear(2 * 6 * 6, 3));
  const images = Uint8Array.from({ length: 5 * 36 }, (_, i) => (i * 37) % 256);
  const test = new ImageDataset(images, Int32Array.of(0, 1, 2, 0, 1), [1, 6, 6], ['cat', 'dog', 'bird']);
  const normalize = { mean: [0.5], std: [0.25] };
  const r = evaluate(model, new DataLoader(test, { batchSize: 5, normalize }), 3, { examplesPerCell: 4 });
  const widget = testMistakes(model, test, r, { classNames: test.classNames, normalize });
  const data = widget.data;
  assert.deepEqual(data.examples.map((e) => e.index).sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual(data.tile, [6, 6]);
  assert.equal(data.gradCamLayer, '1', 'the last layer giving maps');
  for (const e of data.examples) {
    assert.equal(test.labels[e.index], e.actual);
    assert.equal(e.top[0]![0], e.predicted, 'the most probable class first');
  }
  const sheet = widget.images['saliency']!;
  assert.equal(sheet.width, 3 * 6, 'five tiles in a 3-column sheet');
  // each cell button says what it holds
  assert.match(widget.html, /data-actual="0" data-predicted="\d" [^>]*title="actual cat, predicted \w+: \d images?"/);
  const cut = mistakesView(model, r.examples!.all(), r.confusion.counts, test.classNames, (i) => datasetExample(test, i, normalize), { maxImages: 3 });
  const kept = cut.data.examples;
  const cells = new Set(r.examples!.all().map((e) => `${e.actual},${e.predicted}`)).size;
  assert.ok(kept.length <= 3 && kept.length >= Math.min(3, cells), `${kept.length} kept of ${cells} cells`);
  // within a cell, the surest are kept
  for (const e of kept) {
    const cell = r.examples!.cell(e.actual, e.predicted).map((x) => x.index);
    assert.ok(cell.indexOf(e.index) < kept.filter((x) => x.actual === e.actual && x.predicted === e.predicted).length, `image ${e.index}`);
  }
  // written: one HTML file with the sprites inside as PNG data URLs and the data as JSON
  const page = evaluationReport({ title: 't', classNames: test.classNames, test: r, mistakes: widget });
  assert.throws(() => pageHtml(page), /no PNG given for the embedded picture 'mistakes-images'/);
  const [html] = (await writePage(join(tmp, 'eval'), page, { htmlName: 'report.html' })).slice(-1);
  const text = readFileSync(html!, 'utf8');
  for (const k of ['images', 'saliency', 'gradcam']) assert.match(text, new RegExp(`\\.mistakes-${k} \\{ background-image: url\\(data:image/png;base64,[A-Za-z0-9+/=]+\\); \\}`));
  assert.deepEqual(JSON.parse(/<script type="application\/json" id="mistakes-data">(.*?)<\/script>/s.exec(text)![1]!).examples, data.examples);
  assert.deepEqual(readdirSync(join(tmp, 'eval')).sort(), ['confusion-matrix.png', 'confusion-matrix.svg', 'report.html']);
});

test('with many classes the mistakes view lists the largest confusions instead of a 45 x 45 table', () => {
  manualSeed(6);
  const n = 45;
  const model = new Sequential(new Conv2d(1, 1, 3, { padding: 1 }), new Flatten(), new Linear(16, n));
  const names = Array.from({ length: n }, (_, i) => `class${i}`);
  const counts = new Int32Array(n * n);
  counts[3 * n + 7] = 5; counts[9 * n + 1] = 8; counts[2 * n + 2] = 50;
  const image = { width: 4, height: 4, channels: 1 as const, data: new Uint8Array(16).fill(100) };
  const input = () => ({ x: tensor(new Float32Array(16).fill(0.4), [1, 1, 4, 4]), image });
  const probs = new Float32Array(n).fill(1 / n);
  const w = mistakesView(model, [{ index: 0, actual: 3, predicted: 7, confidence: 0.5, probabilities: probs }], counts, names, input);
  assert.ok(!w.html.includes('<table'), 'no table');
  const buttons = [...w.html.matchAll(/data-actual="(\d+)" data-predicted="(\d+)">([^<]*)</g)].map((m) => `${m[1]},${m[2]} ${m[3]}`);
  assert.deepEqual(buttons, ['9,1 class9 → class1: 8', '3,7 class3 → class7: 5'], 'off-diagonal cells, largest first');
});
