/**
 * Constant padding of the two spatial dims of an NCHW tensor (F.pad with
 * mode 'constant' on the last two dims), with possibly different amounts on
 * each side: what an asymmetric 'SAME' convolution or a ceil-mode pooling
 * needs in front of it. A negative amount crops that side, as in F.pad
 * (what an imported transposed convolution with uneven pads needs after it).
 */
import { ShapeError, fmt } from '../../errors.js';
import { Tensor, empty, record } from '../tensor.js';
import { currentPath } from './util.js';

/** [top, left, bottom, right]; a negative value crops that side. */
export type Pad4 = readonly [number, number, number, number];

export function pad2dOutputShape(shape: readonly number[], pads: Pad4): number[] {
  if (shape.length !== 4) throw new ShapeError('pad2d', `expected a 4-D input [N, C, H, W], got shape ${fmt(shape)}`, currentPath());
  if (pads.some((p) => !Number.isInteger(p))) throw new ShapeError('pad2d', `pads must be integers, got ${fmt(pads)}`, currentPath());
  const [n, c, h, w] = shape as [number, number, number, number];
  const out = [n, c, h + pads[0] + pads[2], w + pads[1] + pads[3]];
  if (out[2]! < 1 || out[3]! < 1) throw new ShapeError('pad2d', `pads ${fmt(pads)} crop all of input ${fmt(shape)} (output ${out[2]}x${out[3]})`, currentPath());
  return out;
}

/**
 * Pads H and W with `value` (0 by default; -Infinity in front of max
 * pooling); negative pads crop.
 *
 * Shape: [N, C, H, W] → [N, C, H + top + bottom, W + left + right].
 * @example pad2d(x, [0, 0, 1, 1])    // one row below, one column right
 * @example pad2d(x, [0, 0, -1, -1])  // drop the last row and column
 */
export function pad2d(x: Tensor, pads: Pad4, value = 0): Tensor {
  const shape = pad2dOutputShape(x.shape, pads);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [, , oh, ow] = shape as [number, number, number, number];
  const [top, left] = pads;
  // the input rows [r0, r1) and columns [c0, c1) that survive; they land at row r + top, column c + left
  const r0 = Math.max(0, -top), r1 = Math.min(h, oh - top);
  const c0 = Math.max(0, -left), c1 = Math.min(w, ow - left);
  const out = empty(shape);
  out.data.fill(value);
  const rows = { planes: n * c, r0, r1, c0, len: c1 - c0, h, w, oh, ow, top, left };
  copyRows(x.data, out.data, rows, false);
  return record(out, 'pad2d', [x], (g) => {
    const dx = empty(x.shape, true);
    copyRows(dx.data, g.data, rows, true);
    return [dx];
  });
}

interface Rows { planes: number; r0: number; r1: number; c0: number; len: number; h: number; w: number; oh: number; ow: number; top: number; left: number }

/**
 * Copies the surviving input rows into the padded output (or, `back`, from
 * the padded gradient into the input's). Short rows (a 7- or 14-wide map)
 * are copied element by element: a typed-array view per row costs more than
 * the row.
 */
function copyRows(small: Float32Array, big: Float32Array, r: Rows, back: boolean): void {
  for (let p = 0; p < r.planes; p++) {
    for (let i = r.r0; i < r.r1; i++) {
      const s = (p * r.h + i) * r.w + r.c0;
      const d = (p * r.oh + i + r.top) * r.ow + r.left + r.c0;
      if (r.len >= 64) {
        if (back) small.set(big.subarray(d, d + r.len), s);
        else big.set(small.subarray(s, s + r.len), d);
      } else if (back) {
        for (let j = 0; j < r.len; j++) small[s + j] = big[d + j]!;
      } else {
        for (let j = 0; j < r.len; j++) big[d + j] = small[s + j]!;
      }
    }
  }
}
