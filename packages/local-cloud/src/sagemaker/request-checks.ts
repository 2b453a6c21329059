import type { IncomingMessage } from 'node:http';
import { AwsError } from './errors';

/**
 * What the local SageMaker checks before reading a request, as a server on a fixed loopback port must:
 * - the Host names this server (127.0.0.1, localhost or [::1] with its port): a browser reaching
 *   the port through DNS rebinding sends the attacker's host name, and is refused;
 * - the Authorization header is a well-formed SigV4 one for service `sagemaker`, with a
 *   credential scope dated like X-Amz-Date and `host` among the signed headers. The signature
 *   itself is not verified: any key may call, as with the local S3's dummy keys.
 */

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9.-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;

/** 403 unless the Host header names this server on the port it was reached on. */
export function checkHost(req: IncomingMessage): void {
  const port = req.socket.localPort;
  const host = req.headers.host ?? '';
  if (LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) return;
  const allowed = LOOPBACK_NAMES.map((name) => `${name}:${port}`).join(', ');
  throw new AwsError(
    'InvalidHostHeader',
    `Host header '${host}' does not name this local SageMaker: only ${allowed} are answered ` +
      '(another host name means a web page reached this port, e.g. through DNS rebinding).',
    403,
  );
}

function incomplete(message: string, runtime: boolean): AwsError {
  return new AwsError('IncompleteSignatureException', message, runtime ? 403 : 400);
}

/** Refuses a missing or malformed SigV4 Authorization header, naming the part that is wrong. */
export function checkSignature(req: IncomingMessage, runtime: boolean): void {
  const authorization = req.headers.authorization;
  if (!authorization?.startsWith('AWS4-HMAC-SHA256'))
    throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', runtime ? 403 : 400);
  const m = SIGV4.exec(authorization.trim());
  if (!m) {
    const parts = ['Credential', 'SignedHeaders', 'Signature'];
    const missing = parts.filter((p) => !new RegExp(`[ ,]${p}=`).test(authorization));
    const detail = missing.length
      ? `it has no ${missing.join(', ')} parameter`
      : /Signature=[0-9a-f]{64}\s*$/.test(authorization)
        ? "its Credential must be '<access key>/<yyyymmdd>/<region>/sagemaker/aws4_request'"
        : 'its Signature must be 64 hexadecimal characters';
    throw incomplete(`Authorization header is not a well-formed AWS Signature Version 4 header: ${detail}.`, runtime);
  }
  const [, , scopeDate, , service, signedHeaders] = m;
  if (service !== 'sagemaker')
    throw incomplete(`Credential should be scoped to a valid service: 'sagemaker', not '${service}'.`, runtime);
  if (!signedHeaders!.split(';').includes('host')) throw incomplete("SignedHeaders must include 'host'.", runtime);
  const amzDate = req.headers['x-amz-date'];
  const date = typeof amzDate === 'string' ? AMZ_DATE.exec(amzDate)?.[1] : undefined;
  if (!date) throw incomplete("A signed request needs an X-Amz-Date header of the form 'yyyymmddThhmmssZ'.", runtime);
  if (date !== scopeDate)
    throw incomplete(
      `Date in Credential scope does not match YYYYMMDD from X-Amz-Date: '${scopeDate}' != '${date}'.`,
      runtime,
    );
}
