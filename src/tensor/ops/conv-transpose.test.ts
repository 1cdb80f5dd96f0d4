// convTranspose2d: finite-difference gradients on every backend of this machine,
// the adjoint identity with conv2d, a direct scatter reference, and the error paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getBackend } from '../../backend/configure.js';
import { listBackends, setBackend } from '../../backend/registry.js';
import { ShapeError } from '../../errors.js';
import { gradcheck } from '../gradcheck.js';
import { Generator } from '../../util/random.js';
import { Tensor } from '../tensor.js';
import { conv2d } from './conv.js';
import { convTranspose2d, type ConvTranspose2dOptions } from './conv-transpose.js';

getBackend();
const BACKENDS = listBackends();

/** A test run once per backend, its inputs drawn from a generator seeded by the test's name. */
function onEveryBackend(name: string, fn: (g: Generator) => void): void {
  for (const b of BACKENDS) {
    test(`${name} [${b}]`, () => {
      let h = 2166136261;
      for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
      const prev = getBackend().name;
      setBackend(b);
      try {
        fn(new Generator(h >>> 0));
      } finally {
        setBackend(prev);
      }
    });
  }
}

function randn(g: Generator, shape: number[], scale = 1, requiresGrad = true): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => scale * g.normal()), shape, requiresGrad);
}

/** The definition: every input pixel scatters weight * value to y = x * stride - padding + k * dilation, then bias. */
function scatterReference(x: Tensor, w: Tensor, b: Tensor | null, o: Required<Omit<ConvTranspose2dOptions, 'stride' | 'padding' | 'outputPadding' | 'dilation'>> & {
  stride: [number, number]; padding: [number, number]; outputPadding: [number, number]; dilation: [number, number];
}): { shape: number[]; data: Float64Array } {
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [, og, kh, kw] = w.shape as [number, number, number, number];
  const cout = og * o.groups;
  const ho = (h - 1) * o.stride[0] - 2 * o.padding[0] + o.dilation[0] * (kh - 1) + o.outputPadding[0] + 1;
  const wo = (wd - 1) * o.stride[1] - 2 * o.padding[1] + o.dilation[1] * (kw - 1) + o.outputPadding[1] + 1;
  const out = new Float64Array(n * cout * ho * wo);
  const ig = cin / o.groups;
  for (let b0 = 0; b0 < n; b0++) for (let ci = 0; ci < cin; ci++) {
    const grp = Math.floor(ci / ig);
    for (let oc = 0; oc < og; oc++) for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
      const y = i * o.stride[0] - o.padding[0] + p * o.dilation[0];
      const z = j * o.stride[1] - o.padding[1] + q * o.dilation[1];
      if (y < 0 || y >= ho || z < 0 || z >= wo) continue;
      const c = grp * og + oc;
      out[((b0 * cout + c) * ho + y) * wo + z]! += x.data[((b0 * cin + ci) * h + i) * wd + j]! * w.data[((ci * og + oc) * kh + p) * kw + q]!;
    }
  }
  if (b) for (let k = 0; k < out.length; k++) out[k]! += b.data[Math.floor(k / (ho * wo)) % cout]!;
  return { shape: [n, cout, ho, wo], data: out };
}

interface Case {
  name: string;
  x: number[];
  w: number[];
  bias: boolean;
  o: ConvTranspose2dOptions;
}

const pairOf = (v: number | readonly [number, number] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

// strides 1/2/3, padding, outputPadding (below the stride, and below only the dilation), dilation,
// groups and depthwise, bias and none, batch 1 and 3, odd and non-square sizes
const CASES: Case[] = [
  { name: 'stride 1, bias, batch 3', x: [3, 2, 3, 4], w: [2, 3, 3, 3], bias: true, o: {} },
  { name: 'stride 2, padding 1, outputPadding 1', x: [1, 3, 3, 3], w: [3, 2, 3, 3], bias: true, o: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: 'stride 3, padding 2, outputPadding 2, no bias, odd sizes', x: [1, 2, 3, 5], w: [2, 2, 4, 3], bias: false, o: { stride: 3, padding: 2, outputPadding: 2 } },
  { name: 'dilation 2, outputPadding 1 at stride 1', x: [1, 2, 4, 3], w: [2, 2, 3, 3], bias: true, o: { dilation: 2, padding: 1, outputPadding: 1 } },
  { name: 'groups 2, stride 2, padding [1, 0]', x: [3, 4, 3, 3], w: [4, 3, 3, 2], bias: true, o: { groups: 2, stride: 2, padding: [1, 0] } },
  { name: 'depthwise, stride [2, 3], outputPadding [1, 2]', x: [1, 3, 3, 3], w: [3, 1, 3, 3], bias: false, o: { groups: 3, stride: [2, 3], outputPadding: [1, 2] } },
  { name: '1x1 kernel, stride 2, batch 3', x: [3, 2, 3, 3], w: [2, 3, 1, 1], bias: true, o: { stride: 2 } },
];

for (const c of CASES) {
  onEveryBackend(`convTranspose2d matches the scatter definition and finite differences: ${c.name}`, (g) => {
    const x = randn(g, c.x);
    const w = randn(g, c.w, 0.5);
    const b = c.bias ? randn(g, [c.w[1]! * (c.o.groups ?? 1)]) : null;
    const ref = scatterReference(x, w, b, {
      stride: pairOf(c.o.stride, 1), padding: pairOf(c.o.padding, 0), outputPadding: pairOf(c.o.outputPadding, 0),
      dilation: pairOf(c.o.dilation, 1), groups: c.o.groups ?? 1,
    });
    const y = convTranspose2d(x, w, b, c.o);
    assert.deepEqual([...y.shape], ref.shape);
    y.data.forEach((v, i) => assert.ok(Math.abs(v - ref.data[i]!) < 1e-4, `output ${i}: ${v} vs ${ref.data[i]}`));
    const r = b
      ? gradcheck((xx, ww, bb) => convTranspose2d(xx, ww, bb, c.o), [x, w, b])
      : gradcheck((xx, ww) => convTranspose2d(xx, ww, null, c.o), [x, w]);
    assert.ok(r.ok, r.message);
    assert.ok(r.checked > 0);
  });
}

onEveryBackend('convTranspose2d is the adjoint of conv2d: <conv2d(u, w), v> = <u, convTranspose2d(v, w)>', (g) => {
  // conv2d maps [1, 4, 9, 8] to [1, 6, 5, 4] with this weight; the transposed conv maps back (outputPadding picks width 8 over 7)
  const w = randn(g, [6, 2, 3, 3], 1, false);
  const u = randn(g, [1, 4, 9, 8], 1, false);
  const v = randn(g, [1, 6, 5, 4], 1, false);
  const lhs = conv2d(u, w, null, { stride: 2, padding: 1, groups: 2 });
  const rhs = convTranspose2d(v, w, null, { stride: 2, padding: 1, groups: 2, outputPadding: [0, 1] });
  assert.deepEqual([...rhs.shape], u.shape);
  const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
  const l = dot(lhs.data, v.data);
  const r = dot(u.data, rhs.data);
  assert.ok(Math.abs(l - r) < 1e-3 * Math.max(1, Math.abs(l)), `${l} vs ${r}`);
});

test('convTranspose2d errors name the op, the shapes and the rule', () => {
  const x = new Tensor(new Float32Array(2 * 3 * 4 * 4), [2, 3, 4, 4]);
  const w = new Tensor(new Float32Array(4 * 2 * 3 * 3), [4, 2, 3, 3]);
  const is = (re: RegExp) => (e: unknown): boolean => e instanceof ShapeError && e.op === 'convTranspose2d' && re.test(e.message);
  assert.throws(() => convTranspose2d(x, w), is(/^convTranspose2d: input has 3 channels but weight \[4, 2, 3, 3\] \(laid out \[in, out\/groups, kH, kW\]\) expects 4; input shape \[2, 3, 4, 4\]$/));
  const x4 = new Tensor(new Float32Array(2 * 4 * 4 * 4), [2, 4, 4, 4]);
  assert.throws(() => convTranspose2d(x4, w, null, { stride: 2, outputPadding: 2 }),
    is(/outputPadding \[2, 2\] must be >= 0 and smaller than either stride \[2, 2\] or dilation \[1, 1\] in each dim/));
  assert.throws(() => convTranspose2d(x4, w, null, { outputPadding: [0, 1] }), is(/outputPadding \[0, 1\] must be .* stride \[1, 1\] or dilation \[1, 1\]/));
  assert.throws(() => convTranspose2d(x4, w, null, { groups: 3 }), is(/in channels 4 of weight \[4, 2, 3, 3\] are not divisible by groups=3/));
  assert.throws(() => convTranspose2d(x4, w, new Tensor(new Float32Array(4), [4])), is(/bias \[4\] does not match weight \[4, 2, 3, 3\] with groups=1; expected \[2\]/));
  assert.throws(() => convTranspose2d(x4, w, null, { padding: 4 }), is(/the output would be -2x-2: padding \[4, 4\] crops more than the 6x6 full output/));
  assert.throws(() => convTranspose2d(new Tensor(new Float32Array(16), [4, 4]), w), is(/expected a 4-D input \[N, C, H, W\], got shape \[4, 4\]/));
  assert.throws(() => convTranspose2d(x4, new Tensor(new Float32Array(8), [4, 2])), is(/weight must be 4-D \[in, out\/groups, kH, kW\], got \[4, 2\]/));
  assert.throws(() => convTranspose2d(x4, w, null, { stride: 0 }), is(/stride must be >= 1/));
});
