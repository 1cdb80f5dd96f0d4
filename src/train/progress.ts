/**
 * A one-line terminal progress bar (redrawn in place on a TTY, silent
 * otherwise), with the time left once it can be estimated.
 */
export class ProgressBar {
  private last = -Infinity;
  /** When the current task started, and its last position (a task restarts when `done` falls or `total` changes). */
  private start = 0;
  private startDone = 0;
  private lastDone = Infinity;
  private lastTotal = -1;

  /**
   * @param now the clock, in milliseconds (tests pass their own)
   * @example
   * const bar = new ProgressBar();
   * for (let i = 1; i <= n; i++) { work(i); bar.update(i, n, 'features'); }
   * bar.done();
   */
  constructor(
    private readonly stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
    private readonly width = 28,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Redraws at most ~10 times a second (and always at 100%); after a second of a task, shows its time left. */
  update(done: number, total: number, text: string): void {
    if (!this.enabled) return;
    const now = this.now();
    if (done < this.lastDone || total !== this.lastTotal) {
      this.start = now;
      this.startDone = done;
    }
    this.lastDone = done;
    this.lastTotal = total;
    if (done < total && now - this.last < 100) return;
    this.last = now;
    const f = total ? done / total : 1;
    const fill = Math.round(f * this.width);
    const bar = '█'.repeat(fill) + '░'.repeat(this.width - fill);
    const elapsed = now - this.start;
    const progressed = done - this.startDone;
    const eta = progressed > 0 && done < total && elapsed >= 1000 ? `  ETA ${formatDuration((elapsed / progressed) * (total - done))}` : '';
    this.stream.write(`\r${bar} ${String(done).padStart(String(total).length)}/${total} ${text}${eta}\x1b[K`);
  }

  /** Clears the line; the next update starts a new task. */
  done(): void {
    this.lastDone = Infinity;
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}

/** 8s, 1m05s, 2h03m. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
