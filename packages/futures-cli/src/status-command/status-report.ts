// A queue's status for people: where, a table of workers (live first, then silent), the job
// counts, throughput and memory in a line each, then the findings, one line each. What comes
// from Redis (hosts, ids, executors) the library has made printable already.
import type { OlderWorker, QueueStatus, WorkerStatus } from "concurrent-futures/queue";
import { byteSize } from "../common/byte-size.ts";
import { textTable } from "../common/text-table.ts";

export function statusReport(status: QueueStatus): string[] {
  const { counts, memory } = status;
  const lines = [`queue '${status.queue}' on Redis ${status.redis}`, ""];
  const workers = [
    ...status.workers.map((worker) => row(worker, "live")),
    ...status.olderWorkers.map(olderRow),
    ...status.silentWorkers.map((worker) => row(worker, "silent")),
  ];
  if (workers.length > 0) {
    lines.push(
      ...textTable(
        ["host", "pid", "state", "executor", "concurrency", "running", "done/min", "last beat"],
        workers,
        [0, 2, 3],
      ),
    );
  } else lines.push("no worker heard from in the last hour");
  if (status.unlistedWorkers > 0) lines.push(`(${status.unlistedWorkers} more not listed)`);
  lines.push(
    "",
    `jobs: ${counts.waiting} waiting, ${counts.prioritized} prioritized, ${counts.delayed} delayed, ` +
      `${counts.active} active, ${counts.failed} failed, ${counts.completed} completed`,
    `throughput: ${status.jobsPerSecond} jobs/s over the last minute`,
    `memory: ${memory ? memoryLine(memory) : "unknown (INFO is not permitted)"}`,
    "",
  );
  if (status.findings.length === 0) lines.push("nothing needs attention");
  else lines.push(...status.findings.map((finding) => `attention: ${finding}`));
  return lines;
}

function row(worker: WorkerStatus, state: string): string[] {
  return [
    worker.host,
    String(worker.pid),
    state,
    worker.executor,
    String(worker.concurrency),
    String(worker.running),
    String(worker.finishedLastMinute),
    `${Math.round(worker.sinceBeat / 1000)} s ago`,
  ];
}

/** A live worker of an earlier release: it tells its concurrency and nothing else. */
function olderRow(worker: OlderWorker): string[] {
  return ["(no details: older worker)", "-", "live", "-", String(worker.concurrency ?? "?"), "-", "-", "-"];
}

function memoryLine(memory: NonNullable<QueueStatus["memory"]>): string {
  const used = byteSize(memory.used);
  if (memory.max === 0) return `${used} used, no maxmemory`;
  const share = Math.round((memory.used / memory.max) * 100);
  return `${used} of ${byteSize(memory.max)} maxmemory (${share}%), policy ${memory.policy}`;
}
