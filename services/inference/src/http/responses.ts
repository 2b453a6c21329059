import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ErrorBody, HttpError } from './errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string> };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: HttpError): HttpResponse {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  return json(error.status, body, error.headers);
}
