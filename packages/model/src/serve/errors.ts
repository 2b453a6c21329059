import { DigitInputError, type DigitInputErrorCode } from '@digits/normalise';

/** Codes `serve` answers with: the input codes plus the server's own. */
export type ServeErrorCode = DigitInputErrorCode | 'NOT_READY' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'INTERNAL';

export interface ErrorBody {
  error: { code: ServeErrorCode; message: string };
}

export class ServeError extends Error {
  override name = 'ServeError';
  constructor(
    readonly status: number,
    readonly code: ServeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Status and JSON body for anything thrown while answering a request. */
export function errorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof DigitInputError || e instanceof ServeError)
    return { status: e.status, body: { error: { code: e.code, message: e.message } } };
  return { status: 500, body: { error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } } };
}
