import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client } from '@digits/common';
import { startLocalS3, useLocalAwsEnv, type LocalS3 } from '../../src/local-s3';

type S3Failure = Error & { $metadata?: { httpStatusCode?: number } };

/** The outcome of a call as `200` or `<status> <error name>`. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return '200';
  } catch (e) {
    const error = e as S3Failure;
    return `${error.$metadata?.httpStatusCode} ${error.name}`;
  }
}

/** The offline S3 answers conditional requests where AWS does, with the unchanged SDK. */
describe('local S3 conditional requests', () => {
  let s3: LocalS3;
  let dir: string;
  let restoreEnv: () => void;
  let client: S3Client;
  const Bucket = 'cond';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-s3-cond-'));
    s3 = await startLocalS3({ directory: dir, buckets: [Bucket] });
    restoreEnv = useLocalAwsEnv({ s3: s3.endpoint });
    client = createS3Client();
  });
  afterAll(async () => {
    await s3.close();
    restoreEnv();
    await rm(dir, { recursive: true, force: true });
  });

  const put = (Key: string, Body: string, condition: { IfMatch?: string; IfNoneMatch?: string } = {}) =>
    client.send(new PutObjectCommand({ Bucket, Key, Body, ...condition }));
  const read = async (Key: string) =>
    (await client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
  const etagOf = async (Key: string) => (await client.send(new HeadObjectCommand({ Bucket, Key }))).ETag!;

  it('PutObject If-None-Match: * creates once, then answers 412 and keeps the first object', async () => {
    expect(await outcome(put('once.json', 'first', { IfNoneMatch: '*' }))).toBe('200');
    expect(await outcome(put('once.json', 'second', { IfNoneMatch: '*' }))).toBe('412 PreconditionFailed');
    expect(await read('once.json')).toBe('first');
  });

  it('a refused write is not an object event (nothing downstream hears of it)', async () => {
    const keys: string[] = [];
    const onEvent = (e: { Records: Array<{ s3: { object: { key: string } } }> }) =>
      keys.push(...e.Records.map((r) => r.s3.object.key));
    s3.server.on('event', onEvent);
    try {
      await put('manifest.json', 'first', { IfNoneMatch: '*' });
      expect(await outcome(put('manifest.json', 'again', { IfNoneMatch: '*' }))).toBe('412 PreconditionFailed');
      await new Promise((r) => setTimeout(r, 100));
      expect(keys).toEqual(['manifest.json']);
    } finally {
      s3.server.off('event', onEvent);
    }
  });

  it('PutObject If-Match replaces only the version it names; 404 when there is none', async () => {
    await put('live.json', 'v1');
    const v1 = await etagOf('live.json');
    expect(await outcome(put('live.json', 'v2', { IfMatch: v1 }))).toBe('200');
    expect(await outcome(put('live.json', 'v3', { IfMatch: v1 }))).toBe('412 PreconditionFailed');
    expect(await read('live.json')).toBe('v2');
    expect(await outcome(put('live.json', 'v4', { IfMatch: '*' }))).toBe('200');
    expect(await outcome(put('absent.json', 'x', { IfMatch: v1 }))).toBe('404 NoSuchKey');
  });

  it('of concurrent conditional puts of one key exactly one wins', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => `writer-${i}`);
    const results = await Promise.all(bodies.map((body) => outcome(put('race.json', body, { IfNoneMatch: '*' }))));
    expect(results.filter((r) => r === '200')).toHaveLength(1);
    expect(results.filter((r) => r === '412 PreconditionFailed')).toHaveLength(bodies.length - 1);
    expect(await read('race.json')).toBe(bodies[results.indexOf('200')]);
  });

  it('of concurrent If-Match updates from one version exactly one wins', async () => {
    await put('counter.json', '0');
    const base = await etagOf('counter.json');
    const results = await Promise.all(
      ['1a', '1b', '1c', '1d'].map((body) => outcome(put('counter.json', body, { IfMatch: base }))),
    );
    expect(results.filter((r) => r === '200')).toHaveLength(1);
    expect(results.filter((r) => r === '412 PreconditionFailed')).toHaveLength(3);
  });

  it('CopyObject honours x-amz-copy-source-if-match / -if-none-match and the destination If-None-Match', async () => {
    await put('source.gz', 'payload');
    const etag = await etagOf('source.gz');
    const copy = (Key: string, extra: Record<string, string>) =>
      client.send(new CopyObjectCommand({ Bucket, Key, CopySource: `${Bucket}/source.gz`, ...extra }));
    expect(await outcome(copy('copy-1', { CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' }))).toBe(
      '412 PreconditionFailed',
    );
    expect(await outcome(copy('copy-1', { CopySourceIfNoneMatch: etag }))).toBe('412 PreconditionFailed');
    expect(await outcome(copy('copy-1', { CopySourceIfMatch: etag }))).toBe('200');
    expect(await read('copy-1')).toBe('payload');
    expect(await outcome(copy('copy-1', { IfNoneMatch: '*' }))).toBe('412 PreconditionFailed');
  });

  it('DeleteObject If-Match deletes only the named version; 404 when the object is gone', async () => {
    await put('inbox.png', 'one');
    const etag = await etagOf('inbox.png');
    expect(await outcome(client.send(new DeleteObjectCommand({ Bucket, Key: 'inbox.png', IfMatch: '"x"' })))).toBe(
      '412 PreconditionFailed',
    );
    expect(await read('inbox.png')).toBe('one');
    expect(await outcome(client.send(new DeleteObjectCommand({ Bucket, Key: 'inbox.png', IfMatch: etag })))).toBe(
      '200',
    );
    expect(await outcome(read('inbox.png'))).toBe('404 NoSuchKey');
    expect(await outcome(client.send(new DeleteObjectCommand({ Bucket, Key: 'inbox.png', IfMatch: etag })))).toBe(
      '404 NoSuchKey',
    );
    // Without a condition, deleting a missing key still succeeds, as on AWS.
    expect(await outcome(client.send(new DeleteObjectCommand({ Bucket, Key: 'inbox.png' })))).toBe('200');
  });

  it('GetObject If-Match answers 412 for another version', async () => {
    await put('read.json', 'r');
    expect(await outcome(client.send(new GetObjectCommand({ Bucket, Key: 'read.json', IfMatch: '"nope"' })))).toBe(
      '412 PreconditionFailed',
    );
    expect(
      await outcome(
        client.send(new GetObjectCommand({ Bucket, Key: 'read.json', IfMatch: await etagOf('read.json') })),
      ),
    ).toBe('200');
  });

  it('CompleteMultipartUpload If-None-Match: * refuses to replace an existing object', async () => {
    await put('multi.bin', 'existing');
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: 'multi.bin' }));
    const part = await client.send(
      new UploadPartCommand({ Bucket, Key: 'multi.bin', UploadId, PartNumber: 1, Body: 'new-content' }),
    );
    const complete = (IfNoneMatch?: string) =>
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: 'multi.bin',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
          ...(IfNoneMatch ? { IfNoneMatch } : {}),
        }),
      );
    expect(await outcome(complete('*'))).toBe('412 PreconditionFailed');
    expect(await read('multi.bin')).toBe('existing');
  });
});
