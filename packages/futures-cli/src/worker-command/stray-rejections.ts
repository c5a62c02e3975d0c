// Tasks on the async executor run in the worker's own process: a promise one of them leaves
// rejected, with no handler, would end the process (Node's default) and every job in it. It
// is that task's bug: a warning line, and the worker goes on.
export function warnOfStrayRejections(say: (line: string) => void): void {
  process.on("unhandledRejection", (reason) => {
    const message = reason instanceof Error ? reason.message : String(reason);
    say(`warning: a task left a promise rejected: ${message}`);
  });
}
