/**
 * Runs the conformance suite for every registered backend against the js
 * reference, and proves the suite can fail: deliberately broken kernel tables
 * must be caught, each by the cases that exercise what was broken.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformanceCases, formatConformance, runConformance, type ConformanceResult } from './conformance.js';
import { KERNEL_NAMES, type Backend, type KernelName, type KernelTable } from './kernels.js';
import { createJsBackend } from './js/index.js';
import { getBackend } from './configure.js';
import { listBackends, setBackend } from './registry.js';

const reference = createJsBackend().kernels as KernelTable;
const cases = conformanceCases();

/**
 * Every registered backend. Backends are registered explicitly (never by
 * import side effects): a new backend's registration call goes here.
 */
function registeredBackends(): Backend[] {
  const active = getBackend().name; // registers the js reference on first use
  const all = listBackends().map((name) => {
    setBackend(name);
    return getBackend();
  });
  setBackend(active);
  return all;
}

function describeFailures(r: ConformanceResult): string {
  return r.failures.map((f) => `  ${f.case}: ${f.message}`).join('\n');
}

for (const backend of registeredBackends()) {
  test(`backend '${backend.name}' conforms to the js reference`, async (t) => {
    const results = runConformance(backend.kernels, reference, { cases });
    assert.deepEqual(results.map((r) => r.kernel), [...KERNEL_NAMES]);
    for (const r of results) {
      await t.test(r.kernel, () => {
        // a missing kernel is a fallback to the reference, not a failure
        if (r.status !== 'missing') assert.equal(r.status, 'pass', describeFailures(r));
      });
    }
  });
}

// ---------------------------------------------------------------- the suite can fail

/** The reference with some kernels replaced. */
function broken(overrides: Partial<KernelTable>): Partial<KernelTable> {
  return { ...reference, ...overrides };
}

function only(candidate: Partial<KernelTable>, kernel: KernelName): ConformanceResult {
  const [r] = runConformance(candidate, reference, { cases, kernels: [kernel] });
  return r!;
}

test('a conv2d that ignores dilation fails exactly the dilated cases', () => {
  const r = only(broken({ conv2d: (x, xs, w, ws, b, y, ys, a) => reference.conv2d(x, xs, w, ws, b, y, ys, { ...a, dilation: [1, 1] }) }), 'conv2d');
  assert.equal(r.status, 'fail');
  assert.ok(r.failures.length >= 4);
  for (const f of r.failures) assert.match(f.case, /dilation/);
});

test('a max pooling that ignores dilation fails exactly the dilated cases', () => {
  const r = only(broken({ maxPool2d: (x, xs, y, ys, a) => reference.maxPool2d(x, xs, y, ys, { ...a, dilation: [1, 1] }) }), 'maxPool2d');
  assert.equal(r.status, 'fail');
  assert.ok(r.failures.length >= 4);
  for (const f of r.failures) assert.match(f.case, /dilation/);
});

test('an average pooling that divides by the whole kernel (not the window inside the padded input) fails only ceil-mode cases', () => {
  const r = only(broken({
    avgPool2d: (x, xs, y, ys, a) => {
      reference.avgPool2d(x, xs, y, ys, { ...a, divisor: a.divisor || (a.countIncludePad ? a.kernel[0] * a.kernel[1] : 0) });
    },
  }), 'avgPool2d');
  assert.equal(r.status, 'fail');
  for (const f of r.failures) assert.match(f.case, /ceil mode/);
});

test('a conv2d that pads symmetrically (top for bottom) fails the asymmetric padding cases', () => {
  const r = only(broken({
    conv2dBackwardInput: (dy, dys, w, ws, dx, xs, a) =>
      reference.conv2dBackwardInput(dy, dys, w, ws, dx, xs, { ...a, padding: [a.padding[2], a.padding[3], a.padding[2], a.padding[3]] }),
  }), 'conv2dBackwardInput');
  assert.equal(r.status, 'fail');
  assert.ok(r.failures.some((f) => /same/.test(f.case)));
  for (const f of r.failures) assert.match(f.case, /same|padding \[/);
});

test('a conv2dBackwardWeight that drops the last image of the batch fails', () => {
  const r = only(broken({
    conv2dBackwardWeight: (x, xs, dy, dys, dw, ws, a) => {
      const n = xs[0]!;
      if (n === 1) return reference.conv2dBackwardWeight(x, xs, dy, dys, dw, ws, a);
      const per = x.length / n;
      const perY = dy.length / n;
      reference.conv2dBackwardWeight(x.subarray(0, per * (n - 1)), [n - 1, ...xs.slice(1)], dy.subarray(0, perY * (n - 1)), [n - 1, ...dys.slice(1)], dw, ws, a);
    },
  }), 'conv2dBackwardWeight');
  assert.equal(r.status, 'fail');
});

test('a kernel that is off by 1e-3 relative fails; one off by 1e-6 passes (the tolerance is rel 1e-4 + abs 1e-5)', () => {
  const scaled = (f: number): Partial<KernelTable> => broken({
    matmul: (a, b, c, ...rest) => {
      reference.matmul(a, b, c, ...rest);
      for (let i = 0; i < c.length; i++) c[i] = c[i]! * f;
    },
  });
  assert.equal(only(scaled(1 + 1e-3), 'matmul').status, 'fail');
  assert.equal(only(scaled(1 + 1e-6), 'matmul').status, 'pass');
});

test('a kernel that leaves an output element unwritten fails (outputs start as NaN)', () => {
  const r = only(broken({
    add: (a, as, b, bs, out, os) => {
      const full = new Float32Array(out.length);
      reference.add(a, as, b, bs, full, os);
      out.set(full.subarray(0, out.length - 1));
    },
  }), 'add');
  assert.equal(r.status, 'fail');
  assert.match(r.failures[0]!.message, /expected/);
});

test('a kernel that assumes a zeroed output buffer fails', () => {
  const r = only(broken({
    // accumulates into dx instead of overwriting it
    avgPool2dBackward: (dy, dys, dx, xs, a) => {
      const tmp = new Float32Array(dx.length);
      reference.avgPool2dBackward(dy, dys, tmp, xs, a);
      for (let i = 0; i < dx.length; i++) dx[i] = dx[i]! + tmp[i]!;
    },
  }), 'avgPool2dBackward');
  assert.equal(r.status, 'fail');
});

test('a kernel that modifies its input fails', () => {
  const r = only(broken({
    relu: (x, out) => {
      reference.relu(x, out);
      x.set(out);
    },
  }), 'relu');
  assert.equal(r.status, 'fail');
  assert.match(r.failures[0]!.message, /modified its input/);
});

test('a kernel that throws fails with its message', () => {
  const r = only(broken({ softmax: () => { throw new RangeError('no SIMD today'); } }), 'softmax');
  assert.equal(r.status, 'fail');
  assert.match(r.failures[0]!.message, /RangeError: no SIMD today/);
});

test('max pooling that lets the last of tied maxima win fails only the tie (and NaN) cases', () => {
  const r = only(broken({
    maxPool2dBackward: (x, xs, dy, dys, dx, a) => {
      // reverse the scan order of each window by negating positions: run on the flipped image and flip back
      const [n, c, h, w] = xs as [number, number, number, number];
      const flip = (src: Float32Array, H: number, W: number): Float32Array => {
        const out = new Float32Array(src.length);
        for (let p = 0; p < n * c; p++) for (let i = 0; i < H * W; i++) out[p * H * W + i] = src[p * H * W + H * W - 1 - i]!;
        return out;
      };
      const oh = dys[2]!, ow = dys[3]!;
      // only exact when the flipped windows line up: stride 1, no padding, full tiling
      if (a.stride[0] !== 1 || a.stride[1] !== 1 || a.padding[0] !== 0 || a.padding[1] !== 0) {
        return reference.maxPool2dBackward(x, xs, dy, dys, dx, a);
      }
      const tmp = new Float32Array(dx.length);
      reference.maxPool2dBackward(flip(x, h, w), xs, flip(dy, oh, ow), dys, tmp, a);
      dx.set(flip(tmp, h, w));
    },
  }), 'maxPool2dBackward');
  assert.equal(r.status, 'fail');
  assert.ok(r.failures.some((f) => /ties/.test(f.case)));
  for (const f of r.failures) assert.match(f.case, /ties|NaN/);
});

test('a max pooling that skips NaNs (as a SIMD max may) fails only the NaN cases', () => {
  const r = only(broken({
    maxPool2d: (x, xs, y, ys, a) => reference.maxPool2d(x.map((v) => (Number.isNaN(v) ? -Infinity : v)), xs, y, ys, a),
  }), 'maxPool2d');
  assert.equal(r.status, 'fail');
  for (const f of r.failures) assert.match(f.case, /NaN/);
});

test('an sgdStep that applies dampening on the first step fails', () => {
  const r = only(broken({ sgdStep: (p, g, buf, a) => reference.sgdStep(p, g, buf, { ...a, firstStep: false }) }), 'sgdStep');
  assert.equal(r.status, 'fail');
  for (const f of r.failures) assert.match(f.case, /first step/);
});

test('an adamStep without bias correction fails', () => {
  const r = only(broken({ adamStep: (p, g, m, v, a) => reference.adamStep(p, g, m, v, { ...a, step: 1e6 }) }), 'adamStep');
  assert.equal(r.status, 'fail');
});

test('an AdamW that decays like Adam (L2 into the gradient) fails the decoupled cases', () => {
  const r = only(broken({ adamStep: (p, g, m, v, a) => reference.adamStep(p, g, m, v, { ...a, decoupled: false }) }), 'adamStep');
  assert.equal(r.status, 'fail');
  for (const f of r.failures) assert.match(f.case, /adamw/);
});

test('a broadcasting add that ignores broadcast strides fails the broadcast cases only', () => {
  const r = only(broken({
    add: (a, _as, b, _bs, out) => {
      for (let i = 0; i < out.length; i++) out[i] = a[i % a.length]! + b[i % b.length]!;
    },
  }), 'add');
  assert.equal(r.status, 'fail');
  for (const f of r.failures) assert.doesNotMatch(f.case, /same shape|scalar|\[W\]|bias/);
});

test('a kernel the candidate lacks is reported missing (served by the reference), not failed', () => {
  const partial: Partial<KernelTable> = { ...reference };
  delete partial.conv2d;
  const results = runConformance(partial, reference, { cases, kernels: ['conv2d', 'relu'] });
  assert.deepEqual(results.map((r) => [r.kernel, r.status, r.cases]), [['conv2d', 'missing', 0], ['relu', 'pass', 5]]);
  assert.match(formatConformance(results), /conv2d\s+missing \(reference fallback\)/);
});
