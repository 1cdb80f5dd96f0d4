/**
 * Pooling kernels of the js backend. Windows are placed as in PyTorch: the
 * output size (floor or ceil mode) is the op's business; here window `y`
 * starts at y * stride - padding and has `kernel` taps `dilation` apart,
 * those outside the input skipped.
 */
import type { F32, Pool2dAttrs, Shape } from '../kernels.js';

/**
 * One pooling window: output index `o`, its plane's offset `base`, the taps rows y0, y0 + dy, ... < y1 and
 * columns x0, x0 + dx, ... < x1 inside the input, and the window's extent clipped to the padded input
 * (`padded`, PyTorch's pool_size: the count_include_pad divisor).
 */
type Window = (o: number, base: number, y0: number, y1: number, x0: number, x1: number, padded: number) => void;

/** First tap at or after 0 of a window starting at `start` with taps `d` apart. */
const firstTap = (start: number, d: number): number => (start >= 0 ? start : start + Math.ceil(-start / d) * d);

/** Calls `visit` for every output position of a pooling, in output order (windows as PyTorch places them). */
function forEachWindow(xShape: Shape, outShape: Shape, a: Pool2dAttrs, visit: Window): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const oh = outShape[2]!, ow = outShape[3]!;
  const [kh, kw] = a.kernel, [sh, sw] = a.stride, [ph, pw] = a.padding, [dh, dw] = a.dilation;
  let o = 0;
  for (let p = 0; p < n * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < oh; y++) {
      const ys = y * sh - ph, ye = ys + (kh - 1) * dh + 1;
      const y0 = firstTap(ys, dh), y1 = Math.min(h, ye);
      const padH = Math.min(ye, h + ph) - ys;
      for (let xo = 0; xo < ow; xo++, o++) {
        const xs = xo * sw - pw, xe = xs + (kw - 1) * dw + 1;
        visit(o, base, y0, y1, firstTap(xs, dw), Math.min(w, xe), padH * (Math.min(xe, w + pw) - xs));
      }
    }
  }
}

/** Index of a window's first maximum (a NaN takes the window over, as in PyTorch); -1 for an empty window. */
function argmaxIn(x: F32, w: number, base: number, y0: number, y1: number, x0: number, x1: number, dh: number, dw: number): number {
  let best = -Infinity;
  let at = -1;
  for (let iy = y0; iy < y1; iy += dh) {
    const row = base + iy * w;
    for (let ix = x0; ix < x1; ix += dw) {
      const v = x[row + ix]!;
      if (v > best || Number.isNaN(v)) {
        best = v;
        at = row + ix;
      }
    }
  }
  return at;
}

/** Max pooling; padded positions never win (they are -inf), the first maximum wins ties. */
export function maxPool2d(x: F32, xShape: Shape, out: F32, outShape: Shape, a: Pool2dAttrs): void {
  const w = xShape[3]!;
  const [dh, dw] = a.dilation;
  forEachWindow(xShape, outShape, a, (o, base, y0, y1, x0, x1) => {
    const at = argmaxIn(x, w, base, y0, y1, x0, x1, dh, dw);
    out[o] = at >= 0 ? x[at]! : -Infinity;
  });
}

/** Routes each output gradient to the position of its window's (first) maximum. */
export function maxPool2dBackward(x: F32, xShape: Shape, dy: F32, dyShape: Shape, dx: F32, a: Pool2dAttrs): void {
  const w = xShape[3]!;
  const [dh, dw] = a.dilation;
  dx.fill(0);
  forEachWindow(xShape, dyShape, a, (o, base, y0, y1, x0, x1) => {
    const at = argmaxIn(x, w, base, y0, y1, x0, x1, dh, dw);
    if (at >= 0) dx[at] = dx[at]! + dy[o]!;
  });
}

/** PyTorch's avg_pool2d divisor: an override, the window inside the padded input, or the real pixels only. */
function divisorOf(a: Pool2dAttrs, y0: number, y1: number, x0: number, x1: number, padded: number): number {
  if (a.divisor > 0) return a.divisor;
  if (a.countIncludePad) return padded;
  return (y1 - y0) * (x1 - x0);
}

/** Average pooling (sum pooling with divisor 1); dilation 1, as in PyTorch. */
export function avgPool2d(x: F32, xShape: Shape, out: F32, outShape: Shape, a: Pool2dAttrs): void {
  const w = xShape[3]!;
  forEachWindow(xShape, outShape, a, (o, base, y0, y1, x0, x1, padded) => {
    let s = 0;
    for (let iy = y0; iy < y1; iy++) {
      const row = base + iy * w;
      for (let ix = x0; ix < x1; ix++) s += x[row + ix]!;
    }
    out[o] = s / divisorOf(a, y0, y1, x0, x1, padded);
  });
}

export function avgPool2dBackward(dy: F32, dyShape: Shape, dx: F32, xShape: Shape, a: Pool2dAttrs): void {
  const w = xShape[3]!;
  dx.fill(0);
  forEachWindow(xShape, dyShape, a, (o, base, y0, y1, x0, x1, padded) => {
    const g = dy[o]! / divisorOf(a, y0, y1, x0, x1, padded);
    for (let iy = y0; iy < y1; iy++) {
      const row = base + iy * w;
      for (let ix = x0; ix < x1; ix++) dx[row + ix] = dx[row + ix]! + g;
    }
  });
}

/** PyTorch's adaptive bins: [floor(i * H / oh), ceil((i + 1) * H / oh)). */
function bin(i: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

export function adaptiveAvgPool2d(x: F32, xShape: Shape, out: F32, outShape: Shape): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const oh = outShape[2]!, ow = outShape[3]!;
  let o = 0;
  for (let p = 0; p < n * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < oh; y++) {
      const [y0, y1] = bin(y, h, oh);
      for (let xo = 0; xo < ow; xo++, o++) {
        const [x0, x1] = bin(xo, w, ow);
        let s = 0;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) s += x[base + iy * w + ix]!;
        out[o] = s / ((y1 - y0) * (x1 - x0));
      }
    }
  }
}

export function adaptiveAvgPool2dBackward(dy: F32, dyShape: Shape, dx: F32, xShape: Shape): void {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const oh = dyShape[2]!, ow = dyShape[3]!;
  dx.fill(0);
  let o = 0;
  for (let p = 0; p < n * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < oh; y++) {
      const [y0, y1] = bin(y, h, oh);
      for (let xo = 0; xo < ow; xo++, o++) {
        const [x0, x1] = bin(xo, w, ow);
        const g = dy[o]! / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) dx[base + iy * w + ix] = dx[base + iy * w + ix]! + g;
      }
    }
  }
}
