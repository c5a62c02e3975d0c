// A bounded wait for the queue's closing steps, which must end even when Redis is gone.
/** Wait for `promise` to settle, at most `ms`: closing steps must end even with Redis gone. */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(
      () => (clearTimeout(timer), resolve()),
      () => (clearTimeout(timer), resolve()),
    );
  });
}
