import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startLocalS3, type LocalS3 } from '../../src/local-s3';

/**
 * What AWS guarantees and s3rver alone does not: a PUT or a copy is all or nothing. A server killed
 * (SIGKILL) or a client gone halfway through an upload leaves the key as it was, and a reader never
 * gets one version's ETag with another version's bytes.
 */
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const bytesOf = (size: number, seed: number) => {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) % 251;
  return bytes;
};

const clientFor = (endpoint: string) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

/** A PUT of `size` bytes whose body stops after `sent` bytes and never ends (its request stays open). */
function stalledPut(client: S3Client, key: string, size: number, sent: number) {
  const abort = new AbortController();
  const body = new Readable({ read() {} });
  body.push(bytesOf(sent, 7));
  const done = client
    .send(new PutObjectCommand({ Bucket: 'b', Key: key, Body: body, ContentLength: size }), {
      abortSignal: abort.signal,
    })
    .then(
      () => 'stored',
      () => 'failed',
    );
  return { done, abort: () => abort.abort() };
}

/** Bytes in every file under `dir`. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  return total;
}

/** Waits until the folder holds ≥ 1 MB more than `baseline` and stops growing: the uploads are under way and stalled. */
async function receiving(dir: string, baseline: number) {
  let last = -1;
  for (let i = 0; i < 400; i++) {
    const now = await folderBytes(dir);
    if (now >= baseline + 1024 * 1024 && now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the uploads never reached the server (${last} bytes, ${baseline} before)`);
}

describe('local S3 writes objects whole', () => {
  let dir: string;
  let s3: LocalS3 | undefined;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'whole-objects-'));
    // The SDK warns of each upload cut short, which is what these tests do.
    jest.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    child?.kill('SIGKILL');
    await s3?.close();
    s3 = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** The local S3 in a process of its own, to be killed. */
  async function startChild(): Promise<string> {
    const script = join(dir, 'server.ts');
    await writeFile(
      script,
      `require(${JSON.stringify(join(__dirname, '../../src/local-s3.ts'))})
  .startLocalS3({ directory: ${JSON.stringify(join(dir, 'store'))}, buckets: ['b'] })
  .then((s) => process.stdout.write(s.endpoint + '\\n'));
`,
    );
    child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve) => child!.stdout!.once('data', (line: Buffer) => resolve(line.toString().trim())));
  }

  it('a server killed mid-upload keeps the old version whole, and a new key absent', async () => {
    const before = bytesOf(3 * 1024 * 1024, 1);
    let client = clientFor(await startChild());
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'kept', Body: before }));

    const baseline = await folderBytes(join(dir, 'store'));
    const overwrite = stalledPut(client, 'kept', 8 * 1024 * 1024, 3 * 1024 * 1024);
    const fresh = stalledPut(client, 'new', 8 * 1024 * 1024, 3 * 1024 * 1024);
    await receiving(join(dir, 'store'), baseline);
    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    overwrite.abort();
    fresh.abort();
    expect([await overwrite.done, await fresh.done]).toEqual(['failed', 'failed']);

    // The next start on the same folder.
    s3 = await startLocalS3({ directory: join(dir, 'store'), buckets: ['b'] });
    client = clientFor(s3.endpoint);
    const got = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'kept' }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    expect({ length: body.length, md5: md5(body), etag: got.ETag }).toEqual({
      length: before.length,
      md5: md5(before),
      etag: `"${md5(before)}"`,
    });
    await expect(client.send(new HeadObjectCommand({ Bucket: 'b', Key: 'new' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'b' }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([['kept', before.length]]);
  }, 60_000);

  it('a client gone mid-upload leaves the key as it was, and no temporary file', async () => {
    s3 = await startLocalS3({ directory: join(dir, 'store'), buckets: ['b'] });
    const client = clientFor(s3.endpoint);
    const before = bytesOf(1024 * 1024, 3);
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'kept', Body: before }));

    const baseline = await folderBytes(join(dir, 'store'));
    const overwrite = stalledPut(client, 'kept', 8 * 1024 * 1024, 3 * 1024 * 1024);
    await receiving(join(dir, 'store'), baseline);
    overwrite.abort();
    expect(await overwrite.done).toBe('failed');

    const got = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'kept' }));
    expect(md5(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5(before));
    let left: string[] = [];
    for (let i = 0; i < 100; i++) {
      left = (await readdir(join(dir, 'store', 'b'))).filter((name) => name.endsWith('.tmp'));
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(left).toEqual([]);
  }, 60_000);

  it('readers racing overwrites always get an ETag that is the MD5 of the bytes they got', async () => {
    s3 = await startLocalS3({ directory: join(dir, 'store'), buckets: ['b'] });
    const client = clientFor(s3.endpoint);
    const versions = [bytesOf(256 * 1024, 1), bytesOf(256 * 1024, 2)];
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'raced', Body: versions[0] }));
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 60; i++)
        await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'raced', Body: versions[i % 2] }));
      writing = false;
    })();
    const mismatches: string[] = [];
    let reads = 0;
    const reader = async () => {
      while (writing) {
        const got = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'raced' }));
        const body = await got.Body!.transformToByteArray();
        reads++;
        if (got.ETag !== `"${md5(body)}"`) mismatches.push(`${got.ETag} for ${md5(body)}`);
      }
    };
    await Promise.all([writer, reader(), reader()]);
    expect({ reads: reads > 0, mismatches }).toEqual({ reads: true, mismatches: [] });
  }, 60_000);

  it('copies, metadata and deletes behave as before: the copy carries its bytes, ETag and metadata', async () => {
    s3 = await startLocalS3({ directory: join(dir, 'store'), buckets: ['b'] });
    const client = clientFor(s3.endpoint);
    const bytes = bytesOf(100_000, 5);
    await client.send(
      new PutObjectCommand({
        Bucket: 'b',
        Key: 'a/source',
        Body: bytes,
        ContentType: 'application/gzip',
        Metadata: { origin: 'test' },
      }),
    );
    await client.send(new CopyObjectCommand({ Bucket: 'b', Key: 'a/kept-meta', CopySource: 'b/a/source' }));
    await client.send(
      new CopyObjectCommand({
        Bucket: 'b',
        Key: 'a/new-meta',
        CopySource: 'b/a/source',
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        Metadata: { origin: 'copy' },
      }),
    );
    const head = (key: string) => client.send(new HeadObjectCommand({ Bucket: 'b', Key: key }));
    const [kept, replaced] = await Promise.all([head('a/kept-meta'), head('a/new-meta')]);
    expect([kept.ETag, kept.ContentType, kept.Metadata, kept.ContentLength]).toEqual([
      `"${md5(bytes)}"`,
      'application/gzip',
      { origin: 'test' },
      bytes.length,
    ]);
    expect([replaced.ETag, replaced.ContentType, replaced.Metadata]).toEqual([
      `"${md5(bytes)}"`,
      'text/plain',
      { origin: 'copy' },
    ]);

    await client.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'a/source' }));
    await expect(head('a/source')).rejects.toMatchObject({ name: 'NotFound' });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'b' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['a/kept-meta', 'a/new-meta']);
  });
});
