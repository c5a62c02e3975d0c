// The line `futures serve` prints for a listener when it stops, read back, so that tests can
// check that its counts add up.

export interface StopSummary {
  /** The whole line after the label. */
  line: string;
  /** The flag requests it counted. */
  requests: number;
  /** The count of each outcome it names: { "×200": 10, "cut off by the stop": 5 }. */
  outcomes: Record<string, number>;
  /** The outcomes added up: the same as `requests` when the summary adds up. */
  total: number;
}

/**
 * The summary of `label` in what `futures serve` printed after "Stopped on ...", like
 * "ERROR  24 flag requests: 10×200, 6×404, 5 cut off by the stop; 3 answers cut short by the client".
 */
export function stopSummary(stdout: string, label: string): StopSummary {
  const after = stdout.slice(stdout.indexOf("Stopped on "));
  const line = new RegExp(`^${label} {2}(.*)$`, "m").exec(after)?.[1];
  if (line === undefined) throw new Error(`no stop summary of ${label} in:\n${stdout}`);
  const [, requests, list = ""] = /^(\d+) flag requests?(?:: ([^;]*))?/.exec(line) ?? [];
  if (requests === undefined) throw new Error(`no count of flag requests in: ${line}`);
  const outcomes: Record<string, number> = {};
  for (const part of list.split(", ").filter(Boolean)) {
    const [, n, what] = /^(\d+) ?(.*)$/.exec(part) ?? [];
    if (n === undefined) throw new Error(`an outcome without a count: ${part}`);
    outcomes[what!] = Number(n);
  }
  const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
  return { line, requests: Number(requests), outcomes, total };
}
