// Errors crossing a thread or process boundary. Structured clone keeps too little of an
// Error (no custom name, no code, no own properties), so errors travel as plain records
// and are rebuilt on arrival with the worker's name, message and stack; the remote stack
// is also kept as the cause, like Python's _RemoteTraceback.

export interface ErrorRecord {
  name: string;
  message: string;
  stack: string | undefined;
  code: unknown;
  cause: ErrorRecord | undefined;
}

/** Shows the stack of an error that happened in a worker. */
export class RemoteTraceback extends Error {
  override name = "RemoteTraceback";
  constructor(stack: string, cause?: unknown) {
    super(`\n"""\n${stack}\n"""`, cause === undefined ? undefined : { cause });
  }
}

export function toErrorRecord(error: unknown, depth = 0): ErrorRecord {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: (error as { code?: unknown }).code,
      cause: error.cause !== undefined && depth < 8 ? toErrorRecord(error.cause, depth + 1) : undefined,
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

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

export function fromErrorRecord(record: ErrorRecord): Error {
  const Ctor = builtins[record.name] ?? Error;
  const cause = record.cause ? fromErrorRecord(record.cause) : undefined;
  const remote = record.stack ? new RemoteTraceback(record.stack, cause) : cause;
  const error = new Ctor(record.message, remote === undefined ? undefined : { cause: remote });
  if (error.name !== record.name)
    Object.defineProperty(error, "name", { value: record.name, configurable: true, writable: true });
  if (record.stack) error.stack = record.stack;
  if (record.code !== undefined) Object.assign(error, { code: record.code });
  return error;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
