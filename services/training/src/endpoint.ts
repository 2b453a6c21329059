/**
 * Point the stage's endpoint at an endpoint config: CreateEndpoint when it does not exist,
 * UpdateEndpoint otherwise. SageMaker's UpdateEndpoint is blue/green (all at once) by default:
 * the old config keeps serving until the new fleet is InService, and a failed update leaves it.
 */
import {
  CreateEndpointCommand,
  DescribeEndpointCommand,
  UpdateEndpointCommand,
  type EndpointStatus,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { isAlreadyExists, isNotFound } from '@digits/common';
import { EndpointBusyError } from './errors';
import { TRAINING_JOB_TAG } from './endpoint-config';

export interface EndpointState {
  status?: EndpointStatus | string;
  endpointConfigName?: string;
  /** Why the last Create/UpdateEndpoint failed (an update that failed was rolled back). */
  failureReason?: string;
}

/** States in which SageMaker refuses an UpdateEndpoint; the caller retries later. */
const BUSY: ReadonlySet<string> = new Set([
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'Deleting',
  'UpdateRollbackFailed',
]);

export async function describeEndpoint(
  sagemaker: SageMakerClient,
  endpointName: string,
): Promise<EndpointState | undefined> {
  try {
    const res = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    return {
      status: res.EndpointStatus,
      endpointConfigName: res.EndpointConfigName,
      ...(res.FailureReason ? { failureReason: res.FailureReason } : {}),
    };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** SageMaker refuses UpdateEndpoint on an endpoint that is updating: ValidationException "Cannot update in-progress endpoint …". */
function isUpdateInProgress(e: unknown): boolean {
  const { name, message } = (typeof e === 'object' && e !== null ? e : {}) as { name?: string; message?: string };
  return (
    (name === 'ValidationException' || name === 'ValidationError') && /in-progress|in progress/i.test(message ?? '')
  );
}

export type EndpointChange = 'created' | 'updated' | 'unchanged';

export interface BusyWait {
  /** How long to wait for a Creating/Updating endpoint to settle before giving up (0: fail at once). */
  maxWaitMs: number;
  pollMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const NO_WAIT: BusyWait = { maxWaitMs: 0, pollMs: 0 };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Describe the endpoint, waiting (up to the budget) while it is in a state that refuses updates. */
async function settledEndpoint(
  sagemaker: SageMakerClient,
  endpointName: string,
  wait: BusyWait,
): Promise<EndpointState | undefined> {
  const sleep = wait.sleep ?? realSleep;
  let waited = 0;
  for (;;) {
    const current = await describeEndpoint(sagemaker, endpointName);
    const mayWait = wait.pollMs > 0 && waited + wait.pollMs <= wait.maxWaitMs;
    if (!current?.status || !BUSY.has(current.status) || !mayWait) return current;
    await sleep(wait.pollMs);
    waited += wait.pollMs;
  }
}

export async function pointEndpointAt(
  sagemaker: SageMakerClient,
  endpointName: string,
  endpointConfigName: string,
  trainingJobName: string,
  wait: BusyWait = NO_WAIT,
): Promise<EndpointChange> {
  const current = await settledEndpoint(sagemaker, endpointName, wait);
  if (!current) {
    try {
      await sagemaker.send(
        new CreateEndpointCommand({
          EndpointName: endpointName,
          EndpointConfigName: endpointConfigName,
          Tags: [{ Key: TRAINING_JOB_TAG, Value: trainingJobName }],
        }),
      );
      return 'created';
    } catch (e) {
      if (isAlreadyExists(e)) throw new EndpointBusyError(`endpoint ${endpointName} was created concurrently; retry`);
      throw e;
    }
  }
  if (current.endpointConfigName === endpointConfigName) return 'unchanged';
  if (current.status && BUSY.has(current.status)) {
    throw new EndpointBusyError(
      `endpoint ${endpointName} is ${current.status}; it cannot switch to ${endpointConfigName} now, retry later`,
    );
  }
  try {
    await sagemaker.send(
      new UpdateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: endpointConfigName }),
    );
  } catch (e) {
    // Another deploy or rollback updated it between our Describe and this Update.
    if (isUpdateInProgress(e))
      throw new EndpointBusyError(`endpoint ${endpointName} started another update concurrently; retry`);
    throw e;
  }
  return 'updated';
}
