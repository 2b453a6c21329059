/** The API wired to SDK clients mocked with aws-sdk-client-mock, for the handler's decisions. */
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { Logger } from '@digits/common';
import { NO_METRICS, type FunctionMetrics } from '@digits/lambda-kit';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { InferenceConfig } from '../src/config';
import { createApi } from '../src/http/app';
import type { HttpResponse } from '../src/http/responses';
import { createServices } from '../src/services';
import { lambdaContext } from '@digits/test-kit';

export interface TestApi {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whichever JSON document the API answered
  call(event: APIGatewayProxyEventV2): Promise<HttpResponse & { json: any }>;
  logs: Array<Record<string, unknown>>;
}

export function testApi(
  config: Partial<InferenceConfig> = {},
  clients = realClients(),
  metrics: FunctionMetrics = NO_METRICS,
): TestApi {
  const logs: Array<Record<string, unknown>> = [];
  // Every level is kept (whatever LOG_LEVEL says), with Errors as the JSON logger writes them.
  const entry =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      logs.push(
        JSON.parse(
          JSON.stringify({ level, message, ...fields }, (_k, v: unknown) =>
            v instanceof Error ? { name: v.name, message: v.message } : v,
          ),
        ),
      );
    };
  const logger: Logger = { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
  const services = createServices(
    { endpointName: 'digits-test', artifactsBucket: 'artifacts', corsOrigins: ['*'], ...config },
    clients,
    logger,
    metrics,
  );
  const handler = createApi(services);
  return {
    logs,
    async call(event) {
      const response = (await handler(event, lambdaContext())) as HttpResponse;
      return { ...response, json: response.body ? JSON.parse(response.body) : undefined };
    },
  };
}

/** Real SDK clients (their `send` is what aws-sdk-client-mock replaces, or what reaches a local server). */
export function realClients() {
  const sagemaker = new SageMakerClient({});
  return {
    runtime: new SageMakerRuntimeClient({}),
    sagemaker: async () => sagemaker,
    s3: new S3Client({ forcePathStyle: true }),
  };
}
