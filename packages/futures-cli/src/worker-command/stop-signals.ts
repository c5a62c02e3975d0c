// Ctrl-C (and SIGTERM, SIGHUP) on `futures worker`: once finishes the running jobs, twice
// hands back the jobs not started and ends the running tasks, a third time exits at once; on
// every queue the worker serves.
import type { QueueWorker } from "concurrent-futures/queue";
import { INTERRUPT_STATUS, INTERRUPTS, type Interrupt } from "../common/interrupts.ts";
import type { WorkerProgress } from "./progress.ts";

/**
 * How long a second signal waits for async tasks. Nothing can end a running function on the
 * event loop: after this the worker exits, and once their jobs' locks lapse their producers
 * take them back and fail them (WorkerLostError), as for any worker that dies.
 */
const ASYNC_GRACE_MS = 2_000;

/** `workers`: one per queue, sharing one local pool. */
export function stopOnSignals(workers: readonly QueueWorker[], progress: WorkerProgress): void {
  let stops = 0;
  const closeAll = (handBack: boolean): Promise<void> =>
    Promise.all(workers.map((worker) => worker.close({ handBack }))).then(() => undefined);
  const stop = (signal: Interrupt): void => {
    stops++;
    const code = INTERRUPT_STATUS[signal];
    let stopped: Promise<void>;
    if (stops === 1) {
      const running = workers.reduce((sum, worker) => sum + worker.activeJobs, 0);
      const byQueue = progress.byQueue(
        (queue) => workers.find((worker) => worker.queueName === queue)?.activeJobs ?? 0,
      );
      progress.say(
        `${signal}: finishing ${running} running jobs${byQueue}, taking no new ones (Ctrl-C again to hand them back)`,
      );
      stopped = closeAll(false);
    } else if (stops === 2) {
      const closed = closeAll(true);
      if (workers[0]!.executorKind === "async") {
        progress.say(
          `${signal} again: handing back jobs not started; running async tasks cannot be stopped, so the worker exits in ${ASYNC_GRACE_MS / 1000} s; their jobs fail as a dead worker's do (WorkerLostError)`,
        );
        stopped = Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, ASYNC_GRACE_MS))]);
      } else {
        progress.say(
          `${signal} again: handing back jobs not started, ending running tasks (a third time exits now)`,
        );
        stopped = closed;
      }
    } else {
      progress.say(`${signal} a third time: exiting now`);
      process.exit(code);
    }
    void stopped.then(() => {
      progress.finish();
      process.exit(code);
    });
  };
  for (const signal of INTERRUPTS) process.on(signal, () => stop(signal));
}
