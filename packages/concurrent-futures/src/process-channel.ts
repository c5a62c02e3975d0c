// The messages between a process pool and one child, on either side, over two lanes:
//   - a pipe of JSON lines (the child's fd 4) for messages of plain data (plain-data.ts), the
//     most of them: Node's "advanced" IPC puts every message through a new V8 serializer,
//     about 10 us even for a tiny one, most of a call's round trip;
//   - Node's IPC channel with V8 serialization for any other message (Date, Map, BigInt,
//     typed arrays, errors), which it carries whole, and binary data fast.
// Each message is numbered as it is sent, and delivered in that order whatever lane it took.
import type { Duplex } from "node:stream";
import { plainData } from "./plain-data.ts";

/** The pipe's descriptor in the child: after stdin, stdout, stderr and the IPC channel. */
export const PIPE_FD = 4;

/** Bun's children do not read an extra pipe (Bun 1.4): there, every message goes by IPC. */
export const HAS_PIPE = !process.versions.bun;

/** Levels of a message that plain data may fill: a call's arguments sit three levels down. */
const DEPTH = 12;

/** Newline, which JSON text never holds unescaped. */
const NL = 0x0a;

export interface LaneOptions {
  /** Send by the IPC channel; throws when the message cannot be serialized. */
  ipc(numbered: [seq: number, message: unknown]): void;
  /** Undefined where there is no pipe (HAS_PIPE). */
  pipe: Duplex | undefined;
  deliver(message: unknown): void;
}

export class ProcessChannel {
  readonly #ipc: LaneOptions["ipc"];
  readonly #pipe: Duplex | undefined;
  readonly #deliver: LaneOptions["deliver"];
  #sent = 0;
  #next = 0;
  /** Messages that arrived before one numbered lower, by number. */
  readonly #early = new Map<number, unknown>();
  /** The start of a line whose end has not arrived. */
  #partial: Buffer[] = [];

  constructor({ ipc, pipe, deliver }: LaneOptions) {
    this.#ipc = ipc;
    this.#pipe = pipe;
    this.#deliver = deliver;
    pipe?.on("data", (chunk: Buffer) => this.#read(chunk));
    // The other side is gone: its exit (or "disconnect") says so, not a write error here.
    pipe?.on("error", () => {});
  }

  /** Send a message; throws at once, sending nothing, when it cannot be serialized. */
  send(message: object): void {
    const seq = this.#sent;
    if (this.#pipe && plainData(message, DEPTH)) this.#pipe.write(`[${seq},${JSON.stringify(message)}]\n`);
    else this.#ipc([seq, message]);
    this.#sent++;
  }

  /** A numbered message that came by the IPC channel. */
  fromIpc(numbered: unknown): void {
    const [seq, message] = numbered as [number, unknown];
    this.#accept(seq, message);
  }

  /** Resolves once everything written to the pipe has left this process. */
  flushed(): Promise<void> {
    const pipe = this.#pipe;
    if (!pipe || pipe.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => pipe.once("drain", resolve));
  }

  #read(chunk: Buffer): void {
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf(NL, start)) !== -1) {
      const piece = chunk.subarray(start, end);
      const line = this.#partial.length === 0 ? piece : Buffer.concat([...this.#partial, piece]);
      this.#partial = [];
      const [seq, message] = JSON.parse(line.toString()) as [number, unknown];
      this.#accept(seq, message);
      start = end + 1;
    }
    if (start < chunk.length) this.#partial.push(chunk.subarray(start));
  }

  #accept(seq: number, message: unknown): void {
    if (seq !== this.#next) {
      this.#early.set(seq, message);
      return;
    }
    this.#next++;
    this.#deliver(message);
    while (this.#early.has(this.#next)) {
      const early = this.#early.get(this.#next);
      this.#early.delete(this.#next++);
      this.#deliver(early);
    }
  }
}
