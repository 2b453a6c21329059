import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createS3Client } from '@digits/common';
import { startLocalS3, useLocalAwsEnv, type LocalS3 } from '../src/local-s3';

describe('local S3 (s3rver) with the unchanged SDK', () => {
  let s3: LocalS3;
  let dir: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-s3-'));
    s3 = await startLocalS3({ directory: dir, buckets: ['b'] });
    restoreEnv = useLocalAwsEnv({ s3: s3.endpoint });
  });
  afterAll(async () => {
    await s3.close();
    restoreEnv();
    await rm(dir, { recursive: true, force: true });
  });

  it('binds to 127.0.0.1 only', () => {
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('stores streamed bodies byte-for-byte (no aws-chunked framing), single put and multipart', async () => {
    const client = createS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'streams' }));
    const payload = Buffer.alloc(6 * 1024 * 1024 + 123, 0);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) % 251;
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

    await client.send(
      new PutObjectCommand({
        Bucket: 'streams',
        Key: 'put',
        Body: Readable.from([payload.subarray(0, 1000)]),
        ContentLength: 1000,
      }),
    );
    await new Upload({
      client,
      params: { Bucket: 'streams', Key: 'multi', Body: Readable.from([payload]) },
      partSize: 5 * 1024 * 1024,
    }).done();

    const read = async (Key: string) =>
      (await client.send(new GetObjectCommand({ Bucket: 'streams', Key }))).Body!.transformToByteArray();
    expect(sha(await read('put'))).toBe(sha(payload.subarray(0, 1000)));
    expect(sha(await read('multi'))).toBe(sha(payload));
  }, 60_000);
});
