// The queues one `futures worker` serves: --queue given once or more, each with one name or
// several split at commas (`--queue gpu --queue cpu`, `--queue gpu,cpu`, `--queue gpu cpu`).
import { UsageError } from "../common/usage.ts";
import { checkQueueName } from "../executors/queue-checks.ts";

export function queueNames(values: readonly string[]): string[] {
  const names = values.flatMap((value) => value.split(","));
  const seen = new Set<string>();
  for (const name of names) {
    checkQueueName(name);
    // A slip: a second worker on the same queue and the same pool would add nothing.
    if (seen.has(name)) throw new UsageError(`--queue names '${name}' twice`);
    seen.add(name);
  }
  return names;
}
