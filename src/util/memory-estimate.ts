/**
 * Memory estimates, checked before anything is decoded or allocated: work
 * whose estimate is above a limit is refused with the estimate and the limit
 * in the message, instead of growing until the operating system kills the
 * process.
 */

/** The default limit on one operation's estimated memory: 2 GiB. */
export const DEFAULT_MEMORY_LIMIT = 2 * 2 ** 30;

/** Bytes as a person reads them: "512 B", "12.3 MiB", "1.2 GiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
