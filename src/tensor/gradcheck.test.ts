/**
 * Finite-difference checks of every op that has a gradient, and of the
 * layers and a whole small model. Inputs come from a seeded generator and
 * are kept further than eps from kinks (relu and abs at 0, ties in max).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getBackend } from '../backend/configure.js';
import { listBackends, setBackend } from '../backend/registry.js';
import { BatchNorm2d } from '../nn/batch-norm2d.js';
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import { Sequential } from '../nn/sequential.js';
import { ReLU, Sigmoid, Tanh } from '../nn/activation.js';
import { MaxPool2d, AvgPool2d } from '../nn/pooling.js';
import { Flatten } from '../nn/flatten.js';
import { gradcheck, type GradcheckOptions } from './gradcheck.js';
import { Generator, manualSeed } from '../util/random.js';
import { Tensor, empty, record } from './tensor.js';
import {
  abs, adaptiveAvgPool2d, add, avgPool2d, batchNorm2d, conv2d, crossEntropy, div, dropout, exp, flatten, leakyRelu, linear,
  log, matmul, max, maxPool2d, mean, mseLoss, mul, neg, nllLoss, permute, pow, relu, reshape, sigmoid, softmax, logSoftmax,
  sqrt, square, sub, sum, sumPool2d, tanh, transpose, tensor,
} from './ops/index.js';

const gen = new Generator();

/** A test whose inputs are drawn from a generator seeded by its own name, so tests never shift each other's inputs. */
// every check runs on every backend of this machine (js, and wasm where SIMD is available)
getBackend();
const BACKENDS = listBackends();

function gradTest(name: string, fn: () => void | Promise<void>): void {
  for (const b of BACKENDS) {
    test(`${name} [${b}]`, async () => {
      let h = 2166136261;
      for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
      gen.manualSeed(h >>> 0);
      const prev = getBackend().name;
      setBackend(b);
      try {
        await fn();
      } finally {
        setBackend(prev);
      }
    });
  }
}

interface InputOptions {
  /** Standard deviation (default 1). */
  scale?: number;
  shift?: number;
  /** Keep |value| >= away (off kinks at 0 and away from poles). */
  away?: number;
  /** Uniform in [lo, hi) instead of normal. */
  range?: [number, number];
  requiresGrad?: boolean;
}

function input(shape: number[], o: InputOptions = {}): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (o.range) d[i] = o.range[0] + (o.range[1] - o.range[0]) * gen.random();
    else {
      let v = (o.shift ?? 0) + (o.scale ?? 1) * gen.normal();
      if (o.away !== undefined && Math.abs(v) < o.away) v = v < 0 ? v - o.away : v + o.away;
      d[i] = v;
    }
  }
  return new Tensor(d, shape, o.requiresGrad ?? true);
}

/** Distinct values at least 0.1 apart, shuffled: no ties within eps for max and max pooling. */
function distinct(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const p = gen.permutation(n);
  return new Tensor(Float32Array.from(p, (k) => (k - n / 2) * 0.1), shape, true);
}

function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): void {
  const r = gradcheck(fn, inputs, opts);
  assert.ok(r.ok, r.message);
  assert.ok(r.checked > 0);
}

// ---------------------------------------------------------------- the checker itself

gradTest('gradcheck catches a wrong gradient rule', () => {
  // square with the gradient of the identity: dL/dx = g instead of 2 x g
  const badSquare = (x: Tensor): Tensor => {
    const y = empty(x.shape);
    for (let i = 0; i < x.numel(); i++) y.data[i] = x.data[i]! ** 2;
    return record(y, 'badSquare', [x], (g) => [g]);
  };
  const r = gradcheck(badSquare, [input([3, 4], { shift: 1 })]);
  assert.equal(r.ok, false);
  assert.ok(r.mismatches.length > 0);
  assert.match(r.message, /mismatches, worst/);
});

gradTest('a difference across a kink is wrong; the region option skips it instead', () => {
  const x = tensor([5e-4, 1], [2], { requiresGrad: true }); // relu's kink is within eps of x[0]
  const straddled = gradcheck(relu, [x], { eps: 1e-3 });
  assert.equal(straddled.ok, false);
  assert.deepEqual(straddled.mismatches.map((m) => m.index), [0]);
  let signs = '';
  const r = gradcheck((a) => {
    signs = Array.from(a.data, (v) => (v > 0 ? '+' : '-')).join('');
    return relu(a);
  }, [x], { eps: 1e-3, region: () => signs });
  assert.ok(r.ok, r.message);
  assert.equal(r.skipped, 1);
  assert.equal(r.checked, 1);
});

gradTest('gradcheck leaves the inputs and their .grad as they were', () => {
  const x = input([2, 3]);
  const before = x.toArray();
  const marker = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  x.grad = marker;
  check((a) => a.tanh(), [x]);
  assert.deepEqual(x.toArray(), before);
  assert.equal(x.grad, marker);
});

// ---------------------------------------------------------------- element-wise, with broadcasting

gradTest('add, with broadcasting both ways and scalars', () => {
  check(add, [input([2, 3, 4]), input([2, 3, 4])]);
  check(add, [input([2, 3, 4]), input([3, 1])]);
  check(add, [input([3, 1]), input([2, 3, 4])]);
  check(add, [input([2, 3]), input([])]);
  check(add, [input([]), input([4])]);
  check((a) => add(a, 2.5), [input([5])]);
});

gradTest('sub, with broadcasting both ways', () => {
  check(sub, [input([2, 3, 4, 5]), input([1, 3, 1, 1])]);
  check(sub, [input([3, 1, 1]), input([2, 3, 4, 5])]);
  check(sub, [input([4, 1]), input([1, 5])]);
  check((a) => sub(a, 1.5), [input([5])]);
  // only the subtrahend needs a gradient
  check(sub, [input([2, 3], { requiresGrad: false }), input([3])]);
});

gradTest('mul, with broadcasting both ways', () => {
  check(mul, [input([2, 3, 4, 5]), input([1, 3, 1, 1])]);
  check(mul, [input([3, 1, 1]), input([2, 3, 4, 5])]);
  check(mul, [input([4, 1]), input([1, 5])]);
  check((a) => mul(a, -3), [input([5])]);
  check(mul, [input([2, 3]), input([2, 3], { requiresGrad: false })]);
});

gradTest('div, with broadcasting both ways (divisors kept away from 0)', () => {
  check(div, [input([2, 3, 4]), input([3, 1], { away: 0.5 })]);
  check(div, [input([3, 1]), input([2, 3, 4], { away: 0.5 })]);
  check(div, [input([2, 3]), input([], { away: 0.5 })]);
  check((a) => div(a, 4), [input([5])]);
  check(div, [input([2, 3], { requiresGrad: false }), input([2, 3], { away: 0.5 })]);
});

gradTest('neg, exp, log, sqrt, square', () => {
  check(neg, [input([3, 4])]);
  check(exp, [input([3, 4], { range: [-2, 2] })]);
  check(log, [input([3, 4], { range: [0.5, 3] })]);
  check(sqrt, [input([3, 4], { range: [0.5, 3] })]);
  check(square, [input([3, 4])]);
});

gradTest('abs (inputs away from 0)', () => {
  check(abs, [input([3, 4], { away: 0.1 })]);
});

gradTest('pow with integer, fractional and negative exponents', () => {
  check((x) => pow(x, 3), [input([3, 4])]);
  check((x) => pow(x, 2), [input([3, 4])]);
  check((x) => pow(x, 0.5), [input([3, 4], { range: [0.5, 3] })]);
  check((x) => pow(x, 1.5), [input([3, 4], { range: [0.5, 3] })]);
  check((x) => pow(x, -1), [input([3, 4], { range: [0.5, 3] })]);
});

gradTest('relu and leakyRelu (inputs away from the kink)', () => {
  check(relu, [input([3, 4], { away: 0.1 })]);
  check((x) => leakyRelu(x, 0.1), [input([3, 4], { away: 0.1 })]);
  check((x) => leakyRelu(x), [input([3, 4], { away: 0.1 })]);
});

gradTest('tanh and sigmoid', () => {
  check(tanh, [input([3, 4], { scale: 2 })]);
  check(sigmoid, [input([3, 4], { scale: 2 })]);
});

// ---------------------------------------------------------------- reductions

gradTest('sum over all, one dim, several dims, keepdim, negative dims', () => {
  check((x) => sum(x), [input([2, 3, 4])]);
  check((x) => sum(x, 1), [input([2, 3, 4])]);
  check((x) => sum(x, [0, 2]), [input([2, 3, 4])]);
  check((x) => sum(x, [0, 2, 3], true), [input([2, 3, 4, 5])]);
  check((x) => sum(x, -1, true), [input([2, 3, 4])]);
});

gradTest('mean over all and over [0, 2, 3] with keepdim', () => {
  check((x) => mean(x), [input([2, 3, 4])]);
  check((x) => mean(x, [0, 2, 3], true), [input([2, 3, 4, 5])]);
  check((x) => mean(x, 1), [input([4, 5])]);
});

gradTest('max along a dim (no ties)', () => {
  check((x) => max(x, 1), [distinct([3, 5])]);
  check((x) => max(x, 0, true), [distinct([4, 3])]);
  check((x) => max(x, -1), [distinct([2, 3, 4])]);
  check((x) => max(x, 1), [distinct([2, 3, 2, 2])]);
});

// ---------------------------------------------------------------- shape ops

gradTest('reshape, flatten, permute, transpose', () => {
  check((x) => reshape(x, [4, -1]), [input([2, 3, 2, 2])]);
  check((x) => flatten(x, 1), [input([2, 3, 2, 2])]);
  check((x) => x.view(6, 4).mul(x.reshape([6, 4])), [input([2, 3, 4])]);
  check((x) => permute(x, [0, 2, 3, 1]), [input([2, 3, 2, 4])]);
  check((x) => permute(x, [2, 0, 1]), [input([2, 3, 4])]);
  check((x) => transpose(x, 0, 1), [input([3, 5])]);
  check((x) => transpose(x, -1, 1), [input([2, 3, 4])]);
  check((x) => x.unsqueeze(1).squeeze(), [input([3, 4])]);
});

// ---------------------------------------------------------------- matrix products

gradTest('matmul: 2-D, batched, batched x 2-D, and with a constant operand', () => {
  check(matmul, [input([3, 4]), input([4, 5])]);
  check(matmul, [input([2, 3, 4]), input([2, 4, 5])]);
  check(matmul, [input([2, 3, 4]), input([4, 5])]);
  check(matmul, [input([3, 4]), input([4, 2], { requiresGrad: false })]);
  check(matmul, [input([2, 3, 4], { requiresGrad: false }), input([2, 4, 5])]);
  check(matmul, [input([2, 3, 4], { requiresGrad: false }), input([4, 5])]);
});

gradTest('linear with and without bias', () => {
  check(linear, [input([4, 5]), input([3, 5]), input([3])]);
  check((x, w) => linear(x, w), [input([2, 6]), input([4, 6])]);
});

// ---------------------------------------------------------------- convolution

gradTest('conv2d: stride 2 with padding 1', () => {
  check((x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1 }), [input([2, 2, 5, 5]), input([3, 2, 3, 3], { scale: 0.5 }), input([3])]);
});

gradTest("conv2d: padding 'same' with an even 4x4 kernel (asymmetric)", () => {
  check((x, w, b) => conv2d(x, w, b, { padding: 'same' }), [input([1, 2, 5, 6]), input([2, 2, 4, 4], { scale: 0.5 }), input([2])]);
});

gradTest('conv2d: dilation 2, non-square kernel with [padH, padW]', () => {
  check((x, w, b) => conv2d(x, w, b, { dilation: 2, padding: 2 }), [input([1, 2, 6, 6]), input([2, 2, 3, 3], { scale: 0.5 }), input([2])]);
  check((x, w, b) => conv2d(x, w, b, { stride: [1, 2], padding: [1, 0] }), [input([1, 2, 5, 6]), input([3, 2, 3, 2], { scale: 0.5 }), input([3])]);
});

gradTest('conv2d: groups 2 and depthwise', () => {
  check((x, w, b) => conv2d(x, w, b, { groups: 2, padding: 1 }), [input([1, 4, 5, 5]), input([4, 2, 3, 3], { scale: 0.5 }), input([4])]);
  check((x, w, b) => conv2d(x, w, b, { groups: 3, stride: 2, padding: 1 }), [input([2, 3, 5, 5]), input([6, 1, 3, 3], { scale: 0.5 }), input([6])]);
});

gradTest('conv2d: no bias, batch 1, 1x1 kernel, constant input', () => {
  check((x, w) => conv2d(x, w), [input([1, 3, 4, 4]), input([2, 3, 3, 3], { scale: 0.5 })]);
  check((x, w) => conv2d(x, w), [input([2, 3, 3, 3]), input([4, 3, 1, 1])]);
  check((x, w) => conv2d(x, w, null, { padding: 1 }), [input([1, 2, 4, 4], { requiresGrad: false }), input([2, 2, 3, 3])]);
});

// ---------------------------------------------------------------- pooling

gradTest('maxPool2d (no ties): 2x2 stride 2, and 3x3 stride 2 padding 1', () => {
  check((x) => maxPool2d(x, 2), [distinct([1, 2, 4, 6])]);
  check((x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), [distinct([2, 1, 5, 5])]);
  check((x) => maxPool2d(x, [3, 2], { stride: [1, 2] }), [distinct([1, 2, 5, 4])]);
});

gradTest('avgPool2d with countIncludePad true and false', () => {
  check((x) => avgPool2d(x, 2), [input([2, 2, 4, 4])]);
  check((x) => avgPool2d(x, 3, { stride: 2, padding: 1 }), [input([1, 2, 5, 5])]);
  check((x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), [input([1, 2, 5, 5])]);
});

gradTest('sumPool2d and adaptiveAvgPool2d', () => {
  check((x) => sumPool2d(x, 2), [input([2, 2, 4, 4])]);
  check((x) => sumPool2d(x, 3, { stride: 2, padding: 1 }), [input([1, 2, 5, 5])]);
  check((x) => adaptiveAvgPool2d(x, [2, 3]), [input([2, 2, 5, 7])]);
  check((x) => adaptiveAvgPool2d(x, 1), [input([2, 3, 4, 4])]);
});

// ---------------------------------------------------------------- softmax, normalisation, dropout

gradTest('softmax and logSoftmax along dims 1 and -1', () => {
  check((x) => softmax(x, 1), [input([3, 5])]);
  check((x) => softmax(x, 1), [input([2, 3, 2, 2])]);
  check((x) => logSoftmax(x, -1), [input([3, 5], { scale: 2 })]);
  check((x) => logSoftmax(x, 1), [input([2, 3, 2, 2])]);
});

gradTest('batchNorm2d in training (batch statistics) and eval (running statistics)', () => {
  const rm = input([3], { scale: 0.1, requiresGrad: false });
  const rv = input([3], { range: [0.5, 1.5], requiresGrad: false });
  check((x, w, b) => batchNorm2d(x, rm, rv, w, b, { training: true }), [input([4, 3, 2, 2], { scale: 2, shift: 0.5 }), input([3], { shift: 1 }), input([3])]);
  check((x, w, b) => batchNorm2d(x, rm, rv, w, b, { training: false }), [input([2, 3, 2, 2]), input([3], { shift: 1 }), input([3])]);
  check((x) => batchNorm2d(x, null, null, null, null, { training: true, eps: 1e-3 }), [input([3, 2, 2, 3])]);
});

gradTest('dropout with a fixed mask (the generator is reseeded inside fn)', () => {
  const g = new Generator();
  const x = input([4, 6]);
  check((a) => dropout(a, 0.3, true, g.manualSeed(5)), [x]);
  // inverted dropout: every output is 0 or x / (1 - p)
  const y = dropout(x, 0.3, true, g.manualSeed(5));
  y.data.forEach((v, i) => assert.ok(v === 0 || Math.abs(v - x.data[i]! / 0.7) < 1e-6, `dropout output ${v} for input ${x.data[i]}`));
  assert.ok(y.data.some((v) => v === 0) && y.data.some((v) => v !== 0));
  check((x) => dropout(x, 0.3, false), [input([4, 6])]);
});

// ---------------------------------------------------------------- losses

gradTest('crossEntropy with and without label smoothing, mean and sum', () => {
  const target = [0, 2, 1, 3, 2];
  check((z) => crossEntropy(z, target), [input([5, 4], { scale: 2 })]);
  check((z) => crossEntropy(z, target, { labelSmoothing: 0.1 }), [input([5, 4], { scale: 2 })]);
  check((z) => crossEntropy(z, tensor(target), { reduction: 'sum' }), [input([5, 4])]);
  check((z) => crossEntropy(z, target, { reduction: 'none' }), [input([5, 4])]);
});

gradTest('nllLoss and mseLoss', () => {
  check((lp) => nllLoss(lp, [1, 0, 3]), [input([3, 4])]);
  check((z) => nllLoss(logSoftmax(z, 1), [1, 0, 3], { reduction: 'sum' }), [input([3, 4])]);
  check((a, b) => mseLoss(a, b), [input([3, 4]), input([3, 4])]);
  check((a, b) => mseLoss(a, b, { reduction: 'sum' }), [input([2, 5]), input([2, 5])]);
});

// ---------------------------------------------------------------- layers and a whole model

/** The input plus the parameters, for layer checks. */
function withParams(x: Tensor, params: Tensor[]): Tensor[] {
  return [x, ...params];
}

gradTest('Conv2d layer: input, weight and bias', () => {
  manualSeed(1);
  const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
  check((x) => conv.forward(x), withParams(input([2, 2, 5, 5]), conv.parameters()));
});

gradTest('Linear layer: input, weight and bias', () => {
  manualSeed(2);
  const fc = new Linear(5, 3);
  check((x) => fc.forward(x), withParams(input([4, 5]), fc.parameters()));
});

gradTest('BatchNorm2d layer in training mode (and its running statistics stay finite)', () => {
  const bn = new BatchNorm2d(3);
  bn.weight.data.set([0.5, 1, 1.5]);
  bn.bias.data.set([0.1, -0.2, 0.3]);
  check((x) => bn.forward(x), withParams(input([4, 3, 2, 2], { scale: 2 }), bn.parameters()));
  for (const v of bn.runningVar.data) assert.ok(Number.isFinite(v));
  bn.eval();
  check((x) => bn.forward(x), withParams(input([2, 3, 2, 2]), bn.parameters()));
});

gradTest('a whole small Sequential model: every parameter of two convolutions, batch norm, pooling and a linear layer', () => {
  manualSeed(3);
  const model = new Sequential({
    features: new Sequential(
      new Conv2d(1, 3, 3, { padding: 1 }), new BatchNorm2d(3), new Tanh(), new AvgPool2d(2),
      new Conv2d(3, 4, 3), new Sigmoid(), new AvgPool2d(2),
    ),
    classifier: new Sequential(new Flatten(), new Linear(4, 3)),
  });
  const x = input([3, 1, 8, 8], { requiresGrad: false });
  check(() => crossEntropy(model.forward(x), [0, 2, 1]), model.parameters());
});

gradTest('a LeNet-style Sequential model with ReLU and max pooling: every parameter, skipping kinks', () => {
  manualSeed(3);
  const model = new Sequential({
    features: new Sequential(
      new Conv2d(1, 3, 3, { padding: 1 }), new BatchNorm2d(3), new ReLU(), new MaxPool2d(2),
      new Conv2d(3, 4, 3), new ReLU(), new MaxPool2d(2),
    ),
    classifier: new Sequential(new Flatten(), new Linear(4, 3)),
  });
  const x = input([3, 1, 8, 8], { requiresGrad: false });
  // The smooth piece an evaluation fell in: which relu inputs were positive and
  // which element won each max-pooling window (2x2, stride 2).
  let key: string[] = [];
  for (const m of model.modulesIter()) {
    if (m instanceof ReLU) m.registerForwardHook((_, inp) => void key.push(Array.from(inp.data, (v) => (v > 0 ? '1' : '0')).join('')));
    if (m instanceof MaxPool2d) m.registerForwardHook((_, inp) => void key.push(poolWinners(inp)));
  }
  const fn = (): Tensor => {
    key = [];
    return crossEntropy(model.forward(x), [0, 2, 1]);
  };
  const r = gradcheck(fn, model.parameters(), { eps: 1e-3, region: () => key.join('|') });
  assert.ok(r.ok, r.message);
  // kinks are rare (a batch-norm channel near one skips all its weights, though): most elements are compared
  assert.ok(r.skipped < r.checked / 2, r.message);
});

/** For each 2x2 window (stride 2), the position of its first maximum. */
function poolWinners(x: Tensor): string {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const out: number[] = [];
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y + 1 < h; y += 2) {
      for (let xo = 0; xo + 1 < w; xo += 2) {
        const at = [0, 1, w, w + 1].map((o) => p * h * w + y * w + xo + o);
        let best = 0;
        for (let k = 1; k < 4; k++) if (x.data[at[k]!]! > x.data[at[best]!]!) best = k;
        out.push(best);
      }
    }
  }
  return out.join('');
}

gradTest('gradients accumulate across two backward() calls', () => {
  const x = tensor([1, -2, 3], [3], { requiresGrad: true });
  sum(mul(x, x)).backward(); // 2x
  assert.deepEqual(x.grad?.toArray(), [2, -4, 6]);
  sum(mul(x, 3)).backward(); // + 3
  assert.deepEqual(x.grad?.toArray(), [5, -1, 9]);

  manualSeed(4);
  const fc = new Linear(2, 1);
  const inp = tensor([[1, 2]]);
  fc.forward(inp).sum().backward();
  const once = fc.weight.grad!.toArray();
  fc.forward(inp).sum().backward();
  assert.deepEqual(fc.weight.grad!.toArray(), once.map((v) => 2 * v));
  assert.deepEqual(fc.bias!.grad!.toArray(), [2]);
});

test('every case of the gradcheck suite `fovea verify` runs passes here too (pooling ceil/dilation, narrow, erf included)', async () => {
  const { gradcheckCases } = await import('./gradcheck-suite.js');
  const failed = gradcheckCases().map((c) => [c.name, c.run()] as const).filter(([, r]) => !r.ok).map(([n, r]) => `${n}: max error ${r.maxAbsError}`);
  assert.deepEqual(failed, []);
});
