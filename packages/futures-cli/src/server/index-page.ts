// The page at / : what this listener is, how it behaves, and every flag in a grid, so a person
// can look at the data set in a browser. Each cell is the same size whatever its request got:
// the flag, or a placeholder saying what the listener answered instead (503 Service
// Unavailable, no answer), so the faults of the ERROR listener show without breaking the grid.
// The page's own requests are marked (PAGE_QUERY): they never use up the seeded sequence.
import { escapeHtml } from "../common/html-escape.ts";
import type { DataSet } from "./data-set.ts";
import { behaviourSentence, type Behaviour } from "./describe.ts";
import { htmlPage } from "./page-layout.ts";
import { PAGE_QUERY } from "./request-target.ts";

/** How long the page waits for one flag: longer than a throttled one takes, short of a hang's deadline. */
const FLAG_WAIT_SECONDS = 20;

const STYLE = `
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: .8rem; margin-top: 1rem; }
  figure { margin: 0; text-align: center; font-size: .75rem; }
  .frame { height: 70px; display: flex; align-items: center; justify-content: center; background: #f6f6f6; overflow: hidden; }
  .frame img { max-width: 100%; max-height: 70px; }
  .frame:not(.loaded) img, .frame.loaded .status { display: none; }
  .frame .status { color: #999; padding: 0 .3rem; }
  .frame.failed { background: #fbeaea; }
  .frame.failed .status { color: #a01818; font-weight: 600; }
  figcaption { margin-top: .2rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }`;

// Fetches the flags itself (six at a time, like a browser's connections to one host) so that
// a failed one can show the status it got; an <img> alone would shrink to its alt text.
const SCRIPT = `
const frames = [...document.querySelectorAll(".frame[data-src]")];
const show = (frame, text) => {
  frame.classList.add("failed");
  frame.querySelector(".status").textContent = text;
};
async function load(frame) {
  let response;
  try {
    response = await fetch(frame.dataset.src, { signal: AbortSignal.timeout(${FLAG_WAIT_SECONDS * 1000}) });
    if (!response.ok) return show(frame, response.status + " " + response.statusText);
    const image = frame.querySelector("img");
    image.src = URL.createObjectURL(await response.blob());
    frame.classList.add("loaded");
  } catch (error) {
    const what = error.name === "TimeoutError" ? "no answer in ${FLAG_WAIT_SECONDS} s" : "connection closed";
    show(frame, response ? response.status + ", body cut short" : what);
  }
}
let next = 0;
const worker = async () => { while (next < frames.length) await load(frames[next++]); };
for (let i = 0; i < 6; i++) worker();`;

export function indexPage(behaviour: Behaviour, data: DataSet, seed: number): Buffer {
  const draws =
    behaviour.label === "ERROR" || (behaviour.label === "DELAY" && typeof behaviour.delay !== "number");
  const random = draws ? ` Random draws use seed ${seed}.` : "";
  const cells = data.flags
    .map(
      (flag) =>
        `<figure><div class="frame" data-src="${escapeHtml(`${flag.path}?${PAGE_QUERY}`)}">` +
        `<img alt="flag of ${escapeHtml(flag.country)}"><span class="status">…</span></div>` +
        `<figcaption title="${escapeHtml(flag.country)}"><b>${escapeHtml(flag.cc)}</b> ${escapeHtml(flag.country)}</figcaption></figure>`,
    )
    .join("\n");
  const body = `<p class="behaviour">${escapeHtml(behaviourSentence(behaviour))}${random}</p>
<p>${data.flags.length} flags at <code>/flags/{cc}/{cc}.gif</code>, with <code>/flags/{cc}/metadata.json</code>,
from <code>${escapeHtml(data.dir)}</code>. Counts of requests, statuses and injected faults: <a href="/stats">/stats</a>.</p>
<noscript><p>The flags below load with JavaScript; each one is at its own URL too.</p></noscript>
<div class="grid">
${cells}
</div>
<script>${SCRIPT}
</script>`;
  return htmlPage(`futures flag server: ${behaviour.label}`, body, STYLE);
}
