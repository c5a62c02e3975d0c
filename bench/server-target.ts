// A server for bench/server.ts to measure, in its own process so it is measured like nginx:
//   npx tsx bench/server-target.ts futures   the LOCAL flag server
//   npx tsx bench/server-target.ts node      raw node:http answering with one cached buffer
// Prints "listening PORT" once ready; SIGTERM stops it.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { DEFAULT_DATA_DIR, startFlagServer } from "futures-cli/server";

const kind = process.argv[2];
let close: () => Promise<void>;
let port: number;

if (kind === "futures") {
  const server = await startFlagServer({ only: ["LOCAL"], ports: { LOCAL: 0 } });
  port = Number(new URL(server.urls.LOCAL!).port);
  close = server.close;
} else if (kind === "node") {
  // The floor for any node:http server: no routing, no headers beyond the minimum.
  const body = await readFile(join(DEFAULT_DATA_DIR, "flags", "br", "br.gif"));
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "image/gif", "Content-Length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  close = () => new Promise((resolve) => server.close(() => resolve()));
} else {
  throw new Error("usage: server-target.ts futures|node");
}

console.log(`listening ${port}`);
process.once("SIGTERM", () => void close().then(() => process.exit(0)));
