/**
 * Concatenation along one dim (torch.cat), and its gradient: each input gets
 * back its own slice of the output gradient.
 */
import { ShapeError, fmt } from '../../errors.js';
import { Tensor, empty, record } from '../tensor.js';
import { currentPath, normDim } from './util.js';

/** Copies along `dim` between a big tensor and its parts (both directions share the index math). */
function blocks(shapes: readonly (readonly number[])[], d: number, visit: (part: number, partOffset: number, bigOffset: number, len: number) => void): void {
  const first = shapes[0]!;
  const outer = first.slice(0, d).reduce((a, b) => a * b, 1);
  const inner = first.slice(d + 1).reduce((a, b) => a * b, 1);
  const total = shapes.reduce((a, s) => a + s[d]!, 0);
  for (let o = 0; o < outer; o++) {
    let at = 0;
    shapes.forEach((s, p) => {
      const len = s[d]! * inner;
      visit(p, o * len, (o * total + at) * inner, len);
      at += s[d]!;
    });
  }
}

/**
 * Joins tensors along `dim`; all other dims must agree.
 *
 * Shape: [.., a, ..] + [.., b, ..] → [.., a + b, ..].
 * @example concat([x, y], 1)   // channels of x, then channels of y
 */
export function concat(xs: readonly Tensor[], dim: number): Tensor {
  const first = xs[0];
  if (!first) throw new ShapeError('concat', 'needs at least one tensor', currentPath());
  const d = normDim('concat', dim, first.ndim, first.shape);
  for (const x of xs) {
    if (x.ndim !== first.ndim || x.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError('concat', `shapes ${xs.map((t) => fmt(t.shape)).join(', ')} differ outside dim ${d}`, currentPath());
    }
  }
  const shape = [...first.shape];
  shape[d] = xs.reduce((a, x) => a + x.shape[d]!, 0);
  const out = empty(shape);
  const shapes = xs.map((x) => x.shape);
  blocks(shapes, d, (p, po, bo, len) => out.data.set(xs[p]!.data.subarray(po, po + len), bo));
  return record(out, 'concat', xs, (g) => {
    const parts = xs.map((x) => empty(x.shape));
    blocks(shapes, d, (p, po, bo, len) => parts[p]!.data.set(g.data.subarray(bo, bo + len), po));
    return parts;
  });
}
