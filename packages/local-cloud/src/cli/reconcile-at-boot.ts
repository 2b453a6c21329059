import type { LocalCloud } from '../local-cloud';
import type { Progress } from './progress';

/**
 * Where `pnpm start` repairs what an earlier run left half done: if a service declares a function
 * with the key `reconcile` (in its serverless.yml, like every other function), it is invoked at
 * boot, before the wait for a model, the way a schedule or an operator would invoke it on AWS —
 * and again when a training attempt ends without a model during the wait (retryTraining).
 */
export const RECONCILE_FUNCTION_KEY = 'reconcile';

/** Invokes every reconcile function once; each one's answer (undefined for one that failed). */
export async function runReconcilers(cloud: LocalCloud, progress: Progress, reason: string): Promise<unknown[]> {
  const reconcilers = cloud.functions.functions.filter((f) => f.key === RECONCILE_FUNCTION_KEY);
  const results: unknown[] = [];
  for (const fn of reconcilers) {
    try {
      const result = await cloud.functions.invoke(fn.name, { source: 'pnpm-start', reason });
      progress.stage('reconcile', `${fn.name}: ${JSON.stringify(result ?? null).slice(0, 300)}`);
      results.push(result);
    } catch (error) {
      progress.stage('reconcile', `${fn.name} FAILED: ${(error as Error).name}: ${(error as Error).message}`);
      results.push(undefined);
    }
  }
  return results;
}

export async function reconcileAtBoot(cloud: LocalCloud, progress: Progress): Promise<void> {
  await runReconcilers(cloud, progress, 'boot');
}

/** One manifest's line of a reconcile answer: `{ key, status: 'started' | 'already-started', … }` or `{ key, error }`. */
interface ManifestReconciled {
  key?: unknown;
  status?: unknown;
  error?: unknown;
}

/**
 * Asks the reconcilers for the next training attempt of `manifestKey`: undefined once one runs,
 * else why none does (the attempt limit is used up, the manifest cannot be trained on, or no
 * reconcile function exists).
 */
export async function retryTraining(
  cloud: LocalCloud,
  progress: Progress,
  manifestKey: string,
): Promise<string | undefined> {
  const results = await runReconcilers(cloud, progress, 'training attempt ended');
  if (results.length === 0) return `no function is keyed "${RECONCILE_FUNCTION_KEY}"`;
  for (const result of results) {
    const training = (result as { training?: ManifestReconciled[] } | undefined)?.training ?? [];
    const line = training.find((t) => t.key === manifestKey);
    if (line?.status === 'started' || line?.status === 'already-started') return undefined;
    if (typeof line?.error === 'string') return line.error;
  }
  return `reconcile did not start training for ${manifestKey} (see the reconcile line above)`;
}
