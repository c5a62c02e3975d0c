// A worker process for bench/queue.ts: raw BullMQ (a no-op processor) or futures' QueueWorker
// (the no-op task on an AsyncExecutor, the same work in the same process). Prints "ready".
// Arguments: raw|futures REDIS_URL QUEUE CONCURRENCY [KEY] (futures: run signed jobs only)
import { Worker } from "bullmq";
import { QueueWorker } from "concurrent-futures/queue";

const [mode, url, queue, concurrency, key] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
];
const { hostname, port } = new URL(url);
if (mode === "raw") {
  const worker = new Worker(queue, async () => undefined, {
    connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
    concurrency: Number(concurrency),
  });
  await worker.waitUntilReady();
  console.log("ready");
} else {
  const worker = new QueueWorker({
    queue,
    connection: url,
    imports: [new URL("./tasks.ts", import.meta.url)],
    executor: "async",
    concurrency: Number(concurrency),
    key,
  });
  await worker.start();
  console.log("ready");
}
