/** AWS-shaped errors: `__type` + message in the body, the code again in the x-amzn-ErrorType header. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra members of the error shape (e.g. the runtime's ModelError OriginalStatusCode). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const validationException = (message: string) => new AwsError('ValidationException', message);
export const resourceInUse = (message: string) => new AwsError('ResourceInUse', message);
export const resourceLimitExceeded = (message: string) => new AwsError('ResourceLimitExceeded', message);
export const serializationException = (message: string) => new AwsError('SerializationException', message);
