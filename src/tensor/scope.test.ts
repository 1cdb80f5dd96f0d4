import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lenet } from '../nn/models.js';
import { SGD } from '../optim/sgd.js';
import { randn } from './ops/creation.js';
import { crossEntropy } from './ops/loss.js';
import { scope } from './scope.js';

test('scope releases intermediates, keeps the result (detached) and parameters', () => {
  const model = lenet();
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([4, 1, 28, 28]);
  let inner: ReturnType<typeof model.forward> | null = null;
  const loss = scope(() => {
    inner = model.forward(x);
    const l = crossEntropy(inner, [1, 2, 3, 4]);
    l.backward();
    opt.step();
    return l;
  });
  assert.ok(Number.isFinite(loss.item()));
  assert.equal(loss.gradFn, null);
  assert.throws(() => inner!.data, /released at the end of the scope/);
  for (const p of model.parameters()) {
    assert.ok(p.data.length > 0);
    assert.ok(p.grad && p.grad.data.length === p.numel());
  }
});

test('memory stays flat over many training steps', () => {
  const model = lenet();
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([16, 1, 28, 28]);
  const y = Array.from({ length: 16 }, (_, i) => i % 10);
  const step = (): void => scope(() => {
    opt.zeroGrad(false);
    crossEntropy(model.forward(x), y).backward();
    opt.step();
  });
  for (let i = 0; i < 30; i++) step();
  global.gc?.();
  const before = process.memoryUsage();
  for (let i = 0; i < 300; i++) step();
  global.gc?.();
  const after = process.memoryUsage();
  const grown = (after.rss - before.rss) / 1e6;
  assert.ok(grown < 40, `rss grew by ${grown.toFixed(1)} MB over 300 steps`);
});
