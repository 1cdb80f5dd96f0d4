/**
 * Import-time evaluation of the small integer computations exporters wrap
 * around static shapes and pads (PyTorch turns `F.pad(x, (0, 1, 0, 1))` into
 * ConstantOfShape → Concat → Reshape → Slice → Transpose → Reshape → Cast).
 * These work on constants only; on a tensor computed at run time the
 * converter says the operator is not supported there.
 */
import type { ConstValue } from './onnx-op-context.js';

const strides = (dims: readonly number[]): number[] => {
  const s = dims.map(() => 1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
};

/** A tensor of `shape` filled with the one value of `value` (ONNX ConstantOfShape; default float 0). */
export function constantOfShape(shape: ConstValue, value: ConstValue | undefined): ConstValue {
  const dims = Array.from(shape.data);
  const n = dims.reduce((a, b) => a * b, 1);
  const v = value?.data[0] ?? 0;
  return { dims, data: !value || value.data instanceof Float32Array ? new Float32Array(n).fill(v) : new Array<number>(n).fill(v) };
}

/** ONNX Transpose of a constant: out.dims[i] = dims[perm[i]]. */
export function transposeConst(x: ConstValue, perm: readonly number[]): ConstValue {
  const dims = perm.map((p) => x.dims[p]!);
  const inStrides = strides(x.dims);
  const outStrides = strides(dims);
  const n = x.data.length;
  const out: number[] = new Array<number>(n);
  for (let o = 0; o < n; o++) {
    let rest = o, src = 0;
    for (let i = 0; i < dims.length; i++) {
      const idx = Math.floor(rest / outStrides[i]!);
      rest -= idx * outStrides[i]!;
      src += idx * inStrides[perm[i]!]!;
    }
    out[o] = x.data[src]!;
  }
  return { dims, data: x.data instanceof Float32Array ? Float32Array.from(out) : out };
}

/** ONNX Slice of a constant (starts/ends clamped as the spec says; negative steps walk backwards). */
export function sliceConst(x: ConstValue, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): ConstValue {
  const r = x.dims.length;
  const ranges = x.dims.map((d) => ({ start: 0, step: 1, count: d }));
  starts.forEach((s0, k) => {
    const axis = (axes?.[k] ?? k) < 0 ? axes![k]! + r : (axes?.[k] ?? k);
    const d = x.dims[axis]!;
    const step = steps?.[k] ?? 1;
    const norm = (v: number): number => (v < 0 ? v + d : v);
    let start = norm(s0), end = norm(ends[k]!);
    if (step > 0) {
      start = Math.min(Math.max(start, 0), d);
      end = Math.min(Math.max(end, 0), d);
    } else {
      start = Math.min(Math.max(start, 0), d - 1);
      end = Math.min(Math.max(end, -1), d - 1);
    }
    ranges[axis] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  });
  const dims = ranges.map((g) => g.count);
  const inStrides = strides(x.dims);
  const outStrides = strides(dims);
  const n = dims.reduce((a, b) => a * b, 1);
  const out: number[] = new Array<number>(n);
  for (let o = 0; o < n; o++) {
    let rest = o, src = 0;
    for (let i = 0; i < r; i++) {
      const idx = Math.floor(rest / outStrides[i]!);
      rest -= idx * outStrides[i]!;
      src += (ranges[i]!.start + idx * ranges[i]!.step) * inStrides[i]!;
    }
    out[o] = x.data[src]!;
  }
  return { dims, data: x.data instanceof Float32Array ? Float32Array.from(out) : out };
}
