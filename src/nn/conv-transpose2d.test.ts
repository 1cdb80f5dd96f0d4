import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam } from '../optim/adam.js';
import { ShapeError } from '../errors.js';
import { noGrad } from '../tensor/grad-mode.js';
import { randn } from '../tensor/ops/creation.js';
import { mseLoss } from '../tensor/ops/loss.js';
import { manualSeed } from '../util/random.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv2d.js';
import { ConvTranspose2d } from './conv-transpose2d.js';
import * as F from './functional.js';
import { Sequential } from './sequential.js';
import { moduleFromSpec } from './spec.js';
import { summarize } from './summary.js';

/** A tiny encoder-decoder: 12x12 → 6x6 → 3x3 → 6x6 → 12x12. */
function autoencoder(): Sequential {
  return new Sequential({
    encoder: new Sequential(new Conv2d(1, 4, 3, { stride: 2, padding: 1 }), new ReLU(), new Conv2d(4, 8, 3, { stride: 2, padding: 1 }), new ReLU()),
    decoder: new Sequential(
      new ConvTranspose2d(8, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }), new ReLU(),
      new ConvTranspose2d(4, 1, 4, { stride: 2, padding: 1 }),
    ),
  });
}

test('ConvTranspose2d: PyTorch weight layout, output sizes, and outputShape equal to the real forward', () => {
  const up = new ConvTranspose2d(6, 4, 3, { groups: 2, stride: 2, padding: 1, outputPadding: 1 });
  assert.deepEqual(up.weight.shape, [6, 2, 3, 3]);
  assert.deepEqual(up.bias?.shape, [4]);
  const cases: [ConvTranspose2d, number[], number[]][] = [
    [up, [2, 6, 7, 7], [2, 4, 14, 14]],
    [new ConvTranspose2d(3, 5, 4, { stride: 2, padding: 1 }), [1, 3, 5, 6], [1, 5, 10, 12]],
    [new ConvTranspose2d(3, 5, [3, 2], { stride: [3, 1], padding: [0, 1], dilation: [1, 2] }), [1, 3, 4, 4], [1, 5, 12, 4]],
    [new ConvTranspose2d(2, 2, 3, { dilation: 2, outputPadding: 1, bias: false }), [1, 2, 3, 3], [1, 2, 8, 8]],
  ];
  for (const [m, input, expected] of cases) {
    assert.deepEqual(m.outputShape(input), expected, m.toString());
    assert.deepEqual([...noGrad(() => m.forward(randn(input))).shape], expected, m.toString());
  }
  // the functional twin computes the same thing
  const x = randn([2, 6, 7, 7]);
  const y = F.convTranspose2d(x, up.weight, up.bias, { groups: 2, stride: 2, padding: 1, outputPadding: 1 });
  assert.deepEqual(y.toArray(), up.forward(x).toArray());
});

test('ConvTranspose2d initialises as PyTorch: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = outChannels / groups * kH * kW', () => {
  manualSeed(3);
  const m = new ConvTranspose2d(64, 12, 3, { groups: 2 });
  const bound = 1 / Math.sqrt((12 / 2) * 9);
  for (const t of [m.weight, m.bias!]) {
    const v = t.toArray();
    const max = Math.max(...v.map(Math.abs));
    assert.ok(max <= bound && max > 0.9 * bound, `max |value| ${max}, bound ${bound}`);
  }
  const w = m.weight.toArray();
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
  assert.ok(Math.abs(variance - bound ** 2 / 3) < 0.1 * bound ** 2 / 3, `variance ${variance}`);
});

test('ConvTranspose2d repr shows only the non-default settings; summary lists it', () => {
  assert.equal(new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 }).toString(), 'ConvTranspose2d(16, 8, kernelSize=4, stride=2, padding=1)');
  assert.equal(new ConvTranspose2d(4, 4, [3, 2], { stride: 1, outputPadding: [1, 0], groups: 4, bias: false, dilation: 2 }).toString(),
    'ConvTranspose2d(4, 4, kernelSize=[3,2], outputPadding=[1,0], groups=4, bias=false, dilation=2)');
  const rows = summarize(autoencoder(), [1, 1, 12, 12]);
  assert.deepEqual(rows.map((r) => `${r.name} ${r.type} ${r.outputShape.join('x')} ${r.params}`), [
    'encoder.0 Conv2d 1x4x6x6 40', 'encoder.1 ReLU 1x4x6x6 0', 'encoder.2 Conv2d 1x8x3x3 296', 'encoder.3 ReLU 1x8x3x3 0',
    'decoder.0 ConvTranspose2d 1x4x6x6 292', 'decoder.1 ReLU 1x4x6x6 0', 'decoder.2 ConvTranspose2d 1x1x12x12 65',
  ]);
});

test('ConvTranspose2d errors: bad settings at construction, wrong input channels at forward with the module path', () => {
  const rejects = (fn: () => unknown, re: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof ShapeError && re.test(e.message));
  rejects(() => new ConvTranspose2d(3, 4, 3, { groups: 2 }), /^ConvTranspose2d: inChannels 3 and outChannels 4 must be divisible by groups=2$/);
  rejects(() => new ConvTranspose2d(4, 4, 3, { stride: 2, outputPadding: 2 }),
    /^ConvTranspose2d: outputPadding \[2, 2\] must be >= 0 and smaller than either stride \[2, 2\] or dilation \[1, 1\] in each dim$/);
  rejects(() => new ConvTranspose2d(4, 4, 3, { outputPadding: 1 }), /outputPadding \[1, 1\] must be .* stride \[1, 1\] or dilation \[1, 1\]/);
  rejects(() => new ConvTranspose2d(4, 4, 3, { padding: -1 }), /padding must be >= 0, got \[-1, -1\]/);
  const decoder = new Sequential({ up: new ConvTranspose2d(8, 4, 3, { stride: 2 }) });
  rejects(() => decoder.forward(randn([1, 3, 5, 5])),
    /^convTranspose2d \(up\): input has 3 channels but weight \[8, 4, 3, 3\] \(laid out \[in, out\/groups, kH, kW\]\) expects 8; input shape \[1, 3, 5, 5\]$/);
  rejects(() => decoder.outputShape([1, 3, 5, 5]), /^convTranspose2d \(up\): input has 3 channels/);
});

test('a model with ConvTranspose2d rebuilds from its spec with the same weights and outputs, and learns to reconstruct', () => {
  manualSeed(11);
  const model = autoencoder();
  const back = moduleFromSpec(JSON.parse(JSON.stringify(model.spec())));
  back.loadStateDict(model.stateDict());
  assert.equal(back.toString(), model.toString());
  const x = randn([4, 1, 12, 12]);
  assert.deepEqual(noGrad(() => back.forward(x)).toArray(), noGrad(() => model.forward(x)).toArray());

  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let i = 0; i < 40; i++) {
    opt.zeroGrad();
    const loss = mseLoss(model.forward(x), x);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(losses[39]! < 0.6 * losses[0]!, `loss ${losses[0]} → ${losses[39]}`);
});
