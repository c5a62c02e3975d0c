// One table of the bench report, built once and rendered twice: as padded text for the
// terminal and as an HTML table for the report page, so both always show the same cells.
import { escapeHtml } from "../common/html-escape.ts";
import { textTable } from "../common/text-table.ts";

export interface ReportTable {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  /** Columns of text, aligned left; the others hold numbers and align right. */
  left: readonly number[];
  /** Per row, where its first cell links to on the page (a trace file), if anywhere. */
  links?: readonly (string | undefined)[];
}

export function tableText({ headers, rows, left }: ReportTable): string[] {
  return textTable(headers, rows, [...left]);
}

export function tableHtml({ headers, rows, left, links }: ReportTable): string {
  const cells = (tag: string, values: readonly string[], link?: string) =>
    values
      .map((value, column) => {
        const align = left.includes(column) ? ' class="text"' : "";
        const text = escapeHtml(value);
        const content = column === 0 && link ? `<a href="${escapeHtml(link)}">${text}</a>` : text;
        return `<${tag}${align}>${content}</${tag}>`;
      })
      .join("");
  const body = rows.map((row, i) => `<tr>${cells("td", row, links?.[i])}</tr>`).join("\n");
  return `<table>\n<tr>${cells("th", headers)}</tr>\n${body}\n</table>`;
}
