// Taking back jobs that no worker has taken yet, for calls their caller gave up on (an aborted
// signal, terminateWorkers): a job still waiting in Redis never started, so its future can be
// cancelled, and no worker that starts later runs it.
import type { RedisClient } from "./redis-target.ts";
import { jobScript } from "./job-script.ts";

// One script, so that no worker takes a job while it is being removed (BullMQ's moveToActive
// pops the wait list in a script too). A job that a worker ever took ("processedOn") may have
// run in part, even when a stall check moved it back to wait: that one is never withdrawn. A job
// with a priority waits in the prioritized set instead of the wait list.
const SCRIPT = `
local prefix = ARGV[1]
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local key = prefix .. id
  local state = 0
  if redis.call('HEXISTS', key, 'processedOn') == 0 and (redis.call('LREM', prefix .. 'wait', 1, id) > 0
      or redis.call('ZREM', prefix .. 'prioritized', id) > 0) then
    redis.call('DEL', key, key .. ':logs')
    state = 1
  elseif redis.call('EXISTS', key) == 1 then
    state = 2
  end
  out[#out + 1] = state
end
return out
`;

const withdraw = jobScript<number[]>("futuresWithdraw", SCRIPT);

/** What became of a job asked back: not in Redis, withdrawn, or kept (a worker took it). */
export type Withdrawal = "absent" | "withdrawn" | "taken";

const STATES: readonly Withdrawal[] = ["absent", "withdrawn", "taken"];
const IDS_PER_SCRIPT = 1000;

/**
 * Remove the jobs, by id under the queue's key prefix (such as "bull:NAME:"), that are still
 * waiting for a worker; says of each what became of it, or undefined for the ids of parts not
 * answered when a later part failed (the parts before stand). Throws if the first part fails.
 */
export async function withdrawWaiting(
  redis: RedisClient,
  prefix: string,
  jobIds: string[],
): Promise<(Withdrawal | undefined)[]> {
  const withdrawals: (Withdrawal | undefined)[] = [];
  // In parts: a whole window at once could pass more arguments than a spread takes, and would
  // hold Redis for the length of the script.
  for (let start = 0; start < jobIds.length; start += IDS_PER_SCRIPT) {
    let replies: number[];
    try {
      replies = await withdraw(redis, prefix, ...jobIds.slice(start, start + IDS_PER_SCRIPT));
    } catch (error) {
      if (start === 0) throw error;
      withdrawals.length = jobIds.length; // the rest unknown: undefined
      return withdrawals;
    }
    for (const state of replies) withdrawals.push(STATES[state] ?? "absent");
  }
  return withdrawals;
}
