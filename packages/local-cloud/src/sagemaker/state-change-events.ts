import { randomUUID } from 'node:crypto';
import { TRAINING_STATE_CHANGE } from '@digits/common';
import type { EndpointRecord, TrainingJobRecord } from './state';
import { ACCOUNT_ID, secondsToMillis } from './wire';

/**
 * EventBridge events as SageMaker publishes them: "SageMaker Training Job State Change" (detail = the
 * DescribeTrainingJob answer with Tags as a map) and "SageMaker Endpoint State Change".
 * Timestamps in a detail are epoch milliseconds, as in AWS's events.
 */

export const ENDPOINT_STATE_CHANGE = {
  source: 'aws.sagemaker',
  detailType: 'SageMaker Endpoint State Change',
} as const;

export interface SageMakerEvent<D = Record<string, unknown>> {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.sagemaker';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: D;
}

const tagMap = (tags: Array<{ Key?: string; Value?: string }>) =>
  Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
const isoSeconds = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function envelope<D>(detailType: string, region: string, resource: string, detail: D): SageMakerEvent<D> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.sagemaker',
    account: ACCOUNT_ID,
    time: isoSeconds(),
    region,
    resources: [resource],
    detail,
  };
}

export function trainingJobEvent(region: string, job: TrainingJobRecord): SageMakerEvent {
  const { Tags, ...describe } = job;
  const detail = {
    ...describe,
    CreationTime: secondsToMillis(job.CreationTime),
    LastModifiedTime: secondsToMillis(job.LastModifiedTime),
    TrainingStartTime: secondsToMillis(job.TrainingStartTime),
    TrainingEndTime: secondsToMillis(job.TrainingEndTime),
    SecondaryStatusTransitions: job.SecondaryStatusTransitions?.map((t) => ({
      ...t,
      StartTime: secondsToMillis(t.StartTime),
      EndTime: secondsToMillis(t.EndTime),
    })),
    FinalMetricDataList: job.FinalMetricDataList?.map((m) => ({ ...m, Timestamp: secondsToMillis(m.Timestamp) })),
    Tags: tagMap(Tags),
  };
  return envelope(
    TRAINING_STATE_CHANGE.detailType,
    region,
    job.TrainingJobArn ?? '',
    JSON.parse(JSON.stringify(detail)) as Record<string, unknown>,
  );
}

export function endpointEvent(region: string, endpoint: EndpointRecord): SageMakerEvent {
  const detail = {
    EndpointName: endpoint.EndpointName,
    EndpointArn: endpoint.EndpointArn,
    EndpointConfigName: endpoint.EndpointConfigName,
    ProductionVariants: endpoint.ProductionVariants,
    EndpointStatus: endpoint.EndpointStatus,
    FailureReason: endpoint.FailureReason,
    CreationTime: secondsToMillis(endpoint.CreationTime),
    LastModifiedTime: secondsToMillis(endpoint.LastModifiedTime),
    Tags: tagMap(endpoint.Tags),
  };
  return envelope(
    ENDPOINT_STATE_CHANGE.detailType,
    region,
    endpoint.EndpointArn ?? '',
    JSON.parse(JSON.stringify(detail)) as Record<string, unknown>,
  );
}
