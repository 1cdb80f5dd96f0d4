// fit's per-step options: gradient clipping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader } from '../data/data-loader.js';
import { loadMnist, NORMALIZATION } from '../data/mnist-dataset.js';
import { Flatten } from '../nn/flatten.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { SGD } from '../optim/sgd.js';
import { manualSeed } from '../util/random.js';
import { fit } from './fit.js';

const digits = loadMnist({ train: true }).subset(Int32Array.from({ length: 32 }, (_, i) => i));

/** One SGD step (lr 1, no momentum, no decay) from the same weights; returns how far the weights moved (L2). */
async function stepLength(clipGradNorm?: number): Promise<number> {
  manualSeed(7);
  const net = new Sequential({ flatten: new Flatten(), fc: new Linear(784, 10) });
  const before = net.parameters().map((p) => Float32Array.from(p.data));
  const optimizer = new SGD(net.parameters(), { lr: 1, momentum: 0, weightDecay: 0 });
  const train = new DataLoader(digits, { batchSize: 32, normalize: NORMALIZATION.mnist });
  await fit(net, { epochs: 1, optimizer, train, numClasses: 10, ...(clipGradNorm !== undefined ? { clipGradNorm } : {}) });
  let sq = 0;
  net.parameters().forEach((p, k) => p.data.forEach((v, i) => (sq += (v - before[k]![i]!) ** 2)));
  return Math.sqrt(sq);
}

test('clipGradNorm rescales the gradients to that L2 norm before the step (torch.nn.utils.clip_grad_norm_)', async () => {
  const free = await stepLength();
  assert.ok(free > 0.5, `the unclipped step moves the weights by ${free}`);
  const clipped = await stepLength(0.25);
  assert.ok(Math.abs(clipped - 0.25) < 1e-3, `with lr 1 the clipped step has length ${clipped}, expected 0.25`);
  assert.ok(Math.abs((await stepLength(1e6)) - free) < 1e-6, 'a bound above the norm changes nothing');
  await assert.rejects(stepLength(0), /fit: clipGradNorm must be a positive number, got 0/);
  await assert.rejects(stepLength(NaN), /clipGradNorm must be a positive number, got NaN/);
});
