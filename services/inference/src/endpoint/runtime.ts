import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { isInvocationResponse, isNotFound, type DigitPrediction } from '@digits/common';
import { HttpError, unavailable } from '../http/errors';

/** Seconds a client should wait before retrying, by why the endpoint could not answer. */
export const RETRY_AFTER = { missing: 60, starting: 30, busy: 2 } as const;

/**
 * Classify normalised 28×28 digits (0..1, ink bright) on the SageMaker endpoint:
 * `{"instances": [[784], ...]}` as application/json, answered with InvocationResponse.
 */
export async function invokeEndpoint(
  client: SageMakerRuntimeClient,
  endpointName: string,
  images: Float32Array[],
): Promise<DigitPrediction[]> {
  const body = JSON.stringify({ instances: images.map((img) => Array.from(img, round6)) });
  let raw: Uint8Array | undefined;
  try {
    const out = await client.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        ContentType: 'application/json',
        Accept: 'application/json',
        Body: body,
      }),
    );
    raw = out.Body;
  } catch (e) {
    throw invokeError(e, endpointName);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw ?? []).toString('utf8'));
  } catch {
    throw new HttpError(502, 'BAD_MODEL_RESPONSE', 'the model server answered with something that is not JSON');
  }
  if (!isInvocationResponse(parsed) || parsed.predictions.length !== images.length) {
    throw new HttpError(
      502,
      'BAD_MODEL_RESPONSE',
      `the model server's answer is not ${images.length} prediction(s) of 10 probabilities`,
    );
  }
  return parsed.predictions;
}

/** Float32 pixels carry ~7 significant digits; 6 decimals keep the request a third of the size. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** SageMaker runtime failures as API answers: the endpoint being away is a 503, not our 500. */
export function invokeError(e: unknown, endpointName: string): Error {
  const { name, code, message } = (e ?? {}) as { name?: string; code?: string; message?: string };
  if (isNotFound(e)) {
    return unavailable(
      'ENDPOINT_UNAVAILABLE',
      `no model endpoint "${endpointName}" is deployed yet`,
      RETRY_AFTER.missing,
    );
  }
  switch (name) {
    case 'ModelNotReadyException':
      return unavailable('ENDPOINT_UNAVAILABLE', 'the model is still loading', RETRY_AFTER.starting);
    case 'ServiceUnavailable':
    case 'InternalFailure':
    case 'ThrottlingException':
    case 'InternalDependencyException':
      return unavailable('ENDPOINT_BUSY', 'the model endpoint is busy; retry shortly', RETRY_AFTER.busy);
    case 'ModelError':
      return new HttpError(
        502,
        'MODEL_ERROR',
        `the model server failed to answer (${(e as { OriginalStatusCode?: number }).OriginalStatusCode ?? 'no status'})`,
      );
  }
  // The endpoint's address does not answer (e.g. a local endpoint being restarted).
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || /ECONNREFUSED|socket hang up/.test(message ?? '')) {
    return unavailable('ENDPOINT_UNAVAILABLE', 'the model endpoint is not reachable', RETRY_AFTER.starting);
  }
  return e instanceof Error ? e : new Error(String(e));
}
