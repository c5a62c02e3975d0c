// `--dashboard [PORT]` of the commands that run calls on an executor: a live page on
// 127.0.0.1 while the run goes on (call-board.ts, dashboard-server.ts). Once the run is over
// the page is sent its last picture and keeps it; the command then ends as it would have.
import { Option } from "commander";
import { parseInteger } from "../common/usage.ts";

/** How long the end waits for open pages to take the last picture. */
const LAST_PICTURE_MS = 2000;

export function dashboardOption(): Option {
  return new Option(
    "--dashboard [PORT]",
    "serve a live page of the calls on 127.0.0.1, at PORT or a free port (its address is printed)",
  );
}

/** Run `work`, showing its calls live when `flag` is given (true: any free port). */
export async function withDashboard<T>(
  flag: string | true | undefined,
  command: string,
  work: () => Promise<T>,
): Promise<T> {
  if (flag === undefined) return work();
  const port = flag === true ? 0 : parseInteger(flag, "--dashboard PORT", 0, 65_535);
  const [{ CallBoard }, { CallRecorder }, { DashboardServer }, { dashboardPage }] = await Promise.all([
    import("./call-board.ts"),
    import("./call-recorder.ts"),
    import("./dashboard-server.ts"),
    import("./dashboard-page.ts"),
  ]);
  const board = new CallBoard();
  const source = { page: dashboardPage(command), snapshot: () => board.snapshot(), tick: () => board.tick() };
  const server = await DashboardServer.start(source, port);
  const recorder = new CallRecorder({ keep: false, listener: board });
  process.stderr.write(`dashboard: ${server.url}\n`);
  recorder.start();
  try {
    return await work();
  } finally {
    recorder.stop();
    board.finish();
    server.finish();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      server.whenNoPages(),
      new Promise((resolve) => (timer = setTimeout(resolve, LAST_PICTURE_MS))),
    ]);
    clearTimeout(timer);
    await server.close();
  }
}
