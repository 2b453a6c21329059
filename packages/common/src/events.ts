import type { S3Event, EventBridgeEvent } from 'aws-lambda';

export type { S3Event } from 'aws-lambda';

export interface S3ObjectRef {
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
  eventName: string;
}

/** S3 notification keys are URL-encoded with '+' for spaces; this is the one place that decodes them. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export function s3ObjectsFromEvent(event: S3Event): S3ObjectRef[] {
  return (event.Records ?? [])
    .filter((r) => r.eventName?.startsWith('ObjectCreated:'))
    .map((r) => ({
      bucket: r.s3.bucket.name,
      key: decodeS3Key(r.s3.object.key),
      size: r.s3.object.size,
      etag: r.s3.object.eTag,
      versionId: r.s3.object.versionId,
      eventName: r.eventName,
    }));
}

/** detail of the EventBridge event "SageMaker Training Job State Change" (fields the services use). */
export interface TrainingJobStateChangeDetail {
  TrainingJobName: string;
  TrainingJobArn?: string;
  TrainingJobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  SecondaryStatus?: string;
  FailureReason?: string;
  ModelArtifacts?: { S3ModelArtifacts?: string };
  FinalMetricDataList?: Array<{ MetricName?: string; Value?: number; Timestamp?: number | string }>;
  Tags?: Record<string, string>;
}

export const TRAINING_STATE_CHANGE = {
  source: 'aws.sagemaker',
  detailType: 'SageMaker Training Job State Change',
} as const;

export type TrainingJobStateChangeEvent = EventBridgeEvent<
  'SageMaker Training Job State Change',
  TrainingJobStateChangeDetail
>;

/** "SageMaker Endpoint State Change" (the fields the services read). */
export interface EndpointStateChangeDetail {
  EndpointName: string;
  EndpointStatus?: 'Creating' | 'InService' | 'Updating' | 'SystemUpdating' | 'RollingBack' | 'Deleting' | 'Failed';
  EndpointConfigName?: string;
  FailureReason?: string;
}

export const ENDPOINT_STATE_CHANGE = {
  source: 'aws.sagemaker',
  detailType: 'SageMaker Endpoint State Change',
} as const;

export type EndpointStateChangeEvent = EventBridgeEvent<'SageMaker Endpoint State Change', EndpointStateChangeDetail>;
