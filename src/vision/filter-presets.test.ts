import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../errors.js';
import { tensor } from '../tensor/ops/creation.js';
import { blur, boxKernel, edge4, edge4Filters, gaussianKernel, laplacian, sharpen, sobel, sobelX, sobelY } from './filter-presets.js';
import { filter2d } from './filter2d.js';

const close = (a: readonly number[], b: readonly number[], tol = 1e-12): void => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `[${i}] ${v} vs ${b[i]}`));
};

test('the preset kernels are the textbook ones', () => {
  assert.deepEqual(sobelX, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]);
  assert.deepEqual(sobelY, [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]);
  assert.deepEqual(sharpen, [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]);
  assert.deepEqual(laplacian, [[0, 1, 0], [1, -4, 1], [0, 1, 0]]);
  assert.deepEqual(blur, boxKernel(3));
  close(blur.flat(), new Array<number>(9).fill(1 / 9));
  assert.ok(Object.isFrozen(sobelX) && Object.isFrozen(sobelX[0]));
});

test('edge4 is the tutorial 4x4 vertical-edge filter; the bank adds its negation, transpose and negated transpose', () => {
  assert.deepEqual(edge4, [[-1, -1, 1, 1], [-1, -1, 1, 1], [-1, -1, 1, 1], [-1, -1, 1, 1]]);
  const [v, neg, t, tneg] = edge4Filters;
  assert.equal(v, edge4);
  assert.deepEqual(neg, edge4.map((r) => r.map((x) => -x)));
  assert.deepEqual(t, [[-1, -1, -1, -1], [-1, -1, -1, -1], [1, 1, 1, 1], [1, 1, 1, 1]]);
  assert.deepEqual(tneg, [[1, 1, 1, 1], [1, 1, 1, 1], [-1, -1, -1, -1], [-1, -1, -1, -1]]);
  // On a dark-left / bright-right step the vertical filter fires positively at the edge, its negation negatively.
  const step = Array.from({ length: 6 }, () => [0, 0, 0, 1, 1, 1]);
  const out = filter2d(step, edge4, { border: 'replicate' });
  // Anchor (2, 2): out(x) = 4 * (-s(x - 2) - s(x - 1) + s(x) + s(x + 1)), strongest where the step is centred.
  assert.deepEqual(out[2], [0, 0, 4, 8, 4, 0]);
  assert.deepEqual(filter2d(step, edge4Filters[1]!, { border: 'replicate' })[2]!.map((x) => x + 0), [0, 0, -4, -8, -4, 0]);
  assert.deepEqual(filter2d(step, edge4Filters[2]!, { border: 'replicate' })[2], [0, 0, 0, 0, 0, 0]); // a horizontal detector ignores it
});

test('gaussianKernel is the outer product of cv2.getGaussianKernel', () => {
  // cv2.getGaussianKernel(5, 1.0), (11, 0), (3, 0.8), and OpenCV's fixed table for 9
  const g5 = [0.054488684549642945, 0.24420134200323335, 0.40261994689424746, 0.24420134200323335, 0.054488684549642945];
  const k5 = gaussianKernel(5, 1.0);
  close(k5.flat(), g5.flatMap((a) => g5.map((b) => a * b)));
  const g11 = [0.008812229292562288, 0.027143577143479373, 0.06511405659938269, 0.12164907301380962, 0.1769983568313557, 0.20056541423882085];
  close(gaussianKernel(11)[5]!.slice(0, 6), g11.map((v) => v * g11[5]!));
  close(gaussianKernel(3, 0.8)[1]!, [0.2389942656229905, 0.5220114687540189, 0.2389942656229905].map((v) => v * 0.5220114687540189));
  close(gaussianKernel(3).flat(), [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16));
  close(gaussianKernel(9)[4]!, [4, 13, 30, 51, 60, 51, 30, 13, 4].map((v) => (v * 60) / 65536));
  close([gaussianKernel(7, 2).flat().reduce((a, b) => a + b, 0)], [1]);
  assert.throws(() => gaussianKernel(4), (e: unknown) => e instanceof ValueError && /size is 4; expected a positive odd integer/.test(e.message));
  assert.throws(() => boxKernel(0), /boxKernel: size is 0/);
});

test('sobel gives the gradient magnitude, as cv2.magnitude(Sobel dx, Sobel dy)', () => {
  const img = [[0, 0, 1, 1, 1], [0, 0, 1, 1, 1], [0, 0, 1, 1, 1], [0, 1, 1, 1, 1]];
  // cv2.magnitude(cv2.Sobel(img, CV_32F, 1, 0), cv2.Sobel(img, CV_32F, 0, 1)), default border
  const expected = [[0, 4, 4, 0, 0], [0, 4, 4, 0, 0], [2, 4.4721360206604, 3.1622776985168457, 0, 0], [0, 4, 2, 0, 0]];
  close(sobel(img).flat(), expected.flat(), 1e-6);
  const t = sobel(tensor(img));
  assert.deepEqual(t.shape, [4, 5]);
  close(Array.from(t.data), expected.flat(), 1e-6);
  const im = sobel({ channels: 1, height: 4, width: 5, data: Float32Array.from(img.flat()) });
  close(Array.from(im.data), expected.flat(), 1e-6);
  // cv2.Laplacian(img, CV_32F, ksize=1)
  close(filter2d(img, laplacian).flat(), [0, 1, -1, 0, 0, 0, 1, -1, 0, 0, 0, 2, -1, 0, 0, 2, -3, 0, 0, 0]);
});
