import { request } from 'node:http';
import { ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { startStack, type Stack } from './sagemaker-stack';

jest.setTimeout(60_000);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** One request with exactly these headers (fetch would not let a test set Host). */
function post(port: number, path: string, headers: Record<string, string>, body = '{}'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const AMZ_DATE = '20260101T120000Z';
const WELL_FORMED =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sagemaker/aws4_request, ' +
  'SignedHeaders=content-type;host;x-amz-date;x-amz-target, ' +
  'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';

describe('local SageMaker HTTP front door', () => {
  let stack: Stack;
  let port: number;

  beforeAll(async () => {
    stack = await startStack();
    port = stack.sagemaker.port;
  });
  afterAll(() => stack.close());

  const controlPlane = (headers: Record<string, string>) =>
    post(port, '/', {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'SageMaker.ListTrainingJobs',
      'X-Amz-Date': AMZ_DATE,
      Host: `127.0.0.1:${port}`,
      Authorization: WELL_FORMED,
      ...headers,
    });

  it.each(['127.0.0.1', 'localhost', '[::1]'])('answers a request for %s with its port', async (host) => {
    expect((await controlPlane({ Host: `${host}:${port}` })).status).toBe(200);
  });

  it.each([
    'rebind.example.com',
    'attacker.test:80',
    `127.0.0.1.nip.io:PORT`,
    '127.0.0.1:1',
    'localhost',
    'localhost.:PORT',
  ])('refuses the foreign Host %j (DNS rebinding) with 403 naming it', async (host) => {
    const shown = host.replace('PORT', String(port));
    const answer = await controlPlane({ Host: shown });
    expect(answer.status).toBe(403);
    expect(answer.body.__type).toBe('InvalidHostHeader');
    expect(String(answer.body.message)).toContain(`127.0.0.1:${port}`);
    expect(String(answer.body.message)).toMatch(/DNS rebinding/);
  });

  it('refuses a foreign Host on the runtime too', async () => {
    const answer = await post(port, '/endpoints/x/invocations', {
      Host: 'rebind.example.com',
      Authorization: WELL_FORMED,
      'X-Amz-Date': AMZ_DATE,
      'Content-Type': 'application/json',
    });
    expect(answer.status).toBe(403);
    expect(answer.body.ErrorCode).toBe('InvalidHostHeader');
  });

  it.each([
    ['no Credential', 'AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=' + 'a'.repeat(64), 'Credential'],
    ['a short signature', WELL_FORMED.replace(/Signature=\w+/, 'Signature=00'), 'Signature'],
    ['a credential scope for another service', WELL_FORMED.replace('/sagemaker/', '/s3/'), 'sagemaker'],
    ['a scope without aws4_request', WELL_FORMED.replace('/aws4_request', '/aws4'), 'Credential'],
    ['host not signed', WELL_FORMED.replace('content-type;host;', 'content-type;'), 'host'],
    ['just the scheme', 'AWS4-HMAC-SHA256', 'Credential'],
  ])('refuses an Authorization header with %s: IncompleteSignatureException naming the part', async (_, auth, part) => {
    const answer = await controlPlane({ Authorization: auth });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('IncompleteSignatureException');
    expect(String(answer.body.message)).toContain(part);
  });

  it('refuses a signature whose date disagrees with X-Amz-Date', async () => {
    const answer = await controlPlane({ 'X-Amz-Date': '20250101T120000Z' });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('IncompleteSignatureException');
    expect(String(answer.body.message)).toMatch(/X-Amz-Date/);
  });

  it('refuses a request without X-Amz-Date', async () => {
    const answer = await post(port, '/', {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'SageMaker.ListTrainingJobs',
      Host: `127.0.0.1:${port}`,
      Authorization: WELL_FORMED,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('IncompleteSignatureException');
  });

  it('serves the unchanged SDK, through localhost as well as 127.0.0.1', async () => {
    const viaLocalhost = new SageMakerClient({ endpoint: `http://localhost:${port}` });
    await expect(viaLocalhost.send(new ListTrainingJobsCommand({}))).resolves.toBeDefined();
    await expect(stack.sm.send(new ListTrainingJobsCommand({}))).resolves.toBeDefined();
  });
});
