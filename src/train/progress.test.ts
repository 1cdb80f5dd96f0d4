import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, ProgressBar } from './progress.js';

function fakeTerminal(): { stream: { isTTY: boolean; write: (s: string) => boolean }; lines: string[] } {
  const lines: string[] = [];
  return { stream: { isTTY: true, write: (s: string) => lines.push(s) > 0 }, lines };
}

test('the time left: after a second of a task, from its own pace; a new task starts its own clock', () => {
  const { stream, lines } = fakeTerminal();
  let t = 0;
  const bar = new ProgressBar(stream, 10, () => t);
  bar.update(0, 100, 'features');
  assert.doesNotMatch(lines.at(-1)!, /ETA/);
  t = 500;
  bar.update(10, 100, 'features');
  assert.doesNotMatch(lines.at(-1)!, /ETA/, 'no estimate before a second has passed');
  t = 2000;
  bar.update(20, 100, 'features');
  assert.match(lines.at(-1)!, /20\/100 features {2}ETA 8s/, '20 done in 2 s: 80 more take 8 s');
  t = 2050;
  const before = lines.length;
  bar.update(21, 100, 'features');
  assert.equal(lines.length, before, 'at most ten redraws a second');
  t = 3000;
  bar.update(100, 100, 'features');
  assert.doesNotMatch(lines.at(-1)!, /ETA/, 'finished: nothing left');
  bar.done();
  t = 4000;
  bar.update(1, 50, 'epoch 1');
  t = 6000;
  bar.update(5, 50, 'epoch 1');
  assert.match(lines.at(-1)!, /ETA 23s/, 'the new task: 4 more done in the 2 s since it started, 45 left');
});

test('silent when the stream is not a terminal', () => {
  const lines: string[] = [];
  const bar = new ProgressBar({ isTTY: false, write: (s: string) => lines.push(s) > 0 });
  bar.update(1, 2, 'x');
  bar.done();
  assert.equal(lines.length, 0);
});

test('durations read as a person would say them', () => {
  assert.equal(formatDuration(8_000), '8s');
  assert.equal(formatDuration(65_000), '1m05s');
  assert.equal(formatDuration(7_380_000), '2h03m');
});
