// Errors crossing a thread or process boundary. Structured clone keeps too little of an
// Error (no custom name, no code, no own properties), so errors travel as plain records
// and are rebuilt on arrival with the worker's name, message and stack; the remote stack
// is also kept as the cause, like Python's _RemoteTraceback. The library's own errors come
// back as their own classes, found by their stable code.
import {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  FuturesError,
  InvalidStateError,
  ShutdownError,
  TimeoutError,
  brandFuturesError,
} from "./errors.ts";

export interface ErrorRecord {
  name: string;
  message: string;
  stack: string | undefined;
  code: unknown;
  cause: ErrorRecord | undefined;
}

/** Shows the stack of an error that happened in a worker. */
export class RemoteTraceback extends FuturesError {
  override name = "RemoteTraceback";
  override readonly code = "ERR_FUTURES_REMOTE_TRACEBACK";
  constructor(stack: string, cause?: unknown) {
    super(`\n"""\n${stack}\n"""`, cause === undefined ? undefined : { cause });
  }
  static {
    brandFuturesError(this, "RemoteTraceback");
  }
}

/**
 * The record of anything a task threw. Reading an error runs its getters (stack, message,
 * name, code, cause), and a getter may throw: then the record says the exception could not
 * be read, so that only this task's future fails and never the worker.
 */
export function toErrorRecord(error: unknown, depth = 0): ErrorRecord {
  try {
    return readError(error, depth);
  } catch (readError) {
    return {
      name: "Error",
      message: `the task failed with an exception that could not be read: ${describeThrown(readError)}`,
      stack: undefined,
      code: undefined,
      cause: undefined,
    };
  }
}

function readError(error: unknown, depth: number): ErrorRecord {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    return {
      name: String(error.name),
      message: String(error.message),
      stack: optionalString(error.stack),
      code: cloneableCode((error as { code?: unknown }).code),
      cause: cause !== undefined && depth < 8 ? readError(cause, depth + 1) : undefined,
    };
  }
  return {
    name: "Error",
    message: `non-error thrown: ${safeString(error)}`,
    stack: undefined,
    code: undefined,
    cause: undefined,
  };
}

function optionalString(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** Error codes are strings or numbers; anything else would not survive the trip. */
function cloneableCode(code: unknown): unknown {
  return code === undefined || typeof code === "string" || typeof code === "number" ? code : String(code);
}

/** A one-line account of something thrown, which never throws itself. */
export function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return `${String(thrown.name)}: ${String(thrown.message)}`;
  } catch {
    return "an error whose name or message cannot be read";
  }
  return safeString(thrown);
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

type RebuildableError = new (message?: string, options?: ErrorOptions) => FuturesError;

/** The library's errors whose constructor takes (message, options), by their code. */
const byCode = new Map<string, RebuildableError>();

/** Lets errors of a record with one of these classes' codes come back as that class. */
export function rebuildErrorsAs(...classes: RebuildableError[]): void {
  for (const Class of classes) byCode.set(new Class().code, Class);
}
rebuildErrorsAs(
  FuturesError,
  CancelledError,
  TimeoutError,
  InvalidStateError,
  ShutdownError,
  BrokenExecutor,
  BrokenThreadPool,
  BrokenProcessPool,
);

/**
 * The error a record describes. A record may come from a hostile peer (a queue's result is
 * anything in Redis): every field is checked, and the class is only ever one of ours or a
 * builtin Error, whatever the record is named ("constructor" names Object on a plain object).
 */
export function fromErrorRecord(record: ErrorRecord, depth = 0): Error {
  const name = typeof record?.name === "string" ? record.name : "Error";
  const message = typeof record?.message === "string" ? record.message : safeString(record?.message);
  const stack = typeof record?.stack === "string" ? record.stack : undefined;
  const code = typeof record?.code === "string" || typeof record?.code === "number" ? record.code : undefined;
  const Ctor =
    (typeof code === "string" ? byCode.get(code) : undefined) ??
    (Object.hasOwn(builtins, name) ? builtins[name]! : Error);
  const cause = record?.cause && depth < 8 ? fromErrorRecord(record.cause, depth + 1) : undefined;
  const remote = stack ? new RemoteTraceback(stack, cause) : cause;
  const error = new Ctor(message, remote === undefined ? undefined : { cause: remote });
  if (error.name !== name)
    Object.defineProperty(error, "name", { value: name, configurable: true, writable: true });
  if (stack) error.stack = stack;
  if (code !== undefined) Object.assign(error, { code });
  return error;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "a value that cannot be shown";
    }
  }
}
