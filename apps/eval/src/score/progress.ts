/** Progress events of a scoring run (`score-start`, `score-progress`, `score-end`). */
export type ScoreProgressEvent =
  | { readonly type: 'score-start'; readonly total: number; readonly label: string }
  | { readonly type: 'score-progress'; readonly done: number; readonly total: number }
  | { readonly type: 'score-end'; readonly total: number };

/**
 * A one-line progress bar on stderr (redrawn in place on a TTY, a few plain lines otherwise) so long runs
 * show they are alive without polluting the table on stdout.
 */
export function stderrProgressBar(
  stream: NodeJS.WriteStream = process.stderr,
): (e: ScoreProgressEvent) => void {
  let label = '';
  let lastPrinted = -1;
  const started = Date.now();
  return (e) => {
    if (e.type === 'score-start') {
      label = e.label;
      return;
    }
    if (e.type === 'score-end') {
      if (stream.isTTY) stream.write('\n');
      return;
    }
    const frac = e.total === 0 ? 1 : e.done / e.total;
    const pct = Math.floor(frac * 100);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(frac * width);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.done}/${e.total} ${secs}s`,
      );
    } else if (pct >= lastPrinted + 25 || e.done === e.total) {
      lastPrinted = pct;
      stream.write(`${label}: ${e.done}/${e.total} (${pct}%)\n`);
    }
  };
}
