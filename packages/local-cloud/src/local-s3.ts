import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { conditionalRequests } from './s3/conditional-requests';
import { refusePathBuckets } from './s3/key-paths';
import { WholeObjectStore } from './s3/whole-objects';

/**
 * A real S3 server (s3rver) on 127.0.0.1, used by `pnpm start` and by every integration test.
 * The SDK reaches it through AWS_ENDPOINT_URL_S3 (see `localAwsEnv`). Beyond s3rver: conditional
 * writes, deletes and reads answer 412 where AWS does (s3/conditional-requests.ts), and no key or
 * bucket name reaches a file outside `directory` (s3/key-paths.ts), and a crash or an aborted upload
 * never leaves half an object (s3/whole-objects.ts).
 */
export interface LocalS3 {
  endpoint: string;
  port: number;
  server: S3rver;
  close(): Promise<void>;
}

export interface LocalS3Options {
  directory: string;
  port?: number;
  buckets?: string[];
}

export async function startLocalS3({ directory, port = 0, buckets = [] }: LocalS3Options): Promise<LocalS3> {
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    // The SDK signs with real SigV4; s3rver verifies it against its dummy key pair S3RVER/S3RVER.
    allowMismatchedSignatures: false,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  // What s3rver lacks (see src/s3/): keys kept inside the folder, objects written whole,
  // conditional requests as on AWS.
  server.store = server.context.store = new WholeObjectStore(directory);
  // Before the router (the last middleware), after s3rver's logging and error rendering.
  server.middleware.splice(server.middleware.length - 1, 0, refusePathBuckets, conditionalRequests(server.store));
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    port: address.port,
    server,
    close: async () => {
      server.httpServer?.closeAllConnections?.();
      await server.close();
    },
  };
}

/** Variables that point the unchanged AWS SDK (and AWS CLI) at local stand-ins. */
export function localAwsEnv(endpoints: {
  s3?: string;
  sagemaker?: string;
  sagemakerRuntime?: string;
}): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    // s3rver's fixed dummy key pair; not a secret.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    // s3rver stores aws-chunked streamed bodies verbatim unless checksums are only sent when required.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    // Local runs use Node 20 (Lambda runs 22): the SDK's upgrade notice is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(endpoints.s3 ? { AWS_ENDPOINT_URL_S3: endpoints.s3 } : {}),
    ...(endpoints.sagemaker ? { AWS_ENDPOINT_URL_SAGEMAKER: endpoints.sagemaker } : {}),
    ...(endpoints.sagemakerRuntime ? { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: endpoints.sagemakerRuntime } : {}),
  };
}

/** Set process.env entries (tests); returns a function that restores the previous values. */
export function setProcessEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Apply `localAwsEnv` to this process (tests) and return a function that restores the old values. */
export function useLocalAwsEnv(endpoints: Parameters<typeof localAwsEnv>[0]): () => void {
  return setProcessEnv(localAwsEnv(endpoints));
}
