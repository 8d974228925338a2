/** Plain-text tables with aligned columns, and the number formats the benchmark prints. */

export type Align = 'left' | 'right';

/** Pads every cell to its column's width; `indent` prefixes every line. */
export function formatTable(rows: readonly (readonly string[])[], align: readonly Align[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) =>
    (indent + row.map((cell, column) => (align[column] === 'right' ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ')).trimEnd(),
  );
}

/** Enough digits to compare sub-millisecond warm times and 100 ms inits alike. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  if (magnitude < 1) return value.toFixed(3);
  if (magnitude < 10) return value.toFixed(2);
  return value.toFixed(1);
}

export function formatSigned(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : '−'}${formatNumber(Math.abs(value))}`;
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `×${value.toFixed(2)}` : 'n/a';
}

export function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
