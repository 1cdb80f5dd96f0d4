/**
 * Where the time goes: runs a function with every kernel of the active
 * backend wrapped in a timer, and returns milliseconds per kernel (and per
 * convolution/GEMM shape) per call of the function.
 */
import { kernels } from '../backend/configure.js';
import type { KernelTable } from '../backend/kernels.js';

export interface KernelTime {
  kernel: string;
  /** Shape detail for conv/matmul calls, e.g. "x[64,32,28,28] w[32,32,3,3]" or "64x120x400 NT". */
  detail: string;
  msPerCall: number;
  share: number;
}

function detailOf(name: string, args: unknown[]): string {
  if (name.startsWith('conv2d')) {
    const shapes = args.filter((a): a is number[] => Array.isArray(a));
    return shapes.slice(0, 2).map((s) => `[${s.join(',')}]`).join(' ');
  }
  if (name === 'matmul') {
    const [, , , batch, m, n, k, ta, tb] = args as [unknown, unknown, unknown, number, number, number, number, boolean, boolean];
    return `${batch > 1 ? `${batch}x ` : ''}${m}x${n}x${k}${ta || tb ? ` ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}` : ''}`;
  }
  return '';
}

/** Times `fn` `calls` times with per-kernel timers; the kernel table is restored afterwards. */
export function profileKernels(fn: () => void, calls: number): { totalMs: number; kernels: KernelTime[] } {
  const table = kernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = { ...table };
  const times = new Map<string, number>();
  for (const name of Object.keys(original)) {
    const f = original[name]!;
    table[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const r = f(...args);
      const key = `${name}\u0000${detailOf(name, args)}`;
      times.set(key, (times.get(key) ?? 0) + performance.now() - t0);
      return r;
    };
  }
  let totalMs = 0;
  try {
    fn(); // warm-up, not counted
    times.clear();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    totalMs = (performance.now() - t0) / calls;
  } finally {
    Object.assign(table, original as unknown as KernelTable);
  }
  const list = [...times].map(([key, ms]) => {
    const [kernel, detail] = key.split('\u0000') as [string, string];
    return { kernel, detail, msPerCall: ms / calls, share: ms / calls / totalMs };
  });
  list.sort((a, b) => b.msPerCall - a.msPerCall);
  return { totalMs, kernels: list };
}
