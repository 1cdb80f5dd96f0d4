/**
 * The bookkeeping behind receptive fields: which positions of a feature map a
 * unit reaches, layer by layer back to the input.
 *
 * A reach is a union of regions, each region a set of rows times a set of
 * columns of a value's last two axes (H and W of NCHW). Every CNN layer maps
 * rows and columns independently, so a single region stays a single region
 * through a chain; a join in a graph (a residual add, a concat) unions the
 * regions of its branches. A union is kept as a list and not merged into one
 * region because a branch whose rows all fall into padding must vanish
 * whole, not leave its columns behind (merging would widen the box).
 */

/** Rows `ys` and columns `xs` of a value's last two axes (1 = reached); both non-empty. */
export interface Region {
  readonly ys: Uint8Array;
  readonly xs: Uint8Array;
}

/** Where a unit reaches in a value: a union of regions, or every position (after Flatten, Linear, ...). */
export type Reach = readonly Region[] | 'all';

/**
 * Above this many regions a union is merged into one (rows of all, columns of
 * all): never seen in real networks, where one branch's region contains the
 * other's (a residual shortcut sees less than its body); it bounds the work.
 */
const MAX_REGIONS = 32;

/** The union of reaches: 'all' absorbs; empty regions and regions inside another are dropped. */
export function union(...reaches: Reach[]): Reach {
  if (reaches.some((r) => r === 'all')) return 'all';
  const out: Region[] = [];
  for (const r of (reaches as (readonly Region[])[]).flat()) {
    if (isEmpty(r) || out.some((o) => contains(o, r))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (contains(r, out[i]!)) out.splice(i, 1);
    out.push(r);
  }
  if (out.length <= MAX_REGIONS) return out;
  return [{ ys: orAll(out.map((r) => r.ys)), xs: orAll(out.map((r) => r.xs)) }];
}

/** Applies `f` to every region and unions the results. */
export function mapRegions(reach: Reach, f: (r: Region) => Reach): Reach {
  if (reach === 'all') return 'all';
  return union(...reach.map(f));
}

function isEmpty(r: Region): boolean {
  return r.ys.indexOf(1) < 0 || r.xs.indexOf(1) < 0;
}

function contains(a: Region, b: Region): boolean {
  const sub = (p: Uint8Array, q: Uint8Array) => p.length === q.length && q.every((v, i) => !v || p[i]);
  return sub(a.ys, b.ys) && sub(a.xs, b.xs);
}

function orAll(masks: Uint8Array[]): Uint8Array {
  const r = new Uint8Array(masks[0]!.length);
  for (const m of masks) m.forEach((v, i) => (r[i] = r[i]! | v));
  return r;
}

/** Input positions reached from the marked outputs of a sliding window: o*stride - pad + dilation*j, inside [0, n). */
export function window(out: Uint8Array, n: number, k: number, stride: number, pad: number, dilation: number): Uint8Array {
  const r = new Uint8Array(n);
  out.forEach((on, o) => {
    if (!on) return;
    for (let j = 0; j < k; j++) {
      const i = o * stride - pad + dilation * j;
      if (i >= 0 && i < n) r[i] = 1;
    }
  });
  return r;
}

/** A transposed convolution scatters input i to outputs i*stride - pad + dilation*j: the inputs that reach a marked output. */
export function transposedWindow(out: Uint8Array, n: number, k: number, stride: number, pad: number, dilation: number): Uint8Array {
  const r = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k && !r[i]; j++) {
      const o = i * stride - pad + dilation * j;
      if (o >= 0 && o < out.length && out[o]) r[i] = 1;
    }
  }
  return r;
}

/** Padding (or cropping, when negative) by `before` in front: output o is input o - before. */
export function shifted(out: Uint8Array, n: number, before: number): Uint8Array {
  const r = new Uint8Array(n);
  out.forEach((on, o) => {
    const i = o - before;
    if (on && i >= 0 && i < n) r[i] = 1;
  });
  return r;
}

/** AdaptiveAvgPool2d's bins, as PyTorch computes them: [floor(o*n/m), ceil((o+1)*n/m)). */
export function adaptive(out: Uint8Array, n: number, m: number): Uint8Array {
  const r = new Uint8Array(n);
  out.forEach((on, o) => {
    if (!on) return;
    for (let i = Math.floor((o * n) / m); i < Math.ceil(((o + 1) * n) / m); i++) r[i] = 1;
  });
  return r;
}

/** Broadcasting: an axis of size 1 stretched to the output's size is reached when any output position is. */
export function broadcast(out: Uint8Array, n: number): Uint8Array {
  if (n === out.length) return out;
  return Uint8Array.of(out.indexOf(1) >= 0 ? 1 : 0);
}

/** Positions [start, start + n) of `out` (one input of a concat along this axis). */
export function slice(out: Uint8Array, start: number, n: number): Uint8Array {
  return out.slice(start, start + n);
}

/** A mask of n positions with only i marked. */
export function single(n: number, i: number): Uint8Array {
  const r = new Uint8Array(n);
  r[i] = 1;
  return r;
}

/** First and last marked index; [0, -1] when none is marked. */
export function bounds(mask: Uint8Array): [number, number] {
  const first = mask.indexOf(1);
  return first < 0 ? [0, -1] : [first, mask.lastIndexOf(1)];
}
