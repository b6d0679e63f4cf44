/** A text progress bar per stage: done/total videos, rate-based ETA; redraws in place on a TTY. */
export interface ProgressWriter {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Formats seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One stage's bar. ETA = elapsed / done * remaining, over the videos this run actually processed. */
export class StageProgress {
  private done = 0;
  private skipped = 0;
  private failed = 0;
  private readonly startedAt: number;

  constructor(
    readonly stage: string,
    readonly total: number,
    private readonly out: ProgressWriter | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.render();
  }

  /** A video finished this stage: 'done' (ran now), 'skipped' (already finished earlier) or 'failed'. */
  tick(outcome: 'done' | 'skipped' | 'failed'): void {
    if (outcome === 'done') this.done++;
    else if (outcome === 'skipped') this.skipped++;
    else this.failed++;
    this.render();
  }

  /** ETA in seconds; NaN until one video has been processed in this run. */
  etaSeconds(): number {
    const remaining = this.total - this.done - this.skipped - this.failed;
    const processed = this.done + this.failed;
    if (remaining === 0) return 0;
    if (processed === 0) return Number.NaN;
    return (((this.now() - this.startedAt) / 1000) * remaining) / processed;
  }

  line(): string {
    const finished = this.done + this.skipped + this.failed;
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((finished / this.total) * width);
    const extras = [this.skipped ? `${this.skipped} skipped` : '', this.failed ? `${this.failed} failed` : '']
      .filter(Boolean)
      .join(', ');
    return (
      `${this.stage.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${this.total}` +
      `${extras ? ` (${extras})` : ''} ETA ${formatDuration(this.etaSeconds())}`
    );
  }

  finish(): void {
    if (this.out?.isTTY) this.out.write('\n');
  }

  private render(): void {
    if (!this.out) return;
    if (this.out.isTTY) this.out.write(`\r${this.line()}`);
    else this.out.write(`${this.line()}\n`);
  }
}
