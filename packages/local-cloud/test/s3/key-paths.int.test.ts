import { readdir, mkdir, rm, mkdtemp } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@digits/common';
import { startLocalS3, useLocalAwsEnv, type LocalS3 } from '../../src/local-s3';

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** A request with the path exactly as written (fetch would resolve `%2E%2E` segments first). */
function rawRequest(
  endpoint: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(endpoint);
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'PUT' ? 'x' : undefined);
  });
}

/** A key is a name, never a path: `../` in a key or bucket must not reach outside the S3 data folder. */
describe('local S3 keeps every object inside its data folder', () => {
  let s3: LocalS3;
  let outer: string;
  let dataDir: string;
  let restoreEnv: () => void;
  let client: S3Client;
  const Bucket = 'inbox';

  beforeAll(async () => {
    // outer/ holds the S3 folder at outer/a/b/s3, so an escape of up to three levels stays visible.
    outer = await mkdtemp(join(tmpdir(), 'local-s3-paths-'));
    dataDir = join(outer, 'a', 'b', 's3');
    await mkdir(dataDir, { recursive: true });
    s3 = await startLocalS3({ directory: dataDir, buckets: [Bucket, 'other'] });
    restoreEnv = useLocalAwsEnv({ s3: s3.endpoint });
    client = createS3Client();
  });
  afterAll(async () => {
    await s3.close();
    restoreEnv();
    await rm(outer, { recursive: true, force: true });
  });

  const outside = async () => (await filesUnder(outer)).filter((f) => !f.startsWith(join('a', 'b', 's3') + '/'));

  it.each(['../escape-1.txt', '../../escape-2.txt', 'x/../../../../escape-3.txt', './../escape-4', '..', 'y/./..'])(
    'stores the key %j as a name, readable and listed as sent',
    async (Key) => {
      await client.send(new PutObjectCommand({ Bucket, Key, Body: `body of ${Key}` }));
      expect(await outside()).toEqual([]);
      const body = await (await client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
      expect(body).toBe(`body of ${Key}`);
      const listed = await client.send(new ListObjectsV2Command({ Bucket }));
      expect(listed.Contents?.map((c) => c.Key)).toContain(Key);
      // The bucket's own folder holds it, not a neighbour's.
      expect(await filesUnder(join(dataDir, 'other'))).toEqual([]);
    },
  );

  it('lists keys under a `../` prefix by prefix', async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket, Prefix: '../' }));
    expect(listed.Contents?.map((c) => c.Key).sort()).toEqual(['../escape-1.txt', '../../escape-2.txt'].sort());
  });

  it.each([
    ['PUT', '/%2E%2E/escape-5'],
    ['PUT', '/..%2F..%2Fa/escape-6'],
    ['PUT', `/${Bucket}%2F..%2F..%2F..%2F/escape-7`],
    ['GET', '/%2E%2E/b/s3/inbox/..'],
    ['PUT', '/../escape-8'],
  ])('refuses a bucket name that is a path: %s %s → 400 InvalidBucketName', async (method, path) => {
    const res = await rawRequest(s3.endpoint, method, path);
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>InvalidBucketName</Code>');
    expect(await outside()).toEqual([]);
  });

  it('refuses a copy source whose bucket is a path', async () => {
    const res = await rawRequest(s3.endpoint, 'PUT', `/${Bucket}/copied`, { 'x-amz-copy-source': '/../b/s3/inbox/..' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>InvalidBucketName</Code>');
  });
});
