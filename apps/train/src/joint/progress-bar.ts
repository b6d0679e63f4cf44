/** A one-line progress bar with ETA on a stream (redrawn in place on a TTY, every ~10% otherwise). */
export class ProgressBar {
  private readonly started = Date.now();
  private lastPlainPercent = -10;
  private lastPlainAt = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
    private readonly firstDone = 0,
  ) {}

  update(done: number, detail = ''): void {
    const fraction = this.total === 0 ? 1 : done / this.total;
    const width = 24;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = (done - this.firstDone) / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Number.NaN;
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} ETA ${formatSeconds(eta)}${detail ? ` ${detail}` : ''}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
      if (done >= this.total) this.stream.write('\n');
    } else {
      const percent = Math.floor(fraction * 100);
      // Off a TTY: a line every 10% or every 30 s, so logs show the run is alive without flooding.
      if (
        percent >= this.lastPlainPercent + 10 ||
        done >= this.total ||
        Date.now() - this.lastPlainAt > 30_000
      ) {
        this.lastPlainPercent = percent;
        this.lastPlainAt = Date.now();
        this.stream.write(`${line}\n`);
      }
    }
  }
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
