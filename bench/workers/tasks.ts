// The no-op task for the futures pools.
import { task } from "concurrent-futures";

export const noop = task(import.meta.url, "noop", () => undefined);

/** Fails one run in ten (FlakyError), else a no-op: the retries row of bench/queue.ts. */
export const flaky = task(import.meta.url, "flaky", () => {
  if (Math.random() < 0.1) throw Object.assign(new Error("failed on purpose"), { name: "FlakyError" });
});
