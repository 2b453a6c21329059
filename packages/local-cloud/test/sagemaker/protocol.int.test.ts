import { startStack, type Stack } from './sagemaker-stack';

/** The AWS JSON 1.1 envelope itself, byte for byte, as any AWS client sees it. */
describe('local SageMaker wire protocol', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  const post = (headers: Record<string, string>, body: string) =>
    fetch(stack.sagemaker.endpoint, { method: 'POST', headers, body });
  const signed = {
    Authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'X-Amz-Date': '20260101T000000Z',
    'Content-Type': 'application/x-amz-json-1.1',
  };

  it('answers JSON 1.1 with a request id', async () => {
    const res = await post({ ...signed, 'X-Amz-Target': 'SageMaker.ListTrainingJobs' }, '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ TrainingJobSummaries: [] });
  });

  it('refuses unsigned requests like AWS', async () => {
    const res = await post(
      { 'X-Amz-Target': 'SageMaker.ListTrainingJobs', 'Content-Type': 'application/x-amz-json-1.1' },
      '{}',
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('names unknown operations and unparsable bodies', async () => {
    const unknown = await post({ ...signed, 'X-Amz-Target': 'SageMaker.CreateNotebookInstance' }, '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect((await unknown.json()).__type).toBe('UnknownOperationException');
    const garbled = await post({ ...signed, 'X-Amz-Target': 'SageMaker.DescribeTrainingJob' }, '{"TrainingJobName":');
    expect(await garbled.json()).toEqual({
      __type: 'SerializationException',
      message: 'The request body is not valid JSON',
    });
  });
});
