/**
 * Deployment requests: registry/deployments/<job>.json, one per endpoint change deployModel or
 * rollback asked SageMaker for. live.json does not move when SageMaker accepts the change; it moves
 * when the endpoint is InService with the requested config (endpoint-truth.ts), and the request
 * records how it ended — live, or not serving and why (rolled back, replaced by a later change).
 * Only the training service reads and writes these objects.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REGISTRY_DEPLOYMENTS_PREFIX, type LiveEntry, type LivePointer } from '@digits/common';

export interface DeploymentRequest extends LiveEntry {
  endpointName: string;
  kind: 'deploy' | 'rollback';
  /** The model live.json named when the change was asked for, and the history the change intends. */
  basedOn?: string;
  history: LiveEntry[];
  state: 'requested' | 'live' | 'not-serving';
  /** Why a request ended without serving. */
  reason?: string;
  settledAt?: string;
}

export const deploymentKey = (trainingJobName: string): string =>
  `${REGISTRY_DEPLOYMENTS_PREFIX}${trainingJobName}.json`;

export class DeploymentLog {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(request: DeploymentRequest): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: deploymentKey(request.trainingJobName),
        Body: `${JSON.stringify(request, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  }

  /** Requests not settled yet (state `requested`), oldest first. */
  async open(): Promise<DeploymentRequest[]> {
    const open: DeploymentRequest[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: REGISTRY_DEPLOYMENTS_PREFIX,
          ContinuationToken: token,
        }),
      );
      for (const { Key } of page.Contents ?? []) {
        if (!Key?.endsWith('.json')) continue;
        const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
        const request = JSON.parse((await res.Body?.transformToString('utf-8')) ?? '{}') as DeploymentRequest;
        if (request.state === 'requested') open.push(request);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return open.sort((a, b) => a.deployedAt.localeCompare(b.deployedAt));
  }
}

/** The request for making `target` live, with the history live.json should then hold. */
export function deploymentRequest(
  endpointName: string,
  kind: DeploymentRequest['kind'],
  target: LiveEntry,
  live: LivePointer | undefined,
  history: LiveEntry[],
): DeploymentRequest {
  return {
    endpointName,
    kind,
    ...target,
    ...(live ? { basedOn: live.trainingJobName } : {}),
    history,
    state: 'requested',
  };
}
