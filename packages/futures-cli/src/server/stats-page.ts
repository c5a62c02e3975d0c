// GET /stats: JSON for programs (pretty-printed, so curl shows it readably too), and a table
// for a person in a browser, told apart by the Accept header.
import { escapeHtml } from "../common/html-escape.ts";
import { FAULT_KINDS } from "./fault-kinds.ts";
import { LISTENER_LABELS } from "./options.ts";
import { htmlPage } from "./page-layout.ts";
import { MAX_REQUESTS_IN_FLIGHT } from "./pipelining-limit.ts";
import { cutShortText, outcomeParts, type ServerStats } from "./stats.ts";

export function statsJson(stats: ServerStats): Buffer {
  return Buffer.from(JSON.stringify(stats, null, 2) + "\n");
}

/**
 * True when the client ranks text/html above JSON, as browsers do (text/html first, then
 * *\/* at q=0.8); a client asking for application/json, curl's *\/*, or no Accept gets JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let html = 0;
  let json = 0;
  let jsonSpecificity = -1;
  for (const part of accept.split(",")) {
    const [range = "", ...params] = part.split(";").map((text) => text.trim().toLowerCase());
    const q = quality(params);
    if (range === "text/html") html = Math.max(html, q);
    // The most specific range that covers JSON sets its quality (RFC 9110, 12.5.1).
    const specificity = ["*/*", "application/*", "application/json"].indexOf(range);
    if (specificity > jsonSpecificity) [jsonSpecificity, json] = [specificity, q];
    else if (specificity === jsonSpecificity && specificity >= 0) json = Math.max(json, q);
  }
  return html > json;
}

function quality(params: string[]): number {
  const q = params.find((param) => param.startsWith("q="));
  if (q === undefined) return 1;
  const value = Number(q.slice(2));
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 1;
}

const STYLE = `
  table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #ddd; padding: .3rem .7rem; text-align: right; }
  th:first-child, td:first-child, td.outcomes { text-align: left; }
  thead th { background: #f2f2f2; }
  td.zero { color: #bbb; }
  summary { cursor: pointer; margin: .5rem 0; }
  pre { padding: .6rem; overflow: auto; }`;

export function statsPage(stats: ServerStats): Buffer {
  const labels = LISTENER_LABELS.filter((label) => stats[label]);
  const kinds = FAULT_KINDS.map((row) => row.kind);
  const number = (n: number) => `<td${n === 0 ? ' class="zero"' : ""}>${n}</td>`;
  const rows = labels.map((label) => {
    const s = stats[label]!;
    // Numbers and fixed words only: nothing to escape.
    const cutShort = cutShortText(s);
    const outcomes = outcomeParts(s, "&times;").join(", ") + (cutShort && ` (${cutShort})`);
    return (
      `<tr><th>${label}</th>${number(s.requests)}<td class="outcomes">${outcomes || "none yet"}</td>` +
      kinds.map((kind) => number(s.faults[kind])).join("") +
      number(s.connections.evicted) +
      number(s.connections.refused) +
      number(s.connections.overPipelined) +
      "</tr>"
    );
  });
  const body = `<p>What each listener served and injected since it started. Only flag requests count, not
these pages nor the flags the index page shows. Reload for the latest counts.</p>
<table>
<thead>
<tr><th rowspan="2">listener</th><th rowspan="2">flag requests</th><th rowspan="2" style="text-align:left">answers by status, and requests without one</th><th colspan="${kinds.length}">faults injected</th><th colspan="3">connections closed by the caps</th></tr>
<tr>${kinds.map((kind) => `<th>${kind}</th>`).join("")}<th>idle, evicted</th><th>refused</th><th>over ${MAX_REQUESTS_IN_FLIGHT} pipelined</th></tr>
</thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
<p>Programs get the same counts as JSON from this URL: any client that does not ask for HTML first,
like <code>curl</code> or one sending <code>Accept: application/json</code>.</p>
<details><summary>The JSON</summary>
<pre>${escapeHtml(statsJson(stats).toString())}</pre>
</details>
<p><a href="/">Back to the flags</a></p>`;
  return htmlPage("futures flag server: stats", body, STYLE);
}
