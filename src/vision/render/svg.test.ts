import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { confusionMatrixSvg } from './confusion-matrix-svg.js';
import { svgToPng } from './encode-png-node.js';
import { escapeXml } from './escape-xml.js';
import { formatNumber } from './format-number.js';
import { lineChartSvg, niceTicks } from './line-chart-svg.js';
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
  assert.deepEqual(niceTicks(0.13, 2.4), [0, 0.5, 1, 1.5, 2, 2.5]);
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.ok(niceTicks(5, 5).length >= 2);
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
