// Headless Chromium for tests that look at a page as a browser lays it out: where it is
// installed, how wide a page's content is when shown in a window of a given width, and a
// browser a test drives (a live page, read while it updates).
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import puppeteer, { type Browser } from "puppeteer-core";
import { escapeHtml } from "../../src/common/html-escape.ts";

const NAMES = ["chromium", "chromium-browser", "google-chrome"];

/** The Chromium on PATH (Debian's package is `chromium`), or undefined. */
export function findChromium(): string | undefined {
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const name of NAMES) {
      const file = path.join(folder, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface LayoutWidths {
  /** The width of the window the page was laid out in. */
  innerWidth: number;
  /** The width of the page's content: more than innerWidth means it scrolls sideways. */
  scrollWidth: number;
}

/**
 * Lay `page` out at each width and measure it. The page goes into same-origin iframes of
 * those widths (a headless window has a minimum width larger than a phone's), tall enough
 * that no scrollbar takes its width, and a script writes what it measured into the DOM that
 * `--dump-dom` prints once the page has loaded.
 */
export async function layoutWidths(
  chromium: string,
  page: string,
  widths: readonly number[],
): Promise<LayoutWidths[]> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "futures-chromium-"));
  try {
    const frames = widths
      .map(
        (width, i) =>
          `<iframe id="f${i}" style="border:0;display:block" width="${width}" height="30000" srcdoc="${escapeHtml(page)}"></iframe>`,
      )
      .join("\n");
    const measure = `addEventListener("load", () => {
  document.body.dataset.widths = JSON.stringify([...document.querySelectorAll("iframe")].map((frame) => ({
    innerWidth: frame.contentWindow.innerWidth,
    scrollWidth: frame.contentDocument.documentElement.scrollWidth,
  })));
});`;
    const file = path.join(folder, "page.html");
    await writeFile(
      file,
      `<!doctype html>\n<body style="margin:0">\n${frames}\n<script>${measure}</script>\n</body>\n`,
    );
    const { stdout } = await promisify(execFile)(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        `--user-data-dir=${path.join(folder, "profile")}`,
        "--dump-dom",
        `file://${file}`,
      ],
      { timeout: 120_000, maxBuffer: 64 * 2 ** 20 },
    );
    const found = /data-widths="([^"]*)"/.exec(stdout);
    if (!found) throw new Error(`chromium printed no measurements: ${stdout.slice(0, 200)}`);
    return JSON.parse(found[1]!.replaceAll("&quot;", '"').replaceAll("&amp;", "&")) as LayoutWidths[];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Headless Chromium driven over its DevTools protocol, its profile in `folder`. */
export function launchBrowser(chromium: string, folder: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromium,
    args: ["--no-sandbox", "--disable-gpu"],
    userDataDir: path.join(folder, "profile"),
  });
}
