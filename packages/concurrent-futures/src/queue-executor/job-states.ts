// Reading outstanding jobs' outcomes straight from Redis, for completion events that never
// arrived (BullMQ's events are best-effort, and a trimmed event stream drops them for good),
// and taking back the jobs of workers that died: BullMQ's stalled-job check runs only inside
// live workers, so without this a dead worker's jobs wait for the next worker to start.
import { redisScript } from "./job-script.ts";
import type { RedisClient } from "./redis-target.ts";

/** What Redis holds for a job: still unfinished, finished either way, gone, or abandoned. */
export type JobState =
  | { state: "unfinished" }
  /** Running under a lock, but the worker holding it has not announced itself lately. */
  | { state: "orphaned" }
  | { state: "completed"; returnvalue: unknown }
  | { state: "failed"; reason: string }
  | { state: "missing" }
  /** Its worker died holding it (or stalled it, and none is left to fail it): removed by this read. */
  | { state: "abandoned" };

/** The reason BullMQ gives a job whose worker stopped renewing its lock. */
export const STALLED = "job stalled more than allowable limit";

// One script, so that each job is judged and removed atomically: no worker can take, finish or
// move it in between. "Abandoned" mirrors BullMQ's moveStalledJobsToWait: in the active list
// with no lock. (moveToActive sets the lock in the same script that makes a job active, and a
// lock once expired cannot be renewed, so a job found like that is never running any more.)
// Also abandoned: a job a worker's stall check moved back to wait to fail it there ("defa"),
// when that worker died too; and, when the caller confirms it (ARGV "1" after the id), a job
// still orphaned: locked by a worker (the lock's value is "<worker id>:<n>") whose liveness key
// is gone. Removing the job, rather than failing it, means no worker that starts later runs it.
const SCRIPT = `
local prefix = ARGV[1]
local livenessPrefix = ARGV[3]
local out = {}
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  local key = prefix .. id
  local job = redis.call('HMGET', key, 'timestamp', 'finishedOn', 'returnvalue', 'failedReason', 'processedOn', 'defa')
  local abandoned = false
  local orphaned = false
  if job[1] and not job[2] and job[5] then
    local lock = redis.call('GET', key .. ':lock')
    if not lock and redis.call('LREM', prefix .. 'active', 1, id) > 0 then
      abandoned = true
    elseif not lock and job[6] == ARGV[2] and redis.call('LREM', prefix .. 'wait', 1, id) > 0 then
      abandoned = true
    elseif lock then
      local worker = string.match(lock, '^(.+):%d+$')
      if worker and redis.call('EXISTS', livenessPrefix .. worker) == 0 then
        if ARGV[i + 1] == '1' and redis.call('LREM', prefix .. 'active', 1, id) > 0 then
          redis.call('DEL', key .. ':lock')
          abandoned = true
        else
          orphaned = true
        end
      end
    end
  end
  if abandoned then
    redis.call('SREM', prefix .. 'stalled', id)
    redis.call('DEL', key, key .. ':logs')
    out[#out + 1] = {job[1], false, false, false, 1}
  elseif orphaned then
    out[#out + 1] = {job[1], false, false, false, 2}
  else
    out[#out + 1] = {job[1], job[2], job[3], job[4], 0}
  end
end
return out
`;

type Reply = [string | null, string | null, string | null, string | null, number];
// Its keys are given with each call (see readJobStates), the count first.
const jobStates = redisScript<Reply[]>("futuresJobStates", SCRIPT);

/**
 * The states of jobs by id under the queue's key prefix (such as "bull:NAME:"), in one round
 * trip; abandoned jobs are removed from Redis as they are read. `livenessPrefix` names the
 * workers' liveness keys (worker-registry.ts); a job in `confirm` still orphaned is abandoned.
 */
export async function readJobStates(
  redis: RedisClient,
  prefix: string,
  livenessPrefix: string,
  jobIds: string[],
  confirm: ReadonlySet<string> = new Set(),
): Promise<JobState[]> {
  const args = jobIds.flatMap((id) => [id, confirm.has(id) ? "1" : "0"]);
  // The keys the script reads are declared: in a Redis Cluster slot that is being moved, a job
  // whose lock has gone over while its active list has not would look abandoned. Declared,
  // they make Redis answer TRYAGAIN (or ASK) instead, and the next pass reads them again.
  const keys = [`${prefix}meta`, `${prefix}active`, `${prefix}wait`, `${prefix}stalled`];
  for (const id of jobIds) keys.push(`${prefix}${id}`, `${prefix}${id}:lock`);
  const replies = await jobStates(redis, keys.length, ...keys, prefix, STALLED, livenessPrefix, ...args);
  return replies.map((reply): JobState => {
    const [timestamp, finishedOn, returnvalue, failedReason, judged] = reply;
    if (timestamp == null) return { state: "missing" };
    if (judged === 1) return { state: "abandoned" };
    if (judged === 2) return { state: "orphaned" };
    if (finishedOn != null && returnvalue != null)
      return { state: "completed", returnvalue: JSON.parse(returnvalue) as unknown };
    if (finishedOn != null && failedReason != null) return { state: "failed", reason: failedReason };
    return { state: "unfinished" };
  });
}

/** Whether Redis trimmed entries of the event stream that came after `lastReadId`. */
export async function streamTrimmedPast(
  redis: RedisClient,
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
