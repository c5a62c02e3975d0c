// The downloader floor: the work of `futures flags -e` written plainly on node:net, no
// libraries. The same 676 codes AA..ZZ, GET over CONCURRENCY keep-alive sockets (futures'
// default is 5), status line and Content-Length parsed by hand, each flag found written to a
// temporary file and renamed into place, a count of found and not found. No retries, no
// progress bar, no checks of the GIF: what is left is the cost of the work itself.
//   node bench/peers/raw-net-flags.mjs BASE_URL CONCURRENCY DEST
import { rename, writeFile } from "node:fs/promises";
import net from "node:net";
import { join } from "node:path";

const [base, concurrencyText = "5", dest = "."] = process.argv.slice(2);
if (!base) throw new Error("usage: raw-net-flags.mjs BASE_URL [CONCURRENCY] [DEST]");
const started = performance.now();
const url = new URL(base);
const prefix = url.pathname.replace(/\/+$/, "");
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const codes = [...LETTERS].flatMap((a) => [...LETTERS].map((b) => a + b));
const counts = { ok: 0, notFound: 0, error: 0 };
const saves = [];
let next = 0;

async function save(cc, body) {
  const name = `${cc}.gif`;
  const temporary = join(dest, `.${name}.${process.pid}.tmp`);
  await writeFile(temporary, body);
  await rename(temporary, join(dest, name));
}

/** One keep-alive socket taking codes until none are left. */
async function connection() {
  const socket = net.connect({ host: url.hostname, port: Number(url.port) || 80, noDelay: true });
  let chunks = [];
  let buffered = 0;
  let wake;
  let failure;
  socket.on("data", (chunk) => {
    chunks.push(chunk);
    buffered += chunk.length;
    wake?.();
  });
  const stop = (error) => {
    failure ??= error ?? new Error("the server closed the connection");
    wake?.();
  };
  socket.on("error", stop).on("end", () => stop());
  /** Wait until at least `bytes` are buffered; then all of them as one Buffer. */
  const readAtLeast = async (bytes) => {
    while (buffered < bytes) {
      if (failure) throw failure;
      await new Promise((resolve) => (wake = resolve));
    }
    if (chunks.length > 1) chunks = [Buffer.concat(chunks)];
    return chunks[0];
  };
  try {
    while (next < codes.length) {
      const cc = codes[next++];
      socket.write(`GET ${prefix}/${cc}/${cc}.gif HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      let data = await readAtLeast(1);
      let headEnd;
      while ((headEnd = data.indexOf("\r\n\r\n")) < 0) data = await readAtLeast(buffered + 1);
      const head = data.toString("latin1", 0, headEnd);
      const status = Number(head.slice(9, 12));
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
      if (!Number.isSafeInteger(length)) throw new Error(`${cc}: no Content-Length`);
      const end = headEnd + 4 + length;
      data = await readAtLeast(end);
      const body = data.subarray(headEnd + 4, end);
      chunks = data.length > end ? [data.subarray(end)] : [];
      buffered = data.length - end;
      if (status === 200) {
        counts.ok++;
        saves.push(save(cc, body));
      } else if (status === 404) counts.notFound++;
      else counts.error++;
    }
  } finally {
    socket.end();
  }
}

const connections = Math.min(Number(concurrencyText), codes.length);
await Promise.all(Array.from({ length: connections }, connection));
await Promise.all(saves);
console.log(`${counts.ok} flags downloaded.\n${counts.notFound} not found.`);
if (counts.error) console.log(`${counts.error} errors.`);
console.log(`Elapsed time: ${((performance.now() - started) / 1000).toFixed(2)}s`);
process.exitCode = counts.error ? 1 : 0;
