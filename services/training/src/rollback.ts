/**
 * rollback: point the stage's endpoint back at an earlier good model.
 *   {}                    → the model that was live before the current one (last entry of live.history);
 *                           the current model leaves the history, so a second rollback goes one further back.
 *   {"trainingJobName"}   → that model, if its registry record says it passed the gate; the current
 *                           model joins the history (it was good, just not wanted now).
 * Either way the target passes the same gate as a new model (gate.ts) on its recorded reference
 * scores, without the comparison with the live model a rollback is usually made to escape: it
 * must have reference scores, reach the minimum and every class floor.
 */
import { DescribeEndpointConfigCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import { GATE_METRIC, isNotFound, type LiveEntry, type LivePointer, type Logger } from '@digits/common';
import type { RollbackSettings } from './config';
import { pointEndpointAt, type EndpointChange } from './endpoint';
import { decideGate } from './gate';
import { RollbackError } from './errors';
import { DeploymentLog, deploymentRequest, type DeploymentRequest } from './deployments';
import { syncLiveWithEndpoint, type SyncOutcome } from './endpoint-truth';
import { ModelRegistry, liveEntry } from './registry';

export interface RollbackDeps {
  s3: S3Client;
  sagemaker: SageMakerClient;
  settings: RollbackSettings;
  logger: Logger;
  now?: () => Date;
}

export interface RollbackInput {
  trainingJobName?: string;
}

export interface RollbackResult {
  from: string;
  to: string;
  endpointName: string;
  endpointChange: EndpointChange;
  /** live.json follows once the endpoint is InService with the target (sync says whether it already is). */
  request: DeploymentRequest;
  sync: SyncOutcome;
}

export function parseRollbackInput(input: unknown): RollbackInput {
  if (input === undefined || input === null || input === '') return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw new RollbackError('rollback input must be {} or {"trainingJobName": "..."}');
  const { trainingJobName, ...rest } = input as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new RollbackError(`rollback input has unknown field(s): ${extra.join(', ')}`);
  if (trainingJobName === undefined) return {};
  if (typeof trainingJobName !== 'string' || !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(trainingJobName)) {
    throw new RollbackError('rollback "trainingJobName" must be a SageMaker training job name');
  }
  return { trainingJobName };
}

async function chooseTarget(
  registry: ModelRegistry,
  live: LivePointer,
  input: RollbackInput,
): Promise<{ target: LiveEntry; history: LiveEntry[] }> {
  if (!input.trainingJobName) {
    const target = live.history.at(-1);
    if (!target)
      throw new RollbackError(
        `no earlier model to roll back to: ${live.trainingJobName} is the only one that has been live`,
      );
    return { target, history: live.history.slice(0, -1) };
  }
  const name = input.trainingJobName;
  if (name === live.trainingJobName) throw new RollbackError(`${name} is already live`);
  const record = await registry.getRecord(name);
  if (!record) throw new RollbackError(`no model record for training job ${name}`);
  if (!record.gate.deploy || record.status !== 'Completed') {
    throw new RollbackError(`${name} did not pass the quality gate (${record.gate.reason}); it cannot be made live`);
  }
  const accuracy = record.metrics[GATE_METRIC];
  if (!record.modelName || !record.endpointConfigName || accuracy === undefined) {
    throw new RollbackError(`model record of ${name} names no model, endpoint config or ${GATE_METRIC}`);
  }
  const target: LiveEntry = {
    trainingJobName: name,
    modelName: record.modelName,
    endpointConfigName: record.endpointConfigName,
    testAccuracy: accuracy,
    deployedAt: record.recordedAt,
  };
  return { target, history: [...live.history.filter((h) => h.trainingJobName !== name), liveEntry(live)] };
}

export async function rollback(input: RollbackInput, deps: RollbackDeps): Promise<RollbackResult> {
  const { s3, sagemaker, settings, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const registry = new ModelRegistry(s3, settings.artifactsBucket);
  const live = await registry.getLive();
  if (!live) throw new RollbackError('no model is live yet: nothing to roll back');
  const { target, history } = await chooseTarget(registry, live.pointer, input);
  const targetRecord = await registry.getRecord(target.trainingJobName);
  const gate = decideGate(
    { reference: targetRecord?.reference, testAccuracy: targetRecord?.metrics[GATE_METRIC] },
    undefined,
    settings.gate,
  );
  if (!gate.deploy)
    throw new RollbackError(
      `${target.trainingJobName} does not pass the quality gate now (${gate.reason}); not rolling back`,
    );

  try {
    await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: target.endpointConfigName }));
  } catch (e) {
    if (isNotFound(e))
      throw new RollbackError(
        `endpoint config ${target.endpointConfigName} of ${target.trainingJobName} no longer exists`,
      );
    throw e;
  }
  const endpointChange = await pointEndpointAt(
    sagemaker,
    settings.endpointName,
    target.endpointConfigName,
    target.trainingJobName,
  );
  // live.json moves when the endpoint is InService with the target's config (endpoint-truth.ts).
  const request = deploymentRequest(
    settings.endpointName,
    'rollback',
    { ...target, deployedAt: now().toISOString() },
    live.pointer,
    history,
  );
  await new DeploymentLog(s3, settings.artifactsBucket).put(request);
  const sync = await syncLiveWithEndpoint(deps);
  logger.warn('rollback requested', {
    endpointName: settings.endpointName,
    from: live.pointer.trainingJobName,
    to: target.trainingJobName,
    endpointChange,
    sync: sync.action,
  });
  return {
    from: live.pointer.trainingJobName,
    to: target.trainingJobName,
    endpointName: settings.endpointName,
    endpointChange,
    request,
    sync,
  };
}
