// What both dashboard pages share: one self-contained HTML file (style and script inline, so
// it works offline, no CDN), the style of the counts and the stream's lanes, and the script's
// two helpers, `$` (an element by id) and `esc` (text made safe for markup it builds).
import { escapeHtml } from "../common/html-escape.ts";

const STYLE = `
  body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
  h1 { font-size: 18px; margin: 0 0 8px; }
  .counts span { margin-right: 14px; }
  .counts b { font-variant-numeric: tabular-nums; }
  #stream { width: 100%; border: 1px solid #ddd; background: #fafafa; }
  .lane text, .axis text { font: 11px system-ui, sans-serif; fill: #444; }`;

const HELPERS = `
const $ = (id) => document.getElementById(id);
const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);`;

/** A page titled `title` (escaped here), with its own style, body (starting "connecting") and script. */
export function pageShell(title: string, page: { style: string; body: string; script: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${page.style}
</style>
</head>
<body data-state="connecting">
${page.body}
<script>${HELPERS}
${page.script}
</script>
</body>
</html>
`;
}
