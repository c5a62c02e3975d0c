// BullMQ repeats some warnings every few seconds for each job concerned (a lock it cannot
// renew, a job gone): shown once a minute per kind, the job's id left out of the kind.
const REPEAT_MS = 60_000;

export class WarningThrottle {
  readonly #shown = new Map<string, number>();

  /** Whether to show this message now. */
  admit(message: string): boolean {
    const kind = message.replace(/job \S+/g, "job");
    const now = Date.now();
    if (now - (this.#shown.get(kind) ?? -Infinity) < REPEAT_MS) return false;
    this.#shown.set(kind, now);
    return true;
  }
}
