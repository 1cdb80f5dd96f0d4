import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ValueError } from '../errors.js';
import { tensor } from '../tensor/ops/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { BORDER_MODES, borderInterpolate, parseBorderMode, type BorderMode } from './border.js';
import { filter2d } from './filter2d.js';
import type { ImageF32 } from './image-f32.js';
import type { Kernel } from './kernel.js';

/** The textbook definition, written independently: pad by the border rule cell by cell, then correlate. */
function naive(img: number[][], k: number[][], border: BorderMode, value = 0, anchor?: [number, number]): number[][] {
  const h = img.length;
  const w = img[0]!.length;
  const [ax, ay] = anchor ?? [Math.floor(k[0]!.length / 2), Math.floor(k.length / 2)];
  const at = (y: number, x: number): number => {
    const mirror = (p: number, n: number): number => {
      if (p >= 0 && p < n) return p;
      if (border === 'replicate') return Math.min(n - 1, Math.max(0, p));
      // Unfold the mirrored tiling: period 2n (reflect) or 2n - 2 (reflect101).
      const period = border === 'reflect' ? 2 * n : Math.max(1, 2 * n - 2);
      let q = ((p % period) + period) % period;
      if (border === 'reflect') return q < n ? q : period - 1 - q;
      return q < n ? q : period - q;
    };
    if (border === 'constant' && (y < 0 || y >= h || x < 0 || x >= w)) return value;
    return img[mirror(y, h)]![mirror(x, w)]!;
  };
  return img.map((row, y) => row.map((_, x) => {
    let s = 0;
    k.forEach((krow, i) => krow.forEach((kv, j) => (s += kv * at(y + i - ay, x + j - ax))));
    return s;
  }));
}

function close(actual: number[][], expected: number[][], tol = 1e-5, what = ''): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((row, y) => row.forEach((v, x) => {
    assert.ok(Math.abs(v - expected[y]![x]!) <= tol * Math.max(1, Math.abs(expected[y]![x]!)), `${what} (${y}, ${x}): ${v} vs ${expected[y]![x]}`);
  }));
}

const img5x6 = Array.from({ length: 5 }, (_, y) => Array.from({ length: 6 }, (_, x) => ((y * 7 + x * 3) % 11) / 10 - 0.3));

test('borderInterpolate follows OpenCV for every mode', () => {
  // abcdefgh with a = 0 ... h = 7
  assert.deepEqual([-3, -2, -1, 8, 9].map((p) => borderInterpolate(p, 8, 'replicate')), [0, 0, 0, 7, 7]);
  assert.deepEqual([-3, -2, -1, 8, 9].map((p) => borderInterpolate(p, 8, 'reflect')), [2, 1, 0, 7, 6]);
  assert.deepEqual([-3, -2, -1, 8, 9].map((p) => borderInterpolate(p, 8, 'reflect101')), [3, 2, 1, 6, 5]);
  assert.deepEqual([-1, 8].map((p) => borderInterpolate(p, 8, 'constant')), [-1, -1]);
  assert.equal(borderInterpolate(-5, 2, 'reflect101'), 1); // repeated mirroring: 1 0 1 0 [0 1] ...
  assert.equal(borderInterpolate(-1, 1, 'reflect101'), 0);
  assert.equal(parseBorderMode('default', '--border'), 'reflect101');
  assert.throws(() => parseBorderMode('wrap', '--border'), /--border: unknown border mode 'wrap'; expected one of constant, replicate, reflect, reflect101/);
});

test('filter2d matches literal hand-computed values', () => {
  // 1x2 box [1, 1] with anchor 1 → out(x) = src(x - 1) + src(x).
  assert.deepEqual(filter2d([[1, 2], [3, 4]], [[1, 1]], { border: 'constant' }), [[1, 3], [3, 7]]);
  assert.deepEqual(filter2d([[1, 2], [3, 4]], [[1, 1]], { border: 'replicate' }), [[2, 3], [6, 7]]);
  assert.deepEqual(filter2d([[1, 2], [3, 4]], [[1, 1]], { border: 'reflect' }), [[2, 3], [6, 7]]);
  assert.deepEqual(filter2d([[1, 2], [3, 4]], [[1, 1]], { border: 'reflect101' }), [[3, 3], [7, 7]]);
  // Correlation, not convolution: [1, 0, -1] keeps its orientation. Row 1 2 4 7.
  const row = [[1, 2, 4, 7]];
  assert.deepEqual(filter2d(row, [[-1, 0, 1]], { border: 'constant' }), [[2, 3, 5, -4]]);
  assert.deepEqual(filter2d(row, [[-1, 0, 1]], { border: 'replicate' }), [[1, 3, 5, 3]]);
  assert.deepEqual(filter2d(row, [[-1, 0, 1]], { border: 'reflect' }), [[1, 3, 5, 3]]);
  assert.deepEqual(filter2d(row, [[-1, 0, 1]]), [[0, 3, 5, 0]]); // reflect101 is the default
  assert.deepEqual(filter2d(row, [[-1, 0, 1]], { border: 'constant', value: 10 }), [[-8, 3, 5, 6]]);
  // An explicit anchor at the kernel's left end: out(x) = src(x + 1) - src(x)... with [-1, 1] anchored at 0.
  assert.deepEqual(filter2d(row, [[-1, 1]], { anchor: [0, 0], border: 'replicate' }), [[1, 2, 3, 0]]);
});

test('filter2d equals a naive padded implementation for every border mode, odd and even kernels', () => {
  const kernels: number[][][] = [
    [[1, 2, 3], [0, -1, 0.5], [2, -2, 1]],
    [[-1, -1, 1, 1], [-1, -1, 1, 1], [-1, -1, 1, 1], [-1, -1, 1, 1]],
    [[1, -2, 3, 0.5, 2]],
    [[0.25], [1], [-3], [2], [1], [0.5], [2]], // taller than the image: repeated mirroring
  ];
  for (const border of BORDER_MODES) {
    for (const k of kernels) {
      close(filter2d(img5x6, k, { border }), naive(img5x6, k, border), 1e-5, `${border} ${k.length}x${k[0]!.length}`);
    }
    close(filter2d(img5x6, kernels[0]!, { border, anchor: [0, 2] }), naive(img5x6, kernels[0]!, border, 0, [0, 2]), 1e-5, `${border} anchor`);
  }
  close(filter2d(img5x6, kernels[1]!, { border: 'constant', value: 0.7 }), naive(img5x6, kernels[1]!, 'constant', 0.7));
});

test('filter2d filters each channel of an ImageF32 on its own and keeps Tensor shapes', () => {
  const plane = img5x6.flat();
  const img: ImageF32 = { channels: 2, height: 5, width: 6, data: Float32Array.from([...plane, ...plane.map((v) => v * 2)]) };
  const k = [[0, 1, 0], [1, -4, 1], [0, 1, 0]];
  const out = filter2d(img, k);
  assert.deepEqual([out.channels, out.height, out.width], [2, 5, 6]);
  const one = naive(img5x6, k, 'reflect101').flat();
  one.forEach((v, i) => {
    assert.ok(Math.abs(out.data[i]! - v) < 1e-5);
    assert.ok(Math.abs(out.data[30 + i]! - 2 * v) < 1e-5);
  });
  const t = filter2d(tensor(img.data, [1, 2, 5, 6]), k);
  assert.ok(t instanceof Tensor);
  assert.deepEqual(t.shape, [1, 2, 5, 6]);
  assert.deepEqual(Array.from(t.data), Array.from(out.data));
  assert.deepEqual(filter2d(tensor(plane, [5, 6]), k).shape, [5, 6]);
});

test('filter2d rejects bad kernels and anchors with the reason', () => {
  const img = [[1, 2], [3, 4]];
  const bad: [unknown, RegExp][] = [
    [[], /filter2d: invalid kernel: the kernel is empty/],
    [[[1, 2], [3]], /row 1 has 1 entry but row 0 has 2; a kernel must be rectangular/],
    [[[1, '2']], /entry \[0\]\[1\] is the string "2", not a number/],
    [[[1, NaN]], /entry \[0\]\[1\] is NaN; kernel entries must be finite/],
    [[1, 2, 3], /row 0 is number 1/],
    [[[]], /row 0 is empty/],
  ];
  for (const [k, re] of bad) assert.throws(() => filter2d(img, k as Kernel), (e: unknown) => e instanceof ValueError && re.test(e.message));
  assert.throws(() => filter2d(img, [[1, 1]], { anchor: [2, 0] }), /anchor \[2, 0\] \(x, y\) lies outside the 1x2 kernel/);
  assert.throws(() => filter2d(tensor([1, 2, 3]), [[1]]), /filter2d: expected a tensor of shape \[H, W\]/);
});

const golden = fileURLToPath(new URL('../../test/fixtures/golden/filter2d.json', import.meta.url));
interface GoldenCase { name: string; image: { shape: [number, number]; data: number[] }; kernel: number[][]; anchor: [number, number]; border: BorderMode; output: { data: number[] } }

test('filter2d matches cv2.filter2D for all four border modes (test/fixtures/golden/filter2d.json)', { skip: !existsSync(golden) && 'no golden file' }, () => {
  const { cases } = JSON.parse(readFileSync(golden, 'utf8')) as { cases: GoldenCase[] };
  assert.equal(new Set(cases.map((c) => c.border)).size, 4);
  for (const c of cases) {
    const [h, w] = c.image.shape;
    const out = filter2d(tensor(c.image.data, [h, w]), c.kernel, { border: c.border, anchor: c.anchor });
    c.output.data.forEach((v, i) => {
      assert.ok(Math.abs(out.data[i]! - v) <= 1e-5 * Math.max(1, Math.abs(v)), `${c.name}: [${i}] ${out.data[i]} vs OpenCV ${v}`);
    });
  }
});
