// How a producer reads its queue's event stream: BullMQ's QueueEvents (its connection, its
// watchdog on stuck reads, its close), with a read loop of our own that looks only at
// completions and failures: a job leaves four events in the stream, and decoding each into an
// object and emitting it twice cost the producer more than settling its call. A reader whose
// executor is quiet parks between reads, so that an idle producer does not decode the events
// of other producers' jobs; it resumes from the point its executor gives.
import { QueueEvents, type QueueEventsOptions } from "bullmq";

/** What the reader reports, and asks. */
export interface ReaderHooks {
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, reason: string): void;
  /** Read the completion or failure event of this id. */
  read(id: string): void;
  /** True when nothing the executor sent can be in the stream ahead: reading may stop. */
  quiet(): boolean;
}

/** How long one read blocks: QueueEvents' default, which its watchdog on a stuck read follows. */
const BLOCK_MS = 10_000;

export class CompletionReader extends QueueEvents {
  readonly #hooks: ReaderHooks;
  /** While parked: resumes the loop from the id given. */
  #parked: ((from: string) => void) | undefined;

  constructor(queue: string, options: QueueEventsOptions, hooks: ReaderHooks) {
    super(queue, { ...options, blockingTimeout: BLOCK_MS, autorun: false });
    this.#hooks = hooks;
    void this.#consume(options.lastEventId!).catch((error: unknown) => this.emit("error", error as Error));
  }

  /** QueueEvents' loop: read from `id` until closed; an error waits a moment (checkConnectionError). */
  async #consume(from: string): Promise<void> {
    await this.backend.setName(this.clientName(":qe"));
    let id = from;
    while (!this.closing) {
      if (this.#hooks.quiet()) {
        id = await new Promise<string>((resume) => (this.#parked = resume));
        continue;
      }
      const streams = await this.checkConnectionError(() => this.backend.readEvents(id, BLOCK_MS));
      const entries = streams?.[0]?.[1];
      if (!entries) continue;
      for (const [entryId, fields] of entries) {
        id = entryId;
        if (fields[0] === "event" && (fields[1] === "completed" || fields[1] === "failed")) {
          this.#hooks.read(entryId);
          try {
            this.#outcome(fields[1], fields);
          } catch (error) {
            this.emit("error", error as Error); // as QueueEvents' emit did: the loop goes on
          }
        }
      }
    }
  }

  /** Parked: no read in flight, none sent until resume(). */
  get parked(): boolean {
    return this.#parked !== undefined;
  }

  /** Read again (if parked), from the entry after `from`. */
  resume(from: string): void {
    const resume = this.#parked;
    this.#parked = undefined;
    resume?.(from);
  }

  /** A completion or failure entry: its fields in pairs, name then value. */
  #outcome(event: "completed" | "failed", fields: string[]): void {
    let jobId: string | undefined;
    let value: string | undefined;
    const wanted = event === "completed" ? "returnvalue" : "failedReason";
    for (let i = 2; i + 1 < fields.length; i += 2) {
      if (fields[i] === "jobId") jobId = fields[i + 1];
      else if (fields[i] === wanted) value = fields[i + 1];
    }
    if (jobId === undefined) return;
    if (event === "failed") this.#hooks.failed(jobId, value ?? "");
    else this.#hooks.completed(jobId, parseReturnValue(value));
  }
}

/** BullMQ stores a return value as JSON; text that is not JSON is passed on for the outcome's check to refuse. */
function parseReturnValue(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
