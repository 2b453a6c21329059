/**
 * reconcile: repair what lost or failed events left behind. Scheduled (serverless.yml), invocable
 * by hand (`sls invoke -f reconcile`), and a plain function `pnpm start` can call at boot.
 *   - every manifest in the processed bucket with no running or completed training job gets the
 *     next attempt (startTraining's own rule: a lost manifest event, a failed or stopped job);
 *     a version that used up its attempts is reported, not retried;
 *   - registry/live.json is brought in line with the endpoint's current config (endpoint-truth.ts).
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { parseManifestKey } from '@digits/common';
import { isPermanent } from '@digits/lambda-kit';
import type { TrainingSettings } from './config';
import { syncLiveWithEndpoint, type SyncOutcome } from './endpoint-truth';
import { startTraining, type StartTrainingDeps, type StartTrainingResult } from './start-training';

export interface ReconcileDeps extends Omit<StartTrainingDeps, 'settings'> {
  settings: TrainingSettings & { endpointName: string };
}

export type ManifestReconciled =
  | ({ key: string } & Pick<StartTrainingResult, 'status' | 'attempt' | 'trainingJobName' | 'existingStatus'>)
  | { key: string; error: string };

export interface ReconcileResult {
  training: ManifestReconciled[];
  endpoint: SyncOutcome;
}

/** Every <dataset>/<version>/manifest.json key of the processed bucket, in key order. */
async function manifestKeys(deps: ReconcileDeps): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: deps.settings.processedBucket, ContinuationToken: token }),
    );
    for (const { Key } of page.Contents ?? []) if (Key && parseManifestKey(Key)) keys.push(Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export async function reconcile(deps: ReconcileDeps): Promise<ReconcileResult> {
  const { logger } = deps;
  const training: ManifestReconciled[] = [];
  let retryable: unknown;
  for (const key of await manifestKeys(deps)) {
    try {
      const { status, attempt, trainingJobName, existingStatus } = await startTraining(parseManifestKey(key)!, deps);
      training.push({ key, status, attempt, trainingJobName, ...(existingStatus ? { existingStatus } : {}) });
    } catch (e) {
      // One manifest's failure does not hide the others; a retryable one fails the run at the end.
      if (!isPermanent(e)) retryable ??= e;
      logger.error('reconcile: could not start training', { key, error: e });
      training.push({ key, error: (e as Error).message });
    }
  }
  const endpoint = await syncLiveWithEndpoint(deps);
  const started = training.filter((t) => 'status' in t && t.status === 'started');
  logger.info('reconciled', {
    manifests: training.length,
    started: started.length,
    failed: training.filter((t) => 'error' in t).length,
    endpoint: endpoint.action,
  });
  if (retryable) throw retryable;
  return { training, endpoint };
}
