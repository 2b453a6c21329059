/**
 * The endpoint's current EndpointConfig is the truth of what serves; registry/live.json follows
 * it. syncLiveWithEndpoint reads the endpoint and, only when it is InService, makes live.json name
 * the model of its current config (a conditional write on the ETag read, so two syncs or a sync
 * and a rollback cannot interleave), and settles every open deployment request: the one the
 * endpoint serves becomes `live`, any other `not-serving` with the reason (SageMaker's
 * FailureReason for a rolled-back update, or the later change that replaced it).
 *
 * Called by confirmDeployment (EventBridge "SageMaker Endpoint State Change"), after every deploy
 * and rollback request, and by reconcile; each call converges, so redelivery and races are safe.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import { GATE_METRIC, type LiveEntry, type LivePointer, type Logger } from '@digits/common';
import { DeploymentLog, type DeploymentRequest } from './deployments';
import { describeEndpoint } from './endpoint';
import { ModelRegistry, liveEntry, type LiveState } from './registry';

export interface EndpointTruthDeps {
  s3: S3Client;
  sagemaker: SageMakerClient;
  settings: { artifactsBucket: string; endpointName: string };
  logger: Logger;
  now?: () => Date;
}

export type SyncOutcome =
  | { action: 'no-endpoint' }
  | { action: 'endpoint-not-in-service'; status: string }
  | { action: 'in-sync'; trainingJobName: string; settled: SettledRequest[] }
  | { action: 'moved'; from?: string; to: string; settled: SettledRequest[] }
  | { action: 'unknown-config'; endpointConfigName: string; settled: SettledRequest[] };

export interface SettledRequest {
  trainingJobName: string;
  state: 'live' | 'not-serving';
  reason?: string;
}

/** What live.json should say for `target`, given what it says now and the request that asked for it. */
function nextPointer(
  endpointName: string,
  target: LiveEntry,
  live: LivePointer | undefined,
  request: DeploymentRequest | undefined,
  deployedAt: string,
): LivePointer {
  // A request's history (a rollback pops one) holds if live.json still names what it was based on.
  const history =
    request && request.basedOn === live?.trainingJobName
      ? request.history
      : live
        ? [...live.history.filter((h) => h.trainingJobName !== target.trainingJobName), liveEntry(live)]
        : [];
  return { endpointName, ...target, deployedAt, history };
}

/** The model an endpoint config serves, from the registry record of the job that created it. */
async function entryForConfig(registry: ModelRegistry, endpointConfigName: string): Promise<LiveEntry | undefined> {
  // deployModel names the model and endpoint config after the training job (deploy-model.ts).
  const record = await registry.getRecord(endpointConfigName);
  const accuracy = record?.metrics[GATE_METRIC];
  if (!record || record.endpointConfigName !== endpointConfigName || !record.modelName || accuracy === undefined)
    return undefined;
  return {
    trainingJobName: record.trainingJobName,
    modelName: record.modelName,
    endpointConfigName,
    testAccuracy: accuracy,
    deployedAt: record.recordedAt,
  };
}

export async function syncLiveWithEndpoint(deps: EndpointTruthDeps): Promise<SyncOutcome> {
  const { s3, sagemaker, settings, logger } = deps;
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const endpoint = await describeEndpoint(sagemaker, settings.endpointName);
  if (!endpoint) return { action: 'no-endpoint' };
  const log = new DeploymentLog(s3, settings.artifactsBucket);
  const registry = new ModelRegistry(s3, settings.artifactsBucket);
  const status = endpoint.status ?? 'Unknown';
  const current = endpoint.endpointConfigName;

  const settle = async (request: DeploymentRequest, state: SettledRequest['state'], reason?: string) => {
    await log.put({ ...request, state, ...(reason ? { reason } : {}), settledAt: now() });
    if (state === 'not-serving')
      logger.warn('deployment did not take effect; live.json stays on what the endpoint serves', {
        trainingJobName: request.trainingJobName,
        endpointName: settings.endpointName,
        reason,
      });
    return { trainingJobName: request.trainingJobName, state, ...(reason ? { reason } : {}) };
  };

  if (status === 'Failed') {
    // Creating the endpoint failed: nothing serves, so nothing asked for is live.
    const why = `endpoint ${settings.endpointName} Failed${endpoint.failureReason ? `: ${endpoint.failureReason}` : ''}`;
    for (const request of await log.open()) await settle(request, 'not-serving', why);
    return { action: 'endpoint-not-in-service', status };
  }
  // Creating/Updating/RollingBack…: a later state change (and another sync) will come.
  if (status !== 'InService' || !current) return { action: 'endpoint-not-in-service', status };

  const open = await log.open();
  const settled: SettledRequest[] = [];
  const serving = open.find((r) => r.endpointConfigName === current);
  for (const request of open.filter((r) => r !== serving)) {
    // The endpoint is settled on another config: this change was rolled back or replaced.
    const why = endpoint.failureReason
      ? `the update to ${request.endpointConfigName} was rolled back: ${endpoint.failureReason}`
      : `endpoint ${settings.endpointName} serves ${current}, not ${request.endpointConfigName} (a later change replaced it)`;
    settled.push(await settle(request, 'not-serving', why));
  }

  const live: LiveState | undefined = await registry.getLive();
  if (live?.pointer.endpointConfigName === current) {
    if (serving) settled.push(await settle(serving, 'live'));
    return { action: 'in-sync', trainingJobName: live.pointer.trainingJobName, settled };
  }
  const target = serving ?? (await entryForConfig(registry, current));
  if (!target) {
    logger.error('the endpoint serves a config the registry does not know; live.json left as it is', {
      endpointName: settings.endpointName,
      endpointConfigName: current,
      live: live?.pointer.trainingJobName,
    });
    return { action: 'unknown-config', endpointConfigName: current, settled };
  }
  const entry: LiveEntry = {
    trainingJobName: target.trainingJobName,
    modelName: target.modelName,
    endpointConfigName: target.endpointConfigName,
    testAccuracy: target.testAccuracy,
    deployedAt: now(),
  };
  // If-Match on the ETag read: a concurrent sync or rollback that moved it first makes this one retry.
  await registry.putLive(nextPointer(settings.endpointName, entry, live?.pointer, serving, entry.deployedAt), live);
  if (serving) settled.push(await settle(serving, 'live'));
  logger.info('live.json follows the endpoint', {
    endpointName: settings.endpointName,
    from: live?.pointer.trainingJobName,
    to: entry.trainingJobName,
  });
  return {
    action: 'moved',
    ...(live ? { from: live.pointer.trainingJobName } : {}),
    to: entry.trainingJobName,
    settled,
  };
}
