/**
 * deployModel: on "SageMaker Training Job State Change", record the model in the registry and,
 * if the job completed and passes the quality gate, deploy it to the stage's endpoint.
 *
 * Order matters for safety: the live endpoint is only touched after the gate passed and the
 * model + endpoint config exist; registry/live.json moves only when the endpoint is InService with
 * the new config (endpoint-truth.ts, on the endpoint's state change), never when SageMaker merely
 * accepted the Create/UpdateEndpoint. Every name derives from the job's, so a redelivered event converges.
 */
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeTrainingJobCommand,
  type DescribeTrainingJobResponse,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  GATE_METRIC,
  HYPERPARAMETERS,
  type GateDecision,
  type LiveEntry,
  type Logger,
  type ModelRecord,
  type TrainingJobStateChangeDetail,
  isAlreadyExists,
} from '@digits/common';
import type { DeploySettings } from './config';
import { createEndpointConfigInput, createModelInput } from './endpoint-config';
import { pointEndpointAt, type BusyWait, type EndpointChange } from './endpoint';
import { decideGate } from './gate';
import { isStageJob, stageNamePrefix } from './job-name';
import { DeploymentLog, deploymentRequest, type DeploymentRequest } from './deployments';
import { syncLiveWithEndpoint, type SyncOutcome } from './endpoint-truth';
import { readModelReport, type ModelReport } from './model-evaluation';
import { ModelRegistry, liveEntry, wasLive } from './registry';

export interface DeployDeps {
  s3: S3Client;
  sagemaker: SageMakerClient;
  settings: DeploySettings;
  logger: Logger;
  now?: () => Date;
  /** Waiting for an endpoint that is still creating/updating (a previous deploy) before switching it. */
  busyWait?: BusyWait;
  /** Reads a model's metadata.json from its artifact (default: readModelReport over `s3`). */
  readReport?: (artifactUri: string) => Promise<ModelReport>;
}

/**
 * An endpoint update takes minutes; Lambda's own async retries (after 1 and 2 minutes) would give
 * up first, so deployModel waits in-process within its 15-minute timeout.
 */
export const DEPLOY_BUSY_WAIT: BusyWait = { maxWaitMs: 12 * 60_000, pollMs: 20_000 };

export type DeployOutcome =
  | { action: 'ignored'; trainingJobName: string; reason: string }
  | { action: 'not-deployed'; trainingJobName: string; reason: string; record: ModelRecord }
  | { action: 'already-deployed'; trainingJobName: string }
  | {
      /** SageMaker accepted the endpoint change; live.json follows once the endpoint is InService with it. */
      action: 'deploy-requested';
      trainingJobName: string;
      endpointChange: EndpointChange;
      record: ModelRecord;
      request: DeploymentRequest;
      sync: SyncOutcome;
    };

const FINAL_STATES: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped']);

type MetricList = Array<{ MetricName?: string; Value?: number }> | undefined;

/** Final metrics by name; later lists win (DescribeTrainingJob over the event's snapshot). */
export function finalMetrics(...lists: MetricList[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const list of lists) {
    for (const m of list ?? []) {
      if (m.MetricName && typeof m.Value === 'number' && Number.isFinite(m.Value)) out[m.MetricName] = m.Value;
    }
  }
  return out;
}

/** What the registry records about a finished job, from the job itself with the event as fallback. */
export function recordFromJob(
  detail: TrainingJobStateChangeDetail,
  job: DescribeTrainingJobResponse,
  gate: GateDecision,
  recordedAt: Date,
): ModelRecord {
  const status = (job.TrainingJobStatus ?? detail.TrainingJobStatus) as ModelRecord['status'];
  const hp = job.HyperParameters ?? {};
  const failureReason = job.FailureReason ?? detail.FailureReason;
  const modelArtifact = job.ModelArtifacts?.S3ModelArtifacts ?? detail.ModelArtifacts?.S3ModelArtifacts;
  return {
    trainingJobName: detail.TrainingJobName,
    status,
    ...(hp[HYPERPARAMETERS.dataset] ? { dataset: hp[HYPERPARAMETERS.dataset] } : {}),
    ...(hp[HYPERPARAMETERS.datasetVersion] ? { datasetVersion: hp[HYPERPARAMETERS.datasetVersion] } : {}),
    metrics: finalMetrics(detail.FinalMetricDataList, job.FinalMetricDataList),
    ...(job.AlgorithmSpecification?.TrainingImage ? { image: job.AlgorithmSpecification.TrainingImage } : {}),
    ...(modelArtifact ? { modelArtifact } : {}),
    gate,
    ...(failureReason ? { failureReason } : {}),
    recordedAt: recordedAt.toISOString(),
    ...(job.TrainingEndTime ? { trainedAt: new Date(job.TrainingEndTime).toISOString() } : {}),
  };
}

async function createIfAbsent(send: () => Promise<unknown>): Promise<'created' | 'existed'> {
  try {
    await send();
    return 'created';
  } catch (e) {
    if (isAlreadyExists(e)) return 'existed';
    throw e;
  }
}

export async function deployModel(detail: TrainingJobStateChangeDetail, deps: DeployDeps): Promise<DeployOutcome> {
  const { s3, sagemaker, settings, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const name = detail.TrainingJobName;
  if (typeof name !== 'string' || name === '')
    throw new Error('training state change event has no detail.TrainingJobName');
  if (!isStageJob(settings.jobPrefix, name)) {
    return {
      action: 'ignored',
      trainingJobName: name,
      reason: `not a job of this stage (prefix ${stageNamePrefix(settings.jobPrefix)})`,
    };
  }
  if (!FINAL_STATES.has(detail.TrainingJobStatus)) {
    return { action: 'ignored', trainingJobName: name, reason: `status ${detail.TrainingJobStatus} is not final` };
  }

  const registry = new ModelRegistry(s3, settings.artifactsBucket);
  // The event may be partial; the job's description is authoritative for image, artifact and data.
  const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
  const [existing, live] = await Promise.all([registry.getRecord(name), registry.getLive()]);

  if (wasLive(live?.pointer, name)) {
    logger.info('model is or was live already; nothing to do', { trainingJobName: name });
    return { action: 'already-deployed', trainingJobName: name };
  }
  if (existing && !existing.gate.deploy) {
    logger.warn('model was refused before; not deploying', { trainingJobName: name, reason: existing.gate.reason });
    return { action: 'not-deployed', trainingJobName: name, reason: existing.gate.reason, record: existing };
  }

  const refuse = async (
    decision: string | GateDecision,
    scored = recordFromJob(detail, job, { deploy: false, reason: '' }, now()),
  ): Promise<DeployOutcome> => {
    const gate = typeof decision === 'string' ? { deploy: false as const, reason: decision } : decision;
    const reason = gate.reason;
    const record: ModelRecord = { ...scored, gate };
    await registry.putRecord(record);
    logger.warn('model not deployed; the live endpoint is untouched', {
      trainingJobName: name,
      status: record.status,
      reason,
      metrics: record.metrics,
    });
    return { action: 'not-deployed', trainingJobName: name, reason, record };
  };

  const status = job.TrainingJobStatus ?? detail.TrainingJobStatus;
  if (status !== 'Completed') {
    const why = job.FailureReason ?? detail.FailureReason;
    return refuse(`training job ${status}${why ? `: ${why}` : ''}`);
  }
  const draft = recordFromJob(detail, job, { deploy: false, reason: 'pending' }, now());
  if (!draft.modelArtifact) return refuse('the completed job names no model artifact');
  if (!draft.image) return refuse('the completed job names no image');

  // The gate judges the reference scores in metadata.json: no report, nothing to judge (refused).
  const readReport = deps.readReport ?? ((uri: string) => readModelReport(s3, uri));
  const report = await readReport(draft.modelArtifact).catch((e: Error) => {
    logger.warn('model report unreadable: metadata.json could not be read from the artifact', {
      trainingJobName: name,
      error: e.message,
    });
    return undefined;
  });
  const liveRecord = live && (await registry.getRecord(live.pointer.trainingJobName));
  const gate = decideGate(
    { reference: report?.reference, testAccuracy: draft.metrics[GATE_METRIC], feedback: report?.feedback },
    live && { trainingJobName: live.pointer.trainingJobName, reference: liveRecord?.reference },
    settings.gate,
  );
  const scored: ModelRecord = {
    ...draft,
    ...(report ? { evaluation: report.evaluation } : {}),
    ...(report?.reference ? { reference: report.reference } : {}),
    ...(report?.feedback ? { feedback: report.feedback } : {}),
    ...(report?.robustness ? { robustness: report.robustness } : {}),
    ...(report?.hyperparameters ? { hyperparameters: report.hyperparameters } : {}),
  };
  if (!gate.deploy) return refuse(gate, scored);

  const modelName = name;
  const endpointConfigName = name;
  const modelCreated = await createIfAbsent(() =>
    sagemaker.send(
      new CreateModelCommand(
        createModelInput(
          { trainingJobName: name, image: draft.image!, modelArtifact: draft.modelArtifact! },
          modelName,
          settings.roleArn,
          settings.endpoint,
        ),
      ),
    ),
  );
  const configCreated = await createIfAbsent(() =>
    sagemaker.send(
      new CreateEndpointConfigCommand(
        createEndpointConfigInput(name, endpointConfigName, modelName, settings.endpoint),
      ),
    ),
  );
  const record: ModelRecord = { ...scored, gate, modelName, endpointConfigName };
  await registry.putRecord(record);

  const endpointChange = await pointEndpointAt(
    sagemaker,
    settings.endpointName,
    endpointConfigName,
    name,
    deps.busyWait ?? DEPLOY_BUSY_WAIT,
  );
  // live.json moves when the endpoint is InService with this config (endpoint-truth.ts), not now.
  const target: LiveEntry = {
    trainingJobName: name,
    modelName,
    endpointConfigName,
    testAccuracy: draft.metrics[GATE_METRIC] ?? report!.reference!.accuracy,
    deployedAt: now().toISOString(),
  };
  const history = live ? [...live.pointer.history, liveEntry(live.pointer)] : [];
  const request = deploymentRequest(settings.endpointName, 'deploy', target, live?.pointer, history);
  await new DeploymentLog(s3, settings.artifactsBucket).put(request);
  // An unchanged endpoint (a redelivered event after a crash) may be InService with it already.
  const sync = await syncLiveWithEndpoint(deps);
  logger.info('model deployment requested', {
    trainingJobName: name,
    endpointName: settings.endpointName,
    endpointChange,
    modelCreated,
    configCreated,
    gate: gate.reason,
    sync: sync.action,
  });
  return { action: 'deploy-requested', trainingJobName: name, endpointChange, record, request, sync };
}
