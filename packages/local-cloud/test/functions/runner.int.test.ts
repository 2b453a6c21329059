import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createS3Client } from '@digits/common';
import { localAwsEnv, startLocalS3, type LocalS3 } from '../../src/local-s3';
import { startFunctions, type LocalFunctions } from '../../src/functions';

/**
 * The runner against a real fixture service: config from the real `sls print --stage local`,
 * handlers bundled with esbuild, S3 events from a real s3rver written to by the real SDK.
 */
const FIXTURE = path.join(__dirname, 'fixtures', 'echo-service');
const BUCKET = 'echo-local-uploads';
jest.setTimeout(120_000);

interface Recording {
  functionName: string;
  event: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- any event the echo service recorded, read field by field
  env: Record<string, string | undefined>;
}

describe('local Lambda runner (fixture service)', () => {
  let dir: string;
  let recordDir: string;
  let s3: LocalS3;
  let client: S3Client;
  let fns: LocalFunctions;
  const logs: string[] = [];
  let closed = false;

  const recorded = (fn: string): Recording[] => {
    const file = path.join(recordDir, `echo-local-${fn}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Recording);
  };
  const clearRecordings = async () => {
    await fns.idle();
    await rm(recordDir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(recordDir, { recursive: true }));
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'functions-'));
    recordDir = path.join(dir, 'records');
    s3 = await startLocalS3({ directory: path.join(dir, 's3'), buckets: [BUCKET] });
    const awsEnv = localAwsEnv({ s3: s3.endpoint });
    client = createS3Client(
      {
        region: 'us-east-1',
        endpoint: s3.endpoint,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
      },
      awsEnv,
    );
    fns = await startFunctions({
      serviceDirs: [FIXTURE],
      baseEnv: { ...awsEnv, RECORD_DIR: recordDir },
      log: (line) => logs.push(line),
      asyncRetryDelaysMs: [20, 20],
    });
    fns.attachS3(s3.server);
  });

  afterAll(async () => {
    await fns?.close();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    if (!closed) await clearRecordings();
  });

  it('reads functions and events from the resolved serverless.yml', () => {
    expect(fns.functions.map((f) => f.name).sort()).toEqual([
      'echo-local-api',
      'echo-local-images',
      'echo-local-removals',
      'echo-local-trained',
    ]);
    const images = fns.functions.find((f) => f.key === 'images')!;
    expect(images.events.s3).toEqual([
      { bucket: BUCKET, event: 's3:ObjectCreated:*', prefix: 'incoming/', suffix: '.png', existing: true },
    ]);
  });

  it('gives each function only its own environment, plus the base env and Lambda variables', async () => {
    const images = (await fns.invoke('echo-local-images', { ping: 1 })) as Recording;
    const removals = (await fns.invoke('removals', { ping: 2 })) as Recording;
    expect(images.event).toEqual({ ping: 1 });
    expect(images.env).toMatchObject({
      SHARED_VALUE: 'shared-local',
      ONLY_IMAGES: 'images-only',
      ROLE_ARN: 'arn:aws:iam::000000000000:role/echo-local-ImagesRole',
      TOPIC: 'arn:aws:sns:us-east-1:000000000000:echo-local',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: 'echo-local-images',
    });
    expect(images.env.ONLY_REMOVALS).toBeUndefined();
    expect(removals.env).toMatchObject({
      ONLY_REMOVALS: 'removals-only',
      SHARED_VALUE: 'shared-local',
      AWS_LAMBDA_FUNCTION_NAME: 'echo-local-removals',
    });
    expect(removals.env.ONLY_IMAGES).toBeUndefined();
    // The runner's own process environment is not the functions' environment.
    expect(process.env.ONLY_IMAGES).toBeUndefined();
    await expect(fns.invoke('nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('delivers a put under the right prefix/suffix only to the matching function, key URL-encoded', async () => {
    const body = Buffer.from('not really a png');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/my digit.png', Body: body }));
    await fns.idle();
    const [delivery, ...more] = recorded('images');
    expect(more).toHaveLength(0);
    expect(delivery!.event.Records).toHaveLength(1);
    const record = delivery!.event.Records[0];
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
        object: { key: 'incoming/my+digit.png', size: body.length, eTag: createHash('md5').update(body).digest('hex') },
      },
    });
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
    expect(recorded('removals')).toHaveLength(0);
    expect(recorded('trained')).toHaveLength(0);
  });

  it('delivers nothing for keys outside the rules', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/photo.jpg', Body: 'x' }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'elsewhere/photo.png', Body: 'x' }));
    await fns.idle();
    expect(recorded('images')).toHaveLength(0);
    expect(recorded('removals')).toHaveLength(0);
  });

  it('reports CopyObject as ObjectCreated:Copy, multipart as CompleteMultipartUpload, deletes to the removal function', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'source.bin', Body: 'copied bytes' }));
    await client.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'incoming/copy of source.png', CopySource: `${BUCKET}/source.bin` }),
    );
    const big = Buffer.alloc(6 * 1024 * 1024, 7);
    await new Upload({
      client,
      params: { Bucket: BUCKET, Key: 'incoming/big.png', Body: Readable.from([big]) },
      partSize: 5 * 1024 * 1024,
    }).done();
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'source.bin' }));
    await fns.idle();

    const byKey = Object.fromEntries(
      recorded('images').map((r) => [r.event.Records[0].s3.object.key, r.event.Records[0]]),
    );
    expect(Object.keys(byKey).sort()).toEqual(['incoming/big.png', 'incoming/copy+of+source.png']);
    expect(byKey['incoming/copy+of+source.png']).toMatchObject({
      eventName: 'ObjectCreated:Copy',
      s3: { object: { size: 12, eTag: createHash('md5').update('copied bytes').digest('hex') } },
    });
    expect(byKey['incoming/big.png']).toMatchObject({
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      s3: { object: { size: big.length } },
    });
    const removals = recorded('removals');
    expect(removals.map((r) => r.event.Records[0].eventName)).toEqual(['ObjectRemoved:Delete']);
    expect(removals[0]!.event.Records[0].s3.object.key).toBe('source.bin');
  });

  it('retries a failing async delivery twice, then keeps the event under the failed-events folder', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/always-fails.png', Body: 'x' }));
    await fns.idle();
    expect(recorded('images')).toHaveLength(3);
    expect(
      logs.some(
        (l) =>
          l.includes('[echo-local-images] ERROR async invocation from S3 FAILED after 3 attempts, event kept in') &&
          l.includes('asked to fail'),
      ),
    ).toBe(true);
    expect(await fns.failedEvents.summary()).toEqual({ total: 1, byFunction: { 'echo-local-images': 1 } });
    const folder = path.join(fns.failedEvents.dir, 'echo-local-images');
    const [file] = await readdir(folder);
    const record = JSON.parse(await readFile(path.join(folder, file!), 'utf8'));
    expect(record.requestPayload.Records[0].s3.object.key).toBe('incoming/always-fails.png');
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(record.responsePayload.errorMessage).toMatch(/asked to fail/);
  });

  it('passes a binary body base64 with isBase64Encoded and maps a base64 response back to bytes', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from([0, 255, 128, 10, 13, 0]),
    ]);
    const res = await fetch(`${fns.httpUrl}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', origin: 'http://localhost:5173' },
      body: png,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-sha256')).toBe(createHash('sha256').update(png).digest('hex'));
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    // CORS from provider.httpApi.cors replaces whatever the function sent.
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('builds a payload 2.0 event with path and query parameters', async () => {
    const res = await fetch(`${fns.httpUrl}/items/a%20b?x=1&x=2&q=hello%20world`, {
      headers: { 'X-Custom': 'v', cookie: 'c=1; d=2' },
    });
    expect(res.status).toBe(200);
    const { event } = (await res.json()) as { event: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/a%20b',
      rawQueryString: 'x=1&x=2&q=hello%20world',
      cookies: ['c=1', 'd=2'],
      queryStringParameters: { x: '1,2', q: 'hello world' },
      pathParameters: { id: 'a b' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        stage: '$default',
        routeKey: 'GET /items/{id}',
        http: { method: 'GET', path: '/items/a%20b', sourceIp: '127.0.0.1' },
      },
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(typeof event.requestContext.timeEpoch).toBe('number');
  });

  it('answers a bare return value as 200 JSON and an unknown route as 404', async () => {
    const bare = await fetch(`${fns.httpUrl}/bare`);
    expect(bare.status).toBe(200);
    expect(bare.headers.get('content-type')).toBe('application/json');
    expect(await bare.json()).toEqual({ hello: 'world' });
    const missing = await fetch(`${fns.httpUrl}/does-not-exist`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: 'Not Found' });
    const wrongMethod = await fetch(`${fns.httpUrl}/bare`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(404);
  });

  it('answers CORS preflights itself', async () => {
    const res = await fetch(`${fns.httpUrl}/upload`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')?.split(',')).toEqual(
      expect.arrayContaining(['OPTIONS', 'GET', 'POST']),
    );
    expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('turns a throwing handler and a timeout into 500 and keeps serving', async () => {
    const boom = await fetch(`${fns.httpUrl}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ message: 'Internal Server Error' });
    expect(logs.some((l) => l.includes('TypeError: boom'))).toBe(true);

    const slow = await fetch(`${fns.httpUrl}/slow`); // the api function's timeout is 2 s
    expect(slow.status).toBe(500);
    expect(logs.some((l) => l.includes('[echo-local-api]') && l.includes('Task timed out after 2.00 seconds'))).toBe(
      true,
    );

    const after = await fetch(`${fns.httpUrl}/bare`);
    expect(after.status).toBe(200);
  });

  it('refuses bodies over API Gateway’s 10 MB limit with 413', async () => {
    const res = await fetch(`${fns.httpUrl}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ message: 'Request Entity Too Large' });
  });

  it('delivers EventBridge events only to functions whose pattern matches', async () => {
    const completed = {
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Training Job State Change',
      detail: { TrainingJobName: 'digits-1', TrainingJobStatus: 'Completed' },
    };
    expect(fns.putEvents(completed).matched).toEqual(['echo-local-trained']);
    expect(
      fns.putEvents({ ...completed, detail: { ...completed.detail, TrainingJobStatus: 'InProgress' } }).matched,
    ).toEqual([]);
    expect(
      fns.putEvents({
        Source: 'aws.sagemaker',
        DetailType: 'SageMaker Training Job State Change',
        Detail: JSON.stringify({ TrainingJobStatus: 'Failed' }),
      }).matched,
    ).toEqual(['echo-local-trained']);
    await fns.idle();
    const deliveries = recorded('trained');
    expect(deliveries.map((d) => d.event.detail.TrainingJobStatus)).toEqual(['Completed', 'Failed']);
    expect(deliveries[0]!.event).toMatchObject({
      version: '0',
      account: '000000000000',
      region: 'us-east-1',
      source: 'aws.sagemaker',
    });
  });

  it("counts a function's busy time (running code), not the time it waits", async () => {
    const busy = async (routeKey: string, ms: number) => {
      const before = fns.busyMs('api');
      await fns.invoke('api', { routeKey, body: String(ms) });
      return fns.busyMs('api') - before;
    };
    expect(await busy('SPIN', 150)).toBeGreaterThanOrEqual(150);
    expect(await busy('NAP', 300)).toBeLessThan(100);
    expect(() => fns.busyMs('nope')).toThrow(/Function not found/);
  });

  // Last: shuts the runner down.
  it('close() stops the workers and frees the HTTP port', async () => {
    const port = Number(new URL(fns.httpUrl).port);
    closed = true;
    await fns.close();
    await expect(fetch(`${fns.httpUrl}/bare`)).rejects.toThrow();
    await expect(fns.invoke('echo-local-api', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
});
