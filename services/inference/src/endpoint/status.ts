import type { EndpointStatus, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isNotFound } from '@digits/common';
import { cached, type Cached } from '../cache';

/** How long a DescribeEndpoint answer is reused, so /predict rarely pays for it. */
export const STATUS_TTL_MS = 5_000;

export interface EndpointState {
  name: string;
  /** SageMaker's EndpointStatus, `NotFound` when no endpoint of that name exists, `Unknown` when it could not be read. */
  status: EndpointStatus | 'NotFound' | 'Unknown';
  /** Whether InvokeEndpoint can answer now. */
  serving: boolean;
  /** SageMaker's own words: for the logs only (it names roles, images, buckets), see health.ts. */
  failureReason?: string;
}

/**
 * An endpoint keeps answering with its current model while it is being updated (a new model
 * rolling out) or rolled back, so those count as serving, not only InService.
 */
const SERVING: ReadonlySet<string> = new Set([
  'InService',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'UpdateRollbackFailed',
]);

export async function describeEndpoint(client: SageMakerClient, name: string): Promise<EndpointState> {
  // Loaded on first use: the SageMaker control-plane client is most of the bundle, and only
  // /health and a failed prediction need it (keeps the cold start of /predict short).
  const { DescribeEndpointCommand } = await import('@aws-sdk/client-sagemaker');
  try {
    const out = await client.send(new DescribeEndpointCommand({ EndpointName: name }));
    const status = out.EndpointStatus ?? 'Unknown';
    return {
      name,
      status,
      serving: SERVING.has(status),
      ...(out.FailureReason ? { failureReason: out.FailureReason } : {}),
    };
  } catch (e) {
    if (isNotFound(e)) return { name, status: 'NotFound', serving: false };
    throw e;
  }
}

export function endpointStatusCache(
  client: () => Promise<SageMakerClient>,
  name: string,
  ttlMs = STATUS_TTL_MS,
  now?: () => number,
): Cached<EndpointState> {
  return cached(async () => describeEndpoint(await client(), name), ttlMs, now);
}
