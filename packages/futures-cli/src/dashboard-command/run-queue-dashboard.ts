// `futures dashboard --queue`: the queue's status read once a second (each read bounded by
// READ_TIMEOUT_MS, a failed one shown on the page, never a wait), served as a live page
// until a signal stops it.
import { queueStatus } from "concurrent-futures/queue";
import { INTERRUPTS } from "../common/interrupts.ts";
import { parseInteger } from "../common/usage.ts";
import { checkConnection, checkQueueName } from "../executors/queue-checks.ts";
import { DashboardServer } from "../observe/dashboard-server.ts";
import { QueueBoard } from "../observe/queue-board.ts";
import { queuePage } from "../observe/queue-page.ts";

export interface QueueDashboardFlags {
  queue: string;
  connection: string;
  tlsCa?: string;
  port: string;
}

const LOOK_MS = 1000;
const READ_TIMEOUT_MS = 2000;

export async function runQueueDashboard(flags: QueueDashboardFlags): Promise<void> {
  checkQueueName(flags.queue);
  const port = parseInteger(flags.port, "--port", 0, 65_535);
  const { connection } = await checkConnection(flags.connection, flags.tlsCa);
  const board = new QueueBoard(flags.queue, "?");
  const look = async (): Promise<void> => {
    try {
      board.record(await queueStatus({ queue: flags.queue, connection, timeout: READ_TIMEOUT_MS }));
    } catch (error) {
      // The library's messages name Redis as host:port, never with a password.
      board.failed((error as Error).message);
    }
  };
  await look();
  const source = {
    page: queuePage(flags.queue),
    snapshot: () => board.snapshot(),
    tick: () => board.snapshot(),
  };
  // Pages get each look as it is made, not on a clock of their own.
  const server = await DashboardServer.start(source, port, null);
  console.log(`dashboard: ${server.url} shows queue '${flags.queue}'; Ctrl-C stops`);
  let stopped = false;
  const stop = new Promise<void>((resolve) => {
    for (const signal of INTERRUPTS) process.once(signal, () => resolve());
  }).then(() => (stopped = true));
  // One look at a time, a second apart: a slow Redis slows the page, never piles up reads.
  while (!stopped) {
    await Promise.race([new Promise((resolve) => setTimeout(resolve, LOOK_MS)), stop]);
    if (stopped) break;
    await look();
    server.publish();
  }
  await server.close();
}
