// The page at / : what this listener is, how it behaves, and every flag as a grid of images,
// so a person can look at the data set in a browser.
import type { DataSet } from "./data-set.ts";
import { describeBehaviour, type Behaviour } from "./describe.ts";

export function indexPage(behaviour: Behaviour, data: DataSet, seed: number): Buffer {
  const random = behaviour.label === "LOCAL" ? "" : ` Random draws use seed ${seed}.`;
  const cells = data.flags
    .map(
      (flag) =>
        `<figure><img src="${escape(flag.path)}" alt="flag of ${escape(flag.country)}" loading="lazy">` +
        `<figcaption title="${escape(flag.country)}"><b>${escape(flag.cc)}</b> ${escape(flag.country)}</figcaption></figure>`,
    )
    .join("\n");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>futures flag server: ${behaviour.label}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
  p { margin: .3rem 0; }
  code { background: #f2f2f2; padding: 0 .25rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: .8rem; margin-top: 1rem; }
  figure { margin: 0; text-align: center; font-size: .75rem; }
  img { width: 100%; height: 70px; object-fit: contain; background: #f6f6f6; }
  figcaption { margin-top: .2rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
</style>
</head>
<body>
<h1>futures flag server: ${behaviour.label}</h1>
<p>This listener ${escape(describeBehaviour(behaviour))}.${random}</p>
<p>${data.flags.length} flags at <code>/flags/{cc}/{cc}.gif</code>, with <code>/flags/{cc}/metadata.json</code>,
from <code>${escape(data.dir)}</code>. Counts of requests, statuses and injected faults: <a href="/stats">/stats</a>.</p>
<div class="grid">
${cells}
</div>
</body>
</html>
`;
  return Buffer.from(html);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
