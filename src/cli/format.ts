/**
 * Plain-text output helpers for the command line: aligned tables, rates and counts.
 */

export type Align = 'left' | 'right';

/** Columns separated by two spaces; `align[c]` per column (left by default); a dashed rule under a header. */
export function formatTable(rows: readonly (readonly string[])[], options: { header?: boolean; align?: readonly Align[]; indent?: string } = {}): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, cell.length)));
  const pad = (cell: string, c: number) => (options.align?.[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!));
  const indent = options.indent ?? '';
  const lines = rows.map((row) => indent + row.map(pad).join('  ').trimEnd());
  if (options.header && rows.length > 0) lines.splice(1, 0, indent + widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n') + '\n';
}

/** `0.5` → `50.00%`. */
export const percent = (rate: number): string => `${(100 * rate).toFixed(2)}%`;

/** `1234567` → `1,234,567`. */
export const count = (x: number): string => Math.round(x).toLocaleString('en-US');

/** A mean to two decimals. */
export const mean = (x: number): string => x.toFixed(2);
