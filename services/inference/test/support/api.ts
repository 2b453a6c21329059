/** The API wired to SDK clients mocked with aws-sdk-client-mock, for the handler's decisions. */
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createLogger } from '@digits/common';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { InferenceConfig } from '../../src/config';
import { createApi } from '../../src/http/app';
import type { HttpResponse } from '../../src/http/responses';
import { createServices } from '../../src/services';
import { lambdaContext } from './events';

export interface TestApi {
  call(event: APIGatewayProxyEventV2): Promise<HttpResponse & { json: any }>;
  logs: Array<Record<string, unknown>>;
}

export function testApi(config: Partial<InferenceConfig> = {}, clients = realClients()): TestApi {
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger('inference-test', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const services = createServices({ endpointName: 'digits-test', artifactsBucket: 'artifacts', corsOrigins: ['*'], ...config }, clients, logger);
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
  return { runtime: new SageMakerRuntimeClient({}), sagemaker: async () => sagemaker, s3: new S3Client({ forcePathStyle: true }) };
}
