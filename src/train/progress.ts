/**
 * A one-line terminal progress bar (redrawn in place on a TTY, silent otherwise).
 */
export class ProgressBar {
  private last = 0;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly width = 28) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Redraws at most ~10 times a second (and always at 100%). */
  update(done: number, total: number, text: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (done < total && now - this.last < 100) return;
    this.last = now;
    const f = total ? done / total : 1;
    const fill = Math.round(f * this.width);
    const bar = '█'.repeat(fill) + '░'.repeat(this.width - fill);
    this.stream.write(`\r${bar} ${String(done).padStart(String(total).length)}/${total} ${text}\x1b[K`);
  }

  /** Clears the line. */
  done(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}
