// Call ids and their jobs' ids, and where a call's job is, for attach(): a call keeps its id (its first job's id) while a retry
// or at-least-once's resend sends it as a new job. Only then is a record written, beside the
// job's keys, naming the job of now; a call sent once has none, and costs nothing more.
import { randomBytes } from "node:crypto";
import { redisScript } from "./job-script.ts";
import type { RedisClient } from "./redis-target.ts";

/**
 * The ids this library gives calls, fx-<12 hex digits>-<n>, and their jobs: the call's id, with
 * "-try<n>" for a retry and "-again" for at-least-once's resend.
 */
const CALL_ID = /^fx-[0-9a-f]{12}-[1-9]\d{0,15}$/;
const JOB_ID = /^fx-[0-9a-f]{12}-[1-9]\d{0,15}(?:-try[1-9]\d{0,5})?(?:-again)?$/;

export function isCallId(id: unknown): id is string {
  return typeof id === "string" && CALL_ID.test(id);
}

/** The first part of the ids of one executor's calls, to which it adds 1, 2, 3... */
export function callIdPrefix(): string {
  return `fx-${randomBytes(6).toString("hex")}-`;
}

/** The job of a call's attempt number `attempt` (2 or more): a retry. */
export function retryJobId(callId: string, attempt: number): string {
  return `${callId}-try${attempt}`;
}

/** The job that sends a job again after its worker was lost (at-least-once). */
export function resendJobId(jobId: string): string {
  return `${jobId}-again`;
}

/** Which attempt of its call a job is, and whether it is a resend, as its id says. */
export function jobOfCall(jobId: string): { attempt: number; resent: boolean } {
  return { attempt: Number(/-try(\d+)/.exec(jobId)?.[1] ?? 1), resent: jobId.endsWith("-again") };
}

function recordKey(jobPrefix: string, callId: string): string {
  return `${jobPrefix}${callId}:now`;
}

/**
 * Record the job of now of calls sent under a new id, for `ttlMs`. Sent on the connection that
 * then adds the jobs, so it is in Redis before they are.
 */
export function recordCallJobs(
  redis: RedisClient,
  jobPrefix: string,
  calls: readonly { id: string; jobId: string }[],
  ttlMs: number,
): void {
  const pipeline = redis.pipeline();
  for (const { id, jobId } of calls) pipeline.set(recordKey(jobPrefix, id), jobId, "PX", ttlMs);
  // A record lost with the connection makes attach() report the call as not found, no worse.
  pipeline.exec().catch(() => {});
}

// For each call id: the job of now (its record's, else the id itself) and that job's data,
// unless it is larger than ARGV[2] characters (then only its size, so that a forged giant
// costs no memory here). A key of another type than expected, or a record longer than any job
// id, reads as missing.
const SCRIPT = `
local prefix = ARGV[1]
local max = tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local job = id
  local record = prefix .. id .. ':now'
  if redis.call('TYPE', record).ok == 'string' and redis.call('STRLEN', record) <= 128 then
    job = redis.call('GET', record)
  end
  local key = prefix .. job
  local size = 0
  if redis.call('TYPE', key).ok == 'hash' then size = redis.call('HSTRLEN', key, 'data') end
  if size == 0 or size > max then
    out[#out + 1] = {job, false, size}
  else
    out[#out + 1] = {job, redis.call('HGET', key, 'data'), size}
  end
end
return out
`;

const readJobs = redisScript<[string, string | null, number][]>("futuresCallJobs", SCRIPT, 1);

/** What Redis holds for a call: its job of now and the job's data, if any and not too large. */
export interface CallJob {
  jobId: string;
  /** The job's data as stored; undefined when there is no such job, or it is too large. */
  data: string | undefined;
  /** Characters of the data (0: no job). */
  size: number;
}

/** The jobs of calls by id, in one round trip; a record naming a job id not of ours reads as no job. */
export async function readCallJobs(
  redis: RedisClient,
  jobPrefix: string,
  callIds: readonly string[],
  maxDataChars: number,
): Promise<CallJob[]> {
  const replies = await readJobs(redis, `${jobPrefix}meta`, jobPrefix, maxDataChars, ...callIds);
  return replies.map(([reply, data, size], i) => {
    const callId = callIds[i]!;
    const jobId = String(reply);
    const ours = jobId === callId || (jobId.startsWith(`${callId}-`) && JOB_ID.test(jobId));
    return ours
      ? { jobId, data: data ?? undefined, size: Number(size) }
      : { jobId: callId, data: undefined, size: 0 };
  });
}
