// The tracing events on node:diagnostics_channel, with real threads and child processes: a
// subscriber sees submit, start and end (or failure, or cancel) of every call, in that order,
// joined by the call's id; with nobody subscribed nothing is published, nor even built.
import assert from "node:assert/strict";
import { channel, subscribe, unsubscribe } from "node:diagnostics_channel";
import { describe, it } from "node:test";
import {
  AsyncExecutor,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  traceChannels,
  type CallEvent,
  type Executor,
  type FailureEvent,
  type StartEvent,
} from "../src/index.ts";
import { fail, sleep } from "./fixtures/tasks.ts";

type Seen = [kind: keyof typeof traceChannels, event: CallEvent];

/** Record every event until the returned function is called; it unsubscribes and returns them. */
function record(): () => Seen[] {
  const seen: Seen[] = [];
  const listeners = Object.entries(traceChannels).map(([kind, name]) => {
    const listener = (event: unknown) => seen.push([kind as Seen[0], event as CallEvent]);
    subscribe(name, listener);
    return [name, listener] as const;
  });
  return () => {
    for (const [name, listener] of listeners) unsubscribe(name, listener);
    return seen;
  };
}

/** Each call's events of one executor, in the order published. */
function byCall(seen: Seen[], executorId: number): Map<number | string, Seen[]> {
  const calls = new Map<number | string, Seen[]>();
  for (const entry of seen) {
    if (entry[1].executor.id !== executorId) continue;
    const list = calls.get(entry[1].call) ?? [];
    list.push(entry);
    calls.set(entry[1].call, list);
  }
  return calls;
}

const kinds: [string, () => Executor<any>, string][] = [
  ["AsyncExecutor", () => new AsyncExecutor({ maxWorkers: 2 }), "async"],
  ["ThreadPoolExecutor", () => new ThreadPoolExecutor({ maxWorkers: 2 }), "thread"],
  ["ProcessPoolExecutor", () => new ProcessPoolExecutor({ maxWorkers: 2 }), "process"],
];

for (const [name, make, workerKind] of kinds) {
  describe(`${name} trace events`, () => {
    it("publishes submit, start and end of every call in order, joined by the call's id", async () => {
      await using executor = make();
      const stop = record();
      const futures = Array.from({ length: 8 }, (_, i) => executor.submit(sleep, i % 3));
      const failed = executor.submit(fail, "traced", 5);
      const cancelled = executor.submit(sleep, 10);
      assert.equal(cancelled.cancel(), true);
      await Promise.allSettled([...futures, failed].map((future) => future.result()));
      const calls = byCall(stop(), executor.stats().executor.id);

      assert.equal(calls.size, 10);
      const sequences = [...calls.values()].map((events) => events.map(([kind]) => kind).join(" "));
      assert.deepEqual(sequences.filter((s) => s === "submit start end").length, 8, sequences.join("; "));
      assert.deepEqual(sequences.filter((s) => s === "submit start failure").length, 1);
      assert.deepEqual(sequences.filter((s) => s === "submit cancel").length, 1);
      for (const events of calls.values()) {
        for (const [, event] of events) {
          assert.equal(event.executor.kind, name);
          assert.equal(typeof event.time, "number");
          assert.ok(["sleep", "fail"].includes(event.task), event.task);
        }
        const start = events.find(([kind]) => kind === "start")?.[1] as StartEvent | undefined;
        if (start) {
          assert.equal(start.worker?.kind, workerKind);
          assert.ok(start.worker.index >= 0 && start.worker.index < 2);
          if (workerKind === "thread") assert.equal(typeof start.worker.threadId, "number");
          if (workerKind === "process") assert.equal(typeof start.worker.pid, "number");
        }
        const failure = events.find(([kind]) => kind === "failure")?.[1] as FailureEvent | undefined;
        if (failure) {
          assert.equal((failure.error as Error).message, "traced");
          assert.ok(failure.runMs >= 0);
        }
      }
    });

    it("publishes nothing once unsubscribed", async () => {
      const stop = record();
      assert.equal(channel(traceChannels.submit).hasSubscribers, true);
      // The array its listeners push to, which nothing reaches from now on.
      const seen = stop();
      for (const name of Object.values(traceChannels)) assert.equal(channel(name).hasSubscribers, false);
      await using executor = make();
      await Promise.all([executor.submit(sleep, 1), executor.submit(sleep, 2)]);
      await executor.submit(fail, "quiet").exception();
      executor.submit(sleep, 1).cancel();
      assert.deepEqual(seen, []);
      assert.deepEqual([executor.stats().done, executor.stats().failed], [2, 1]);
    });
  });
}

describe("trace events when nobody subscribes", () => {
  it("are not even built: the task's name is never read", async () => {
    let reads = 0;
    const named = () => 1;
    Object.defineProperty(named, "name", {
      get: () => {
        reads++;
        return "named";
      },
    });
    await using executor = new AsyncExecutor({ maxWorkers: 2 });
    await Promise.all(Array.from({ length: 20 }, () => executor.submit(named)));
    assert.equal(reads, 0);
    // With a subscriber the same calls are described.
    const stop = record();
    await executor.submit(named);
    const seen = stop().filter(([, event]) => event.task === "named");
    assert.deepEqual(
      seen.map(([kind]) => kind),
      ["submit", "start", "end"],
    );
    assert.ok(reads >= 3);
  });
});
