/**
 * Single-threaded float32 GEMM for the js backend: C (+)= op(A) @ op(B), all
 * row-major. Two inner shapes, both measured on the workloads' matrix sizes
 * (about 3.5 GFLOP/s in V8, against 2.4 for the textbook axpy loop):
 *
 * - "axpy" form for B untransposed: three rows of C are updated from four rows
 *   of B at a time, so each loaded B value feeds three multiply-adds and the
 *   inner loop runs over contiguous memory. A may be transposed: it is read
 *   through strides (a(i, k) = A[i * sI + k * sK]), so no packing is needed.
 * - "dot" form for B transposed: 2x2 blocks of dot products over contiguous
 *   rows of A and B.
 */
import type { F32 } from '../kernels.js';

/**
 * C[m, n] = beta * C + op(A)[m, k] @ op(B)[k, n], with beta 0 or 1.
 * Offsets select a matrix inside a larger buffer (batched and grouped calls).
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: F32, aOff: number, b: F32, bOff: number, c: F32, cOff: number, accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  if (!transB) {
    // a(i, kk) = a[aOff + i * sI + kk * sK]
    const sI = transA ? 1 : k;
    const sK = transA ? m : 1;
    gemmAxpy(m, n, k, a, aOff, sI, sK, b, bOff, c, cOff);
  } else if (!transA) {
    gemmDot(m, n, k, a, aOff, b, bOff, c, cOff);
  } else {
    // Rare (A^T B^T): transpose A into scratch, then the dot form.
    const at = new Float32Array(m * k);
    for (let i = 0; i < m; i++) for (let kk = 0; kk < k; kk++) at[i * k + kk] = a[aOff + kk * m + i]!;
    gemmDot(m, n, k, at, 0, b, bOff, c, cOff);
  }
}

function gemmAxpy(
  m: number, n: number, k: number, a: F32, aOff: number, sI: number, sK: number,
  b: F32, bOff: number, c: F32, cOff: number,
): void {
  let i = 0;
  // three rows of C per pass: each B value loaded feeds three multiply-adds
  for (; i + 2 < m; i += 3) {
    const c0 = cOff + i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const r0 = aOff + i * sI;
    const r1 = r0 + sI;
    const r2 = r1 + sI;
    let kk = 0;
    for (; kk + 3 < k; kk += 4) {
      const k0 = kk * sK, k1 = k0 + sK, k2 = k1 + sK, k3 = k2 + sK;
      const a00 = a[r0 + k0]!, a01 = a[r0 + k1]!, a02 = a[r0 + k2]!, a03 = a[r0 + k3]!;
      const a10 = a[r1 + k0]!, a11 = a[r1 + k1]!, a12 = a[r1 + k2]!, a13 = a[r1 + k3]!;
      const a20 = a[r2 + k0]!, a21 = a[r2 + k1]!, a22 = a[r2 + k2]!, a23 = a[r2 + k3]!;
      const b0 = bOff + kk * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        const x0 = b[b0 + j]!, x1 = b[b1 + j]!, x2 = b[b2 + j]!, x3 = b[b3 + j]!;
        c[c0 + j] = c[c0 + j]! + (a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3);
        c[c1 + j] = c[c1 + j]! + (a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3);
        c[c2 + j] = c[c2 + j]! + (a20 * x0 + a21 * x1 + a22 * x2 + a23 * x3);
      }
    }
    for (; kk < k; kk++) {
      const a0 = a[r0 + kk * sK]!, a1 = a[r1 + kk * sK]!, a2 = a[r2 + kk * sK]!;
      const b0 = bOff + kk * n;
      for (let j = 0; j < n; j++) {
        const x = b[b0 + j]!;
        c[c0 + j] = c[c0 + j]! + a0 * x;
        c[c1 + j] = c[c1 + j]! + a1 * x;
        c[c2 + j] = c[c2 + j]! + a2 * x;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = cOff + i * n;
    const r0 = aOff + i * sI;
    let kk = 0;
    for (; kk + 3 < k; kk += 4) {
      const a0 = a[r0 + kk * sK]!, a1 = a[r0 + (kk + 1) * sK]!, a2 = a[r0 + (kk + 2) * sK]!, a3 = a[r0 + (kk + 3) * sK]!;
      const b0 = bOff + kk * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        c[c0 + j] = c[c0 + j]! + (a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!);
      }
    }
    for (; kk < k; kk++) {
      const a0 = a[r0 + kk * sK]!;
      const b0 = bOff + kk * n;
      for (let j = 0; j < n; j++) c[c0 + j] = c[c0 + j]! + a0 * b[b0 + j]!;
    }
  }
}

function gemmDot(m: number, n: number, k: number, a: F32, aOff: number, b: F32, bOff: number, c: F32, cOff: number): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const r0 = aOff + i * k;
    const r1 = r0 + k;
    const c0 = cOff + i * n;
    const c1 = c0 + n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const s0 = bOff + j * k;
      const s1 = s0 + k;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0;
      for (let kk = 0; kk < k; kk++) {
        const x0 = a[r0 + kk]!, x1 = a[r1 + kk]!, y0 = b[s0 + kk]!, y1 = b[s1 + kk]!;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c10 += x1 * y0;
        c11 += x1 * y1;
      }
      c[c0 + j] = c[c0 + j]! + c00;
      c[c0 + j + 1] = c[c0 + j + 1]! + c01;
      c[c1 + j] = c[c1 + j]! + c10;
      c[c1 + j + 1] = c[c1 + j + 1]! + c11;
    }
    for (; j < n; j++) {
      const s0 = bOff + j * k;
      let c00 = 0, c10 = 0;
      for (let kk = 0; kk < k; kk++) {
        const y = b[s0 + kk]!;
        c00 += a[r0 + kk]! * y;
        c10 += a[r1 + kk]! * y;
      }
      c[c0 + j] = c[c0 + j]! + c00;
      c[c1 + j] = c[c1 + j]! + c10;
    }
  }
  for (; i < m; i++) {
    const r0 = aOff + i * k;
    for (let j = 0; j < n; j++) {
      const s0 = bOff + j * k;
      let acc = 0;
      for (let kk = 0; kk < k; kk++) acc += a[r0 + kk]! * b[s0 + kk]!;
      c[cOff + i * n + j] = c[cOff + i * n + j]! + acc;
    }
  }
}
