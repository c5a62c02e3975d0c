// A plain-text table: a header, a rule, and columns padded to their widest cell.
// Columns named in `left` are left-aligned; the rest (numbers) are right-aligned.
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  left = [0],
): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        left.includes(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)];
}
