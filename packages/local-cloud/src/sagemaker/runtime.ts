import { AwsError } from './errors';
import type { Hosting } from './hosting';
import { ACCOUNT_ID } from './wire';

/**
 * SageMaker Runtime InvokeEndpoint (REST-JSON: POST /endpoints/{EndpointName}/invocations): the
 * body and Content-Type/Accept go to the endpoint's `serve` POST /invocations; its answer comes back
 * with x-Amzn-Invoked-Production-Variant. Errors as the real runtime answers them: ValidationError
 * for an unknown (or not yet InService) endpoint, ModelError (424) when the container answers non-2xx.
 */

/** InvokeEndpoint's payload limit. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface Invocation {
  endpointName: string;
  body: Buffer;
  contentType?: string;
  accept?: string;
  customAttributes?: string;
}

export interface InvocationResult {
  body: Buffer;
  contentType: string;
  variantName: string;
  customAttributes?: string;
}

const validationError = (message: string) => new AwsError('ValidationError', message, 400);

export async function invokeEndpoint(
  hosting: Hosting,
  region: string,
  invocation: Invocation,
  timeoutMs: number,
): Promise<InvocationResult> {
  const { endpointName } = invocation;
  const deployment = hosting.route(endpointName);
  if (!deployment) throw validationError(`Endpoint ${endpointName} of account ${ACCOUNT_ID} not found.`);
  if (invocation.body.length > MAX_PAYLOAD_BYTES) {
    throw validationError(
      `Request payload of ${invocation.body.length} bytes exceeds the InvokeEndpoint limit of ${MAX_PAYLOAD_BYTES} bytes.`,
    );
  }
  const logGroup = `/aws/sagemaker/Endpoints/${endpointName}`;
  const logs = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logEventViewer:group=${logGroup} in account ${ACCOUNT_ID}`;
  const logStreamArn = `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${logGroup}`;
  const headers: Record<string, string> = {};
  if (invocation.contentType) headers['content-type'] = invocation.contentType;
  if (invocation.accept) headers.accept = invocation.accept;
  if (invocation.customAttributes) headers['x-amzn-sagemaker-custom-attributes'] = invocation.customAttributes;

  let answer;
  try {
    answer = await deployment.serve.invoke(invocation.body, headers, timeoutMs);
  } catch (e) {
    const timedOut = (e as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    throw new AwsError(
      'ModelError',
      timedOut
        ? `Your invocation timed out while waiting for a response from container primary. Review the latency metrics for each container in Amazon CloudWatch, resolve the issue, and try again.`
        : `Received server error (0) from primary with message "${(e as Error).message}". See ${logs} for more information.`,
      424,
      { LogStreamArn: logStreamArn },
    );
  }
  if (answer.status < 200 || answer.status > 299) {
    const original = answer.body.toString('utf8');
    const kind = answer.status >= 500 ? 'server' : 'client';
    throw new AwsError(
      'ModelError',
      `Received ${kind} error (${answer.status}) from primary with message "${original}". See ${logs} for more information.`,
      424,
      {
        OriginalStatusCode: answer.status,
        OriginalMessage: original,
        LogStreamArn: logStreamArn,
      },
    );
  }
  const attrs = answer.headers['x-amzn-sagemaker-custom-attributes'];
  return {
    body: answer.body,
    contentType: String(answer.headers['content-type'] ?? 'application/octet-stream'),
    variantName: deployment.variantName,
    ...(typeof attrs === 'string' ? { customAttributes: attrs } : {}),
  };
}
