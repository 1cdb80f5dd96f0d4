import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../errors.js';
import { noGrad } from '../tensor/grad-mode.js';
import { randn } from '../tensor/ops/creation.js';
import { manualSeed } from '../util/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { ReLU } from './activation.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { classic, convnet, lenet } from './models.js';
import { MaxPool2d } from './pooling.js';
import { basicBlock } from './residual.js';
import { Sequential } from './sequential.js';
import { moduleFromSpec } from './spec.js';

test('parameters get PyTorch-style dotted names', () => {
  const names = [...lenet().namedParameters()].map(([n]) => n);
  assert.deepEqual(names, [
    'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias',
    'classifier.1.weight', 'classifier.1.bias', 'classifier.3.weight', 'classifier.3.bias',
    'classifier.5.weight', 'classifier.5.bias',
  ]);
  assert.equal(lenet().numParameters(), 61706);
});

test('outputShape matches the real forward for every built-in model', () => {
  for (const make of [lenet, convnet, classic]) {
    const m = make();
    const x = randn([2, 1, 28, 28]);
    assert.deepEqual(m.outputShape([2, 1, 28, 28]), [...noGrad(() => m.forward(x)).shape]);
  }
  const block = basicBlock(4, 8, 2);
  assert.deepEqual(block.outputShape([1, 4, 9, 9]), [...noGrad(() => block.eval().forward(randn([1, 4, 9, 9]))).shape]);
});

test('Conv2d padding variants: same, valid, pair, stride, dilation, groups', () => {
  const x = [1, 4, 11, 9];
  assert.deepEqual(new Conv2d(4, 8, 4, { padding: 'same' }).outputShape(x), [1, 8, 11, 9]);
  assert.deepEqual(new Conv2d(4, 8, 3, { padding: 'valid' }).outputShape(x), [1, 8, 9, 7]);
  assert.deepEqual(new Conv2d(4, 8, [3, 1], { padding: [1, 0] }).outputShape(x), [1, 8, 11, 9]);
  assert.deepEqual(new Conv2d(4, 8, 3, { stride: 2, padding: 1 }).outputShape(x), [1, 8, 6, 5]);
  assert.deepEqual(new Conv2d(4, 8, 3, { dilation: 2 }).outputShape(x), [1, 8, 7, 5]);
  assert.deepEqual(new Conv2d(4, 8, 3, { groups: 4 }).weight.shape, [8, 1, 3, 3]);
  assert.throws(() => new Conv2d(4, 8, 3, { stride: 2, padding: 'same' }), /padding='same' needs stride 1/);
  assert.throws(() => new Conv2d(3, 8, 3, { groups: 2 }), /divisible by groups/);
});

test('a wrong input shape names the layer path and the shapes', () => {
  const m = lenet();
  assert.throws(() => m.forward(randn([2, 3, 28, 28])), (e: Error) => {
    assert.ok(e instanceof ShapeError);
    assert.match(e.message, /^conv2d \(features\.0\): input has 3 channels but weight \[6, 1, 5, 5\] with groups=1 expects 1; input shape \[2, 3, 28, 28\]$/);
    return true;
  });
  assert.throws(() => m.forward(randn([2, 1, 32, 32])), /linear \(classifier\.1\): input has 576 features but weight \[120, 400\]/);
  assert.throws(() => m.outputShape([1, 1, 32, 32]), /classifier\.1/);
  assert.throws(() => m.forward(randn([1, 28, 28])), /conv2d \(features\.0\): expected a 4-D input \[N, C, H, W\], got shape \[1, 28, 28\]/);
});

test('forward hooks see every layer and can be removed', () => {
  const m = lenet();
  const seen: string[] = [];
  const handles = [...m.namedModules()].filter(([, c]) => [...c.children()].length === 0)
    .map(([name, c]) => c.registerForwardHook((_m, _x, y: Tensor) => void seen.push(`${name}:${y.shape.join('x')}`)));
  noGrad(() => m.forward(randn([1, 1, 28, 28])));
  assert.equal(seen.length, 12);
  assert.equal(seen[0], 'features.0:1x6x28x28');
  assert.equal(seen[11], 'classifier.5:1x10');
  handles.forEach((h) => h.remove());
  noGrad(() => m.forward(randn([1, 1, 28, 28])));
  assert.equal(seen.length, 12);
});

test('stateDict/loadStateDict round trip; mismatches are listed', () => {
  manualSeed(1);
  const a = lenet();
  manualSeed(2);
  const b = lenet();
  b.loadStateDict(a.stateDict());
  const x = randn([1, 1, 28, 28]);
  assert.deepEqual(noGrad(() => a.forward(x)).toArray(), noGrad(() => b.forward(x)).toArray());
  assert.throws(() => convnet().loadStateDict(a.stateDict()), /missing: .*unexpected: /);
});

test('spec round trip rebuilds the same architecture', () => {
  const m = new Sequential({ body: new Sequential(new Conv2d(1, 2, 3, { padding: 'same', bias: false }), new ReLU(), new MaxPool2d(2)), head: new Sequential(new Flatten(), new Dropout(0.2), new Linear(2 * 3 * 3, 4)) });
  const back = moduleFromSpec(JSON.parse(JSON.stringify(m.spec())));
  assert.equal(back.toString(), m.toString());
  assert.deepEqual([...back.namedParameters()].map(([n, p]) => `${n}${p.shape}`), [...m.namedParameters()].map(([n, p]) => `${n}${p.shape}`));
  assert.throws(() => moduleFromSpec({ type: 'Sequential', children: [['0', { type: 'Mystery' }]] }), /unknown module type 'Mystery' at '0'/);
});

test('train/eval switches dropout', () => {
  const d = new Dropout(0.5);
  const x = randn([1000]);
  d.eval();
  assert.deepEqual(d.forward(x).toArray(), x.toArray());
  d.train();
  const zeros = d.forward(x).toArray().filter((v) => v === 0).length;
  assert.ok(zeros > 400 && zeros < 600, `${zeros} zeros`);
});
