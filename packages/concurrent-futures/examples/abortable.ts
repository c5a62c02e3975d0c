import { setTimeout as sleep } from "node:timers/promises";
import { AsyncExecutor, abortable } from "concurrent-futures";

// The signal comes last: submit passes 5000 as `ms`, the executor adds the signal.
const nap = abortable((ms: number, signal: AbortSignal) => sleep(ms, "rested", { signal }));

await using executor = new AsyncExecutor();
const future = executor.submitWith({ signal: AbortSignal.timeout(100) }, nap, 5000);
console.log(String(await future.exception()));
console.log(await executor.submit(nap, 10));
