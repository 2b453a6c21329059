/**
 * A value loaded at most once per `ttlMs` per Lambda container; concurrent callers share one
 * in-flight load, and a failed load is not cached (the next call tries again).
 */
export interface Cached<T> {
  get(): Promise<T>;
  invalidate(): void;
}

export function cached<T>(load: () => Promise<T>, ttlMs: number, now: () => number = Date.now): Cached<T> {
  let entry: { value: Promise<T>; at: number } | undefined;
  return {
    get() {
      const t = now();
      if (entry && t - entry.at < ttlMs) return entry.value;
      const current = { value: load(), at: t };
      entry = current;
      current.value.catch(() => {
        if (entry === current) entry = undefined;
      });
      return current.value;
    },
    invalidate() {
      entry = undefined;
    },
  };
}
