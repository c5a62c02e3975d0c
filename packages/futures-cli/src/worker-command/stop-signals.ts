// Ctrl-C (and SIGTERM, SIGHUP) on `futures worker`: once finishes the running jobs, twice
// hands back the jobs not started and ends the running tasks, a third time exits at once.
import type { QueueWorker } from "concurrent-futures/queue";
import { INTERRUPT_STATUS, INTERRUPTS, type Interrupt } from "../common/interrupts.ts";
import type { WorkerProgress } from "./progress.ts";

/**
 * How long a second signal waits for async tasks. Nothing can end a running function on the
 * event loop: after this the worker exits, and once their jobs' locks lapse their producers
 * take them back and fail them (WorkerLostError), as for any worker that dies.
 */
const ASYNC_GRACE_MS = 2_000;

export function stopOnSignals(worker: QueueWorker, progress: WorkerProgress): void {
  let stops = 0;
  const stop = (signal: Interrupt): void => {
    stops++;
    const code = INTERRUPT_STATUS[signal];
    let stopped: Promise<void>;
    if (stops === 1) {
      progress.say(
        `${signal}: finishing ${worker.activeJobs} running jobs, taking no new ones (Ctrl-C again to hand them back)`,
      );
      stopped = worker.close();
    } else if (stops === 2) {
      const closed = worker.close({ handBack: true });
      if (worker.executorKind === "async") {
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
