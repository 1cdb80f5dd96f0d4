import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { svgToPng } from './encode-png-node.js';
import { escapeXml } from './escape-xml.js';
import { formatNumber } from './format-number.js';
import { lineChartLayout, lineChartSvg, niceTicks, type ChartBox } from './line-chart-svg.js';
import { estimateTextWidth } from './nice-axis.js';
import { probabilityChartSvg } from './probability-chart-svg.js';

/**
 * A tiny well-formedness check: one root <svg>, every tag closed in order,
 * attribute values quoted, no stray '<' or '&' in text.
 */
function assertWellFormedSvg(svg: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let roots = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const text = svg.slice(last, m.index);
    assert.ok(!text.includes('<') && !/&(?!amp;|lt;|gt;|quot;|#39;)/.test(text), `bad text before ${m[0]}: ${JSON.stringify(text)}`);
    last = tag.lastIndex;
    const [, close, name, , selfClose] = m;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong tag`);
    else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  assert.equal(svg.slice(last).trim(), '', 'nothing after the root');
  assert.deepEqual(stack, [], 'unclosed tags');
  assert.equal(roots, 1, 'one root element');
}

const names = ['T-shirt/top', 'Trouser', 'A & B <c>', 'Dress'];

test('the probability chart shows the top-K classes, best first, with names and percentages', () => {
  const svg = probabilityChartSvg([0.1, 0.6, 0.25, 0.05], names, { topK: 3, title: 'digit7.png' });
  assertWellFormedSvg(svg);
  const order = ['Trouser', 'A &amp; B &lt;c&gt;', 'T-shirt/top'].map((n) => svg.indexOf(`>${n}</text>`));
  assert.ok(order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!, `names in rank order: ${order}`);
  assert.ok(!svg.includes('>Dress<'), 'only the top 3');
  for (const p of ['60.0%', '25.0%', '10.0%']) assert.ok(svg.includes(`>${p}</text>`), p);
  assert.equal(svg.match(/<rect /g)!.length, 1 + 3, 'background + 3 bars');
  assert.throws(() => probabilityChartSvg([1], names), /1 probabilities but 4 class names/);
});

test('line charts: well-formed with one epoch or many, validation dashed, gaps break the line', () => {
  const one = lineChartSvg([{ label: 'train', values: [0.7] }, { label: 'validation', values: [0.6], dashed: true }], { title: 'loss' });
  assertWellFormedSvg(one);
  assert.equal(one.match(/<circle /g)!.length, 2, 'a single epoch still shows its points');
  const many = lineChartSvg([{ label: 'train', values: [2.3, 1.1, 0.5, 0.3] }, { label: 'val', values: [2, undefined, 0.6, 0.5], dashed: true }],
    { title: 'a <loss> & more', yLabel: 'cross-entropy' });
  assertWellFormedSvg(many);
  assert.equal(many.match(/<polyline /g)!.length, 2, 'train: one line; val: [2] alone, then [0.6, 0.5]');
  assert.ok(many.includes('stroke-dasharray'));
  assert.ok(many.includes('a &lt;loss&gt; &amp; more'));
  const sparse = lineChartSvg([{ label: 'test', values: [undefined, 0.9, undefined, undefined, 0.95], connectGaps: true }]);
  assert.equal(sparse.match(/<polyline /g)!.length, 1, 'connectGaps: one line through the sparse values');
  const dense = lineChartSvg([{ label: 'train', values: Array.from({ length: 100 }, (_, i) => 1 / (i + 1)) }]);
  assert.equal(dense.match(/<circle /g), null, 'no marker on each of 100 points');
  assert.deepEqual(niceTicks(0.13, 2.4), [0, 0.5, 1, 1.5, 2, 2.5]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.ok(niceTicks(5, 5).length >= 2);
});

/** Whether segment a–b crosses or touches box r (Liang–Barsky clipping). */
function segmentHitsBox(a: number[], b: number[], r: ChartBox): boolean {
  let t0 = 0, t1 = 1;
  const [dx, dy] = [b[0]! - a[0]!, b[1]! - a[1]!];
  for (const [p, q] of [[-dx, a[0]! - r.x], [dx, r.x + r.width - a[0]!], [-dy, a[1]! - r.y], [dy, r.y + r.height - a[1]!]] as const) {
    if (p === 0) { if (q < 0) return false; continue; }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t); else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

test('line charts: the legend covers no line, every point lies inside the frame, tick labels do not collide', () => {
  const acc = (n: number, top: number): number[] => Array.from({ length: n }, (_, i) => top - 0.3 * Math.exp(-i));
  const cases = [
    // Curves hugging the top right (where a legend used to sit), one epoch, 200 epochs, a long title, a narrow web chart.
    { series: [{ label: 'train', values: acc(10, 0.995) }, { label: 'validation', values: acc(10, 0.988), dashed: true }], o: { title: 'accuracy', yLimits: [0, 1] as const, yFormat: 'percent' as const, yLabel: 'accuracy' } },
    { series: [{ label: 'train', values: [0.7] }, { label: 'validation', values: [0.7], dashed: true }], o: { title: 'loss' } },
    { series: [{ label: 'train', values: acc(200, 0.99) }], o: { title: 'a rather long title for a chart that also has a legend', yLabel: 'accuracy', yFormat: 'percent' as const } },
    { series: [{ label: 'train (batches)', values: acc(40, 0.97) }, { label: 'test', values: acc(40, 0.96), dashed: true }], o: { x: Array.from({ length: 40 }, (_, i) => (i + 1) * 250), xLabel: 'step', width: 400, height: 220, yLimits: [0, 1] as const, yFormat: 'percent' as const } },
  ];
  for (const { series, o } of cases) {
    const L = lineChartLayout(series, o);
    const svg = lineChartSvg(series, o);
    assertWellFormedSvg(svg);
    const { plot, legend } = L;
    assert.ok(legend.y + legend.height <= plot.y, 'the legend is above the frame');
    assert.ok(legend.x >= 0 && legend.x + legend.width <= L.width, 'the legend is inside the picture');
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number)));
    assert.ok(lines.length >= (series[0]!.values.length > 1 ? 1 : 0));
    for (const pts of lines) {
      for (const [x, y] of pts) assert.ok(x! > plot.x && x! < plot.x + plot.width && y! > plot.y && y! < plot.y + plot.height, `point ${x},${y} inside the frame`);
      for (let i = 1; i < pts.length; i++) assert.ok(!segmentHitsBox(pts[i - 1]!, pts[i]!, legend), 'no line under the legend');
    }
    // y labels: at least a line of text apart, and the widest fits left of the frame.
    const ys = L.yAxis.ticks.map(L.py);
    for (let i = 1; i < ys.length; i++) assert.ok(ys[i - 1]! - ys[i]! >= 14, `y labels ${(ys[i - 1]! - ys[i]!).toFixed(1)} px apart`);
    for (const l of L.yAxis.labels) assert.ok(plot.x - 6 - estimateTextWidth(l) >= (o.yLabel ? 20 : 0), `'${l}' fits left of the frame`);
    // x labels: centred on their ticks, not touching.
    const xs = L.xAxis.ticks.map(L.px);
    for (let i = 1; i < xs.length; i++) {
      const need = (estimateTextWidth(L.xAxis.labels[i]!) + estimateTextWidth(L.xAxis.labels[i - 1]!)) / 2;
      assert.ok(xs[i]! - xs[i - 1]! > need + 4, `x labels '${L.xAxis.labels[i - 1]}', '${L.xAxis.labels[i]}' overlap`);
    }
  }
});

test('the confusion matrix heat map has every class name and every non-zero count', () => {
  const counts = [50, 2, 0, 0, 1, 40, 3, 0, 0, 0, 30, 7, 9, 0, 0, 20];
  const svg = confusionMatrixSvg(counts, names, { title: 'test set' });
  assertWellFormedSvg(svg);
  for (const n of names.map(escapeXml)) assert.equal(svg.split(`>${n}</text>`).length - 1, 2, `${n} labels a row and a column`);
  for (const c of counts.filter((c) => c > 0)) assert.ok(svg.includes(`>${c}</text>`), `count ${c}`);
  assert.equal(svg.match(/<rect x=/g)!.length, 16 + 1, 'one cell per pair + the frame');
  assert.throws(() => confusionMatrixSvg([1, 2, 3], names), /3 counts, but 4 classes need 16/);
});

test('SVG charts render to PNG with sharp; numbers are short', async () => {
  const png = await svgToPng(probabilityChartSvg([0.9, 0.1, 0, 0], names));
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 840, '420 px at 144 dpi');
  assert.deepEqual([-0.52341, 12, 0.00042, 123456, 0].map(formatNumber), ['-0.523', '12', '4.2e-4', '1.2e+5', '0']);
});
