/**
 * Errors the API answers with, as `{"error": {"code", "message"}}`. Bad input is reported with
 * packages/model's DigitInputError (the same codes and statuses `serve` answers with); HttpError
 * covers the rest (routing, endpoint availability). Anything else becomes a 500 with a generic
 * message: stack traces and internal messages stay in the logs.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** 503 with Retry-After: the request was fine, the model behind it is not serving (yet). */
export const unavailable = (code: string, message: string, retryAfterSeconds: number): HttpError =>
  new HttpError(503, code, message, { 'Retry-After': String(retryAfterSeconds) });

export interface ErrorBody {
  error: { code: string; message: string };
}

/** Errors that carry their own HTTP status and code (DigitInputError), recognised by shape. */
function isStatusError(e: unknown): e is Error & { status: number; code: string } {
  if (!(e instanceof Error)) return false;
  const { status, code } = e as { status?: unknown; code?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && typeof code === 'string';
}

export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (isStatusError(e)) return new HttpError(e.status, e.code, e.message);
  return new HttpError(500, 'INTERNAL', 'internal error; the logs hold the details under this request id');
}
