/**
 * Calls run one after the other, never two at once, within this execution environment. On AWS the
 * collecting function has reserved concurrency 1 (one environment at a time); the offline runner
 * runs a function's invocations concurrently in one worker, where this keeps them apart too.
 */
export function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * oneAtATime, where a call with the same `key` as one still waiting for its turn shares that call's
 * result instead of queueing its own: the waiting run has not started, so it will see everything
 * the later call would have. A burst of corrections wakes the collector once per object; the runs
 * that only count what is pending then list the inbox a few times, not once per object.
 */
export function oneAtATimeSharingWaits(): <T>(key: string | undefined, work: () => Promise<T>) => Promise<T> {
  const serially = oneAtATime();
  const waiting = new Map<string, Promise<unknown>>();
  return <T>(key: string | undefined, work: () => Promise<T>): Promise<T> => {
    if (key === undefined) return serially(work);
    const queued = waiting.get(key);
    if (queued) return queued as Promise<T>;
    const run = serially(() => {
      waiting.delete(key);
      return work();
    });
    waiting.set(key, run);
    return run;
  };
}
