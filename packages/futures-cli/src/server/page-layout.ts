// The frame of the pages a listener serves: one look for the flag grid and the stats view.
// The empty icon keeps browsers from asking for /favicon.ico, which would count as a flag
// request (a 404, or a fault on the ERROR listener).
import { escapeHtml } from "../common/html-escape.ts";

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; max-width: 80rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
  p { margin: .3rem 0; line-height: 1.4; }
  code, pre { background: #f2f2f2; }
  code { padding: 0 .25rem; }`;

/** A whole page; `body` is HTML already escaped where it holds text. */
export function htmlPage(title: string, body: string, style = ""): Buffer {
  return Buffer.from(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}${style}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`);
}
