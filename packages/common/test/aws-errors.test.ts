import { NoSuchKey, NotFound, S3ServiceException } from '@aws-sdk/client-s3';
import { ResourceInUse, ResourceNotFound, SageMakerServiceException } from '@aws-sdk/client-sagemaker';
import { isAccessDenied, isAlreadyExists, isNotFound, isPreconditionFailed, isTransient } from '../src/aws-errors';

const meta = (httpStatusCode: number) => ({ httpStatusCode });
const s3Error = (name: string, httpStatusCode: number, message = name) =>
  new S3ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: meta(httpStatusCode),
    message,
  });
const sageMakerError = (name: string, message: string) =>
  new SageMakerServiceException({ name, $fault: 'client', $metadata: meta(400), message });

/** Each error as the SDK (or moto, or the local stand-ins) raises it, and what it must count as. */
const cases: Array<
  [string, unknown, Partial<Record<'notFound' | 'precondition' | 'exists' | 'transient' | 'denied', true>>]
> = [
  ['S3 GetObject NoSuchKey', new NoSuchKey({ $metadata: meta(404), message: 'gone' }), { notFound: true }],
  [
    'S3 HeadObject NotFound (no body: name from the status)',
    new NotFound({ $metadata: meta(404), message: '' }),
    { notFound: true },
  ],
  ['S3 404 with an unmodelled name', s3Error('Unknown', 404), { notFound: true }],
  ['S3 If-Match lost', s3Error('PreconditionFailed', 412), { precondition: true }],
  ['S3 If-None-Match lost, unmodelled name', s3Error('Unknown', 412), { precondition: true }],
  ['S3 concurrent conditional write', s3Error('ConditionalRequestConflict', 409), { precondition: true }],
  ['S3 access denied', s3Error('AccessDenied', 403), { denied: true }],
  ['S3 SlowDown', s3Error('SlowDown', 503), { transient: true }],
  ['S3 InternalError', s3Error('InternalError', 500), { transient: true }],
  ['SageMaker ResourceNotFound', new ResourceNotFound({ $metadata: meta(400), message: 'no job' }), { notFound: true }],
  [
    'SageMaker DescribeEndpoint of a missing endpoint',
    sageMakerError('ValidationException', 'Could not find endpoint "digits-dev".'),
    { notFound: true },
  ],
  ['moto: missing endpoint', sageMakerError('ValidationError', 'Endpoint digits-dev not found'), { notFound: true }],
  ['SageMaker ResourceInUse', new ResourceInUse({ $metadata: meta(400), message: 'in use' }), { exists: true }],
  [
    'SageMaker CreateModel of an existing name',
    sageMakerError('ValidationException', 'Cannot create already existing model "m".'),
    { exists: true },
  ],
  ['SageMaker throttling', sageMakerError('ThrottlingException', 'Rate exceeded'), { transient: true }],
  ['SageMaker other validation error', sageMakerError('ValidationException', 'bad instance type'), {}],
  ['a connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { transient: true }],
  ['a plain programming error', new TypeError('x is undefined'), {}],
  ['not an error at all', 'oops', {}],
  ['undefined', undefined, {}],
];

describe('the AWS error classifier', () => {
  it.each(cases)('%s', (_name, error, expected) => {
    expect({
      notFound: isNotFound(error),
      precondition: isPreconditionFailed(error),
      exists: isAlreadyExists(error),
      transient: isTransient(error),
      denied: isAccessDenied(error),
    }).toEqual({
      notFound: expected.notFound ?? false,
      precondition: expected.precondition ?? false,
      exists: expected.exists ?? false,
      transient: expected.transient ?? false,
      denied: expected.denied ?? false,
    });
  });
});
