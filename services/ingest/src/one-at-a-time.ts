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
