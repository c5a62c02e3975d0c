// Waiting on many futures of a fault test: until some are done (to act mid-run), and what the
// settled ones got that is not their own result.

/** Resolves once `count` of the futures are done, either way. */
export function whenDone(futures: readonly PromiseLike<unknown>[], count: number): Promise<void> {
  let done = 0;
  return new Promise((resolve) => {
    for (const future of futures) {
      const counted = (): void => {
        if (++done === count) resolve();
      };
      future.then(counted, counted);
    }
  });
}

/**
 * The outcomes that are not call i's own result `i`, as "i: what it got"; a failure that
 * `allowed` accepts is not listed.
 */
export function notOwnResults(
  outcomes: readonly PromiseSettledResult<unknown>[],
  allowed: (reason: unknown) => boolean = () => false,
): string[] {
  return outcomes.flatMap((outcome, i) => {
    if (outcome.status === "fulfilled") return outcome.value === i ? [] : [`${i}: ${String(outcome.value)}`];
    return allowed(outcome.reason) ? [] : [`${i}: ${String(outcome.reason)}`];
  });
}
