// One table of the bench report, built once and rendered twice: as padded text for the
// terminal and as an HTML table for the report page, so both always show the same cells.
import { escapeHtml } from "../common/html-escape.ts";
import { textTable } from "../common/text-table.ts";

export interface ReportTable {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  /** Columns of text, aligned left; the others hold numbers and align right. */
  left: readonly number[];
}

export function tableText({ headers, rows, left }: ReportTable): string[] {
  return textTable(headers, rows, [...left]);
}

export function tableHtml({ headers, rows, left }: ReportTable): string {
  const cells = (tag: string, values: readonly string[]) =>
    values
      .map((value, column) => {
        const align = left.includes(column) ? ' class="text"' : "";
        return `<${tag}${align}>${escapeHtml(value)}</${tag}>`;
      })
      .join("");
  return `<table>\n<tr>${cells("th", headers)}</tr>\n${rows.map((row) => `<tr>${cells("td", row)}</tr>`).join("\n")}\n</table>`;
}
