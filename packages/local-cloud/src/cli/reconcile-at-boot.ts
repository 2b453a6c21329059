import type { LocalCloud } from '../local-cloud';
import type { Progress } from './progress';

/**
 * The hook where `pnpm start` repairs what an earlier run left half done, before it waits for a
 * model: if a service declares a function with the key `reconcile` (in its serverless.yml, like
 * every other function), it is invoked once here, the way a schedule or an operator would invoke
 * it on AWS. Until one exists this does nothing, and the wait's diagnosis names the fix instead.
 */
export const RECONCILE_FUNCTION_KEY = 'reconcile';

export async function reconcileAtBoot(cloud: LocalCloud, progress: Progress): Promise<void> {
  const reconcilers = cloud.functions.functions.filter((f) => f.key === RECONCILE_FUNCTION_KEY);
  for (const fn of reconcilers) {
    try {
      const result = await cloud.functions.invoke(fn.name, { source: 'pnpm-start', reason: 'boot' });
      progress.stage('reconcile', `${fn.name}: ${JSON.stringify(result ?? null).slice(0, 300)}`);
    } catch (error) {
      progress.stage('reconcile', `${fn.name} FAILED: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
