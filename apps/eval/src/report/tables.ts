/** A paper-style table: metric columns under group headers, one row per method. */
export interface GroupedTable {
  /** Header of the label column, e.g. "Method" or "Setting". */
  readonly labelHeader: string;
  readonly columns: readonly { readonly group: string; readonly name: string }[];
  /** Values as printed (x100, one decimal); null prints as "-". */
  readonly rows: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
}

/** A table value as the paper prints it: one decimal, "-" when not applicable. */
export function formatCell(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : v.toFixed(1);
}

/** Per column, the index of the rows holding its maximum (none when the column has no value). */
function bestRows(t: GroupedTable): Set<number>[] {
  return t.columns.map((_, c) => {
    const values = t.rows.map((r) => r.values[c] ?? null);
    const present = values.filter((v): v is number => v !== null);
    if (present.length === 0) return new Set<number>();
    const max = Math.max(...present);
    return new Set(values.flatMap((v, i) => (v === max ? [i] : [])));
  });
}

/**
 * Plain text for the terminal: a group header row ("When", "Where", ...) over the metric names, numbers
 * right-aligned. With `markBest`, the best value of each column gets a trailing `*`.
 */
export function formatTableText(t: GroupedTable, options: { readonly markBest?: boolean } = {}): string {
  const best = options.markBest ? bestRows(t) : t.columns.map(() => new Set<number>());
  const cells = t.rows.map((r, i) =>
    t.columns.map(
      (_, c) => `${formatCell(r.values[c])}${best[c]?.has(i) ? '*' : options.markBest ? ' ' : ''}`,
    ),
  );
  const widths = t.columns.map((col, c) =>
    Math.max(col.name.length, ...cells.map((row) => (row[c] as string).length)),
  );
  // Widen the last column of a group whose label is longer than its columns together.
  const groups: { name: string; first: number; last: number }[] = [];
  t.columns.forEach((col, c) => {
    const g = groups.at(-1);
    if (g && g.name === col.group) g.last = c;
    else groups.push({ name: col.group, first: c, last: c });
  });
  for (const g of groups) {
    let span = -2;
    for (let c = g.first; c <= g.last; c++) span += (widths[c] as number) + 2;
    if (g.name.length > span) widths[g.last] = (widths[g.last] as number) + g.name.length - span;
  }
  const labelWidth = Math.max(t.labelHeader.length, ...t.rows.map((r) => r.label.length));
  const groupLine =
    ' '.repeat(labelWidth) +
    groups
      .map((g) => {
        let span = -2;
        for (let c = g.first; c <= g.last; c++) span += (widths[c] as number) + 2;
        return `  ${g.name.padEnd(span)}`;
      })
      .join('');
  const line = (label: string, values: readonly string[]) =>
    label.padEnd(labelWidth) + values.map((v, c) => `  ${v.padStart(widths[c] as number)}`).join('');
  return [
    groupLine.trimEnd(),
    line(
      t.labelHeader,
      t.columns.map((c) => c.name),
    ),
    ...t.rows.map((r, i) => line(r.label, cells[i] as string[]).trimEnd()),
  ].join('\n');
}

const escapeMarkdown = (s: string) => s.replace(/\|/g, '\\|');

/**
 * A markdown table with padded, aligned columns (the layout formatters such as biome give markdown
 * tables, so the file reads well as text and stays unchanged when formatted).
 * Cells are used as given (escape `|` before).
 */
export function markdownTable(
  header: readonly string[],
  align: readonly ('left' | 'right')[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const cell = (text: string, c: number) =>
    align[c] === 'right' ? text.padStart(widths[c] as number) : text.padEnd(widths[c] as number);
  const line = (cells: readonly string[]) => `| ${cells.map((t, c) => cell(t, c)).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (align[c] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map((r) => line(header.map((_, c) => r[c] ?? '')))].join('\n');
}

/**
 * A GitHub-flavoured markdown table (no column spans there: the header reads "When R1@0.5", ...).
 * With `boldBest`, the best value of each column is bold, as in the paper.
 */
export function formatTableMarkdown(t: GroupedTable, options: { readonly boldBest?: boolean } = {}): string {
  const best = options.boldBest ? bestRows(t) : t.columns.map(() => new Set<number>());
  return markdownTable(
    [escapeMarkdown(t.labelHeader), ...t.columns.map((c) => escapeMarkdown(`${c.group} ${c.name}`))],
    ['left', ...t.columns.map(() => 'right' as const)],
    t.rows.map((r, i) => [
      escapeMarkdown(r.label),
      ...t.columns.map((_, c) => {
        const s = formatCell(r.values[c]);
        return best[c]?.has(i) ? `**${s}**` : s;
      }),
    ]),
  );
}
