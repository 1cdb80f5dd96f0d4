import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateTextWidth, niceAxis, niceStep, niceTicks, tickLabels } from './nice-axis.js';

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;

test('niceStep walks the 1-2-5 series', () => {
  assert.deepEqual([0.0064, 0.01, 0.011, 0.03, 0.07, 3, 12].map(niceStep), [0.01, 0.01, 0.02, 0.05, 0.1, 5, 20]);
  assert.deepEqual(niceTicks(0.13, 2.4), [0, 0.5, 1, 1.5, 2, 2.5]);
});

test('an accuracy axis zooms to where the curves live: 96.2%–99.1% gives 96%–100% in 1% steps', () => {
  const a = niceAxis([0.962, 0.975, 0.983, 0.991], { limits: [0, 1], format: 'percent' });
  assert.ok(a.min >= 0.95 - 1e-9 && a.max <= 1 + 1e-9, `axis ${a.min}–${a.max}`);
  assert.ok(close(a.step, 0.01), `step ${a.step}`);
  assert.deepEqual(a.ticks, [0.96, 0.97, 0.98, 0.99, 1]);
  assert.deepEqual(a.labels, ['96%', '97%', '98%', '99%', '100%']);
  // No value sits on the frame: at least 4% of the range free at both ends.
  assert.ok(0.962 - a.min >= 0.04 * (a.max - a.min) && a.max - 0.991 >= 0.04 * (a.max - a.min));
});

test('a value at a limit still keeps off the frame; no tick goes past the limit', () => {
  const a = niceAxis([0.97, 0.99, 1], { limits: [0, 1], format: 'percent' });
  assert.ok(a.max > 1, 'the range reaches a little past 100%');
  assert.ok(a.ticks.every((t) => t <= 1) && a.ticks.includes(1));
  const loss = niceAxis([0.31, 0.33, 0.34], { limits: [0, Infinity] });
  assert.ok(loss.min > 0.25 && loss.min <= 0.3, `a loss living in 0.31–0.34 is not squashed against 0: ${loss.min}`);
  const steep = niceAxis([2.3, 0.9, 0.12], { limits: [0, Infinity] });
  assert.ok(steep.ticks[0] === 0 && steep.ticks.every((t) => t >= 0), `${steep.ticks}`);
});

test('degenerate ranges give a sane axis: one value, constant values, no values', () => {
  for (const [values, limits] of [[[0.98], [0, 1]], [[1, 1, 1], [0, 1]], [[0, 0], [0, 1]], [[0.5, 0.5], [0, Infinity]], [[], [0, 1]], [[NaN, undefined], undefined]] as const) {
    const a = niceAxis(values, limits ? { limits } : {});
    assert.ok(Number.isFinite(a.min) && Number.isFinite(a.max) && a.max > a.min, `${JSON.stringify(values)}: ${a.min}–${a.max}`);
    assert.ok(a.ticks.length >= 2, `${JSON.stringify(values)}: ticks ${a.ticks}`);
    for (const v of values) if (Number.isFinite(v)) assert.ok(v! > a.min && v! < a.max, `${v} inside ${a.min}–${a.max}`);
  }
  const oneEpoch = niceAxis([1], { extent: 'data', integer: true });
  assert.deepEqual(oneEpoch.ticks, [1]);
  assert.ok(oneEpoch.min < 1 && oneEpoch.max > 1);
});

test('labels share one precision and never collide on the axis they get', () => {
  assert.deepEqual(tickLabels([0.95, 0.975, 1], 0.025, 'percent'), ['95.0%', '97.5%', '100.0%']);
  assert.deepEqual(tickLabels([0, 0.05, 0.1], 0.05), ['0.00', '0.05', '0.10']);
  assert.deepEqual(tickLabels([-0.0000000001, 1], 1), ['0', '1']);
  // Epochs 1..200 on a 400 px x axis: thinned until the labels have room.
  const epochs = Array.from({ length: 200 }, (_, i) => i + 1);
  for (const length of [120, 400, 900]) {
    const x = niceAxis(epochs, { extent: 'data', integer: true, count: 10, length, direction: 'x' });
    const pos = x.ticks.map((t) => ((t - x.min) / (x.max - x.min)) * length);
    for (let i = 1; i < pos.length; i++) {
      const room = pos[i]! - pos[i - 1]!;
      const need = (estimateTextWidth(x.labels[i]!) + estimateTextWidth(x.labels[i - 1]!)) / 2;
      assert.ok(room > need + 4, `length ${length}: '${x.labels[i - 1]}' and '${x.labels[i]}' ${room.toFixed(1)} px apart, need ${need.toFixed(1)}`);
    }
    assert.ok(x.ticks.every(Number.isInteger) && x.ticks.length >= 2);
  }
  // A short y axis gets fewer ticks, each a line of text apart.
  const y = niceAxis([0.1, 2.3], { length: 60, fontSize: 11 });
  const gap = (y.step / (y.max - y.min)) * 60;
  assert.ok(gap >= 11 * 1.5, `${gap.toFixed(1)} px between y labels`);
});

test('compact labels write long step counts as 1k, 1.5k, 2M, and short ones as they are', () => {
  assert.deepEqual(tickLabels([0, 1000, 2000, 3000], 1000, 'compact'), ['0', '1k', '2k', '3k']);
  assert.deepEqual(tickLabels([0, 500, 1000, 1500], 500, 'compact'), ['0', '0.5k', '1k', '1.5k']);
  assert.deepEqual(tickLabels([2e6, 2.5e6, 3e6], 5e5, 'compact'), ['2M', '2.5M', '3M']);
  assert.deepEqual(tickLabels([0, 200, 400, 600], 200, 'compact'), ['0', '200', '400', '600']);
  // 9,451 steps on a 330 px axis: round thousands, labels apart (the "9451000" of two labels run together cannot happen).
  const axis = niceAxis([25, 9451], { extent: 'data', padding: 0, count: 15, length: 330, direction: 'x', integer: true, format: 'compact' });
  assert.ok(axis.labels.every((l) => /^(0|\d+(\.\d)?k)$/.test(l)), axis.labels.join(' '));
  const px = (t: number): number => ((t - axis.min) / (axis.max - axis.min)) * 330;
  for (let i = 1; i < axis.ticks.length; i++) {
    const gap = px(axis.ticks[i]!) - px(axis.ticks[i - 1]!);
    assert.ok(gap >= (estimateTextWidth(axis.labels[i]!) + estimateTextWidth(axis.labels[i - 1]!)) / 2 + 4, `labels ${axis.labels[i - 1]} and ${axis.labels[i]} are ${gap}px apart`);
  }
});
