// Reading outstanding jobs' outcomes straight from Redis, for completion events that never
// arrived: BullMQ's events are best-effort, and a trimmed event stream drops them for good.
import type { Redis } from "ioredis";

/** What Redis holds for a job: still unfinished, finished either way, or gone. */
export type JobState =
  | { state: "unfinished" }
  | { state: "completed"; returnvalue: unknown }
  | { state: "failed"; reason: string }
  | { state: "missing" };

/** The states of jobs by key (the queue's prefix + job id), in one round trip. */
export async function readJobStates(redis: Redis, jobKeys: string[]): Promise<(JobState | undefined)[]> {
  const pipeline = redis.pipeline();
  for (const key of jobKeys) pipeline.hmget(key, "finishedOn", "returnvalue", "failedReason", "timestamp");
  const replies = (await pipeline.exec()) ?? [];
  return jobKeys.map((_, i): JobState | undefined => {
    const [error, reply] = replies[i] ?? [new Error("no reply"), null];
    if (error) return undefined;
    const [finishedOn, returnvalue, failedReason, timestamp] = reply as (string | null | undefined)[];
    if (timestamp == null) return { state: "missing" };
    if (finishedOn != null && returnvalue != null)
      return { state: "completed", returnvalue: JSON.parse(returnvalue) as unknown };
    if (finishedOn != null && failedReason != null) return { state: "failed", reason: failedReason };
    return { state: "unfinished" };
  });
}

/** Whether Redis trimmed entries of the event stream that came after `lastReadId`. */
export async function streamTrimmedPast(
  redis: Redis,
  eventsKey: string,
  lastReadId: string,
): Promise<boolean> {
  const info = (await redis.call("XINFO", "STREAM", eventsKey).catch(() => null)) as unknown[] | null;
  if (!info) return false;
  const field = (name: string): string => String(info[info.indexOf(name) + 1]);
  const trimmed = Number(field("entries-added")) > Number(field("length"));
  return trimmed && compareIds(field("recorded-first-entry-id"), lastReadId) > 0;
}

/** Compare two stream ids "ms-seq". */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number | undefined];
  const [bm, bs] = b.split("-").map(Number) as [number, number | undefined];
  return am - bm || (as ?? 0) - (bs ?? 0);
}
