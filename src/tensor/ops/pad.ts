/**
 * Constant padding of the two spatial dims of an NCHW tensor (F.pad with
 * mode 'constant' on the last two dims), with possibly different amounts on
 * each side: what an asymmetric 'SAME' convolution or a ceil-mode pooling
 * needs in front of it.
 */
import { ShapeError, fmt } from '../errors.js';
import { Tensor, empty, record } from '../tensor.js';
import { currentPath } from './util.js';

/** [top, left, bottom, right], each >= 0. */
export type Pad4 = readonly [number, number, number, number];

export function pad2dOutputShape(shape: readonly number[], pads: Pad4): number[] {
  if (shape.length !== 4) throw new ShapeError('pad2d', `expected a 4-D input [N, C, H, W], got shape ${fmt(shape)}`, currentPath());
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) throw new ShapeError('pad2d', `pads must be integers >= 0, got ${fmt(pads)}`, currentPath());
  const [n, c, h, w] = shape as [number, number, number, number];
  return [n, c, h + pads[0] + pads[2], w + pads[1] + pads[3]];
}

/**
 * Pads H and W with `value` (0 by default; -Infinity in front of max pooling).
 *
 * Shape: [N, C, H, W] → [N, C, H + top + bottom, W + left + right].
 * @example pad2d(x, [0, 0, 1, 1])   // one row below, one column right
 */
export function pad2d(x: Tensor, pads: Pad4, value = 0): Tensor {
  const shape = pad2dOutputShape(x.shape, pads);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [, , oh, ow] = shape as [number, number, number, number];
  const out = empty(shape);
  out.data.fill(value);
  const [top, left] = pads;
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < h; i++) {
      const src = (p * h + i) * w;
      out.data.set(x.data.subarray(src, src + w), (p * oh + i + top) * ow + left);
    }
  }
  return record(out, 'pad2d', [x], (g) => {
    const dx = empty(x.shape);
    for (let p = 0; p < n * c; p++) {
      for (let i = 0; i < h; i++) {
        const at = (p * oh + i + top) * ow + left;
        dx.data.set(g.data.subarray(at, at + w), (p * h + i) * w);
      }
    }
    return [dx];
  });
}
