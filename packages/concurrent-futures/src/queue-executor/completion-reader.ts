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
    await readAsBytes(this.backend.client);
    let id = from;
    while (!this.closing) {
      if (this.#hooks.quiet()) {
        id = await new Promise<string>((resume) => (this.#parked = resume));
        continue;
      }
      const streams = await this.checkConnectionError(() => this.backend.readEvents(id, BLOCK_MS));
      const entries = streams?.[0]?.[1];
      if (!entries) continue;
      for (const [entryId, fields] of entries as unknown as [Text, Text[]][]) {
        const event = outcomeEvent(fields);
        if (!event) continue;
        this.#hooks.read(String(entryId));
        try {
          this.#outcome(event, fields);
        } catch (error) {
          this.emit("error", error as Error); // as QueueEvents' emit did: the loop goes on
        }
      }
      id = String(entries.at(-1)![0]);
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
  #outcome(event: "completed" | "failed", fields: Text[]): void {
    let jobId: string | undefined;
    let value: string | undefined;
    const wanted = event === "completed" ? "returnvalue" : "failedReason";
    for (let i = 2; i + 1 < fields.length; i += 2) {
      if (named(fields[i]!, "jobId")) jobId = String(fields[i + 1]);
      else if (named(fields[i]!, wanted)) value = String(fields[i + 1]);
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

/** A field of an event: bytes once the reader's connection reads them so (readAsBytes). */
type Text = string | Buffer;

/** Whether a field is this ASCII name, without decoding it. */
function named(field: Text, name: string): boolean {
  if (typeof field === "string") return field === name;
  if (field.length !== name.length) return false;
  for (let i = 0; i < field.length; i++) if (field[i] !== name.charCodeAt(i)) return false;
  return true;
}

/** "completed" or "failed" for the entries the reader wants; undefined for every other event. */
function outcomeEvent(fields: Text[]): "completed" | "failed" | undefined {
  if (fields.length < 2 || !named(fields[0]!, "event")) return undefined;
  const event = fields[1]!;
  return named(event, "completed") ? "completed" : named(event, "failed") ? "failed" : undefined;
}

/** The methods of BullMQ's client (its ioredis proxy) that reading the stream goes through. */
interface StreamClient {
  xread?: (streams: { key: string; id: string }[], options: { BLOCK?: number }) => Promise<unknown>;
  xreadBuffer?: (...args: (string | number)[]) => Promise<unknown>;
}

/**
 * Have the reader's connection give the stream's entries as bytes. A job leaves four events;
 * ioredis decoded every field of each into a string, which cost the producer more than
 * settling the job's call: now only the fields of completions and failures are decoded. The
 * read stays BullMQ's, with its watchdog on a stuck connection; a client without the hook
 * reads strings.
 */
async function readAsBytes(connection: Promise<unknown>): Promise<void> {
  const client = (await connection) as StreamClient;
  const readBuffers = client.xreadBuffer;
  if (typeof client.xread !== "function" || typeof readBuffers !== "function") return;
  client.xread = (streams, options) =>
    readBuffers(
      ...(options.BLOCK === undefined ? [] : ["BLOCK", options.BLOCK]),
      "STREAMS",
      ...streams.map((stream) => stream.key),
      ...streams.map((stream) => stream.id),
    );
}
