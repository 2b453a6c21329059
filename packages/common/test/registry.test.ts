/**
 * The registry contract both ways: what the training service writes, the training service and the
 * inference API read back unchanged; what either would refuse, both refuse.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { isPreconditionFailed } from '../src/aws-errors';
import {
  RegistryError,
  encodeRegistryJson,
  parseLivePointer,
  parseModelRecord,
  readLivePointer,
  readModelRecord,
  writeLivePointer,
  writeModelRecord,
  type LivePointer,
  type ModelRecord,
} from '../src/registry';

const RECORD: ModelRecord = {
  trainingJobName: 'digits-dev-20260101-000000',
  status: 'Completed',
  dataset: 'mnist',
  datasetVersion: 'v-abc',
  metrics: { test_accuracy: 0.99 },
  gate: { deploy: true, reason: 'first model' },
  recordedAt: '2026-01-01T00:59:00.000Z',
  evaluation: {
    testRows: 2,
    perClassAccuracy: Array(10).fill(1),
    confusionMatrix: Array.from({ length: 10 }, () => Array(10).fill(0)),
  },
};
const ENTRY = {
  trainingJobName: RECORD.trainingJobName,
  modelName: 'digits-dev-model-1',
  endpointConfigName: 'digits-dev-config-1',
  testAccuracy: 0.99,
  deployedAt: '2026-01-01T01:00:00.000Z',
};
const POINTER: LivePointer = { endpointName: 'digits-dev', ...ENTRY, history: [ENTRY] };

/** A bucket in memory that honours If-Match / If-None-Match the way S3 does (412). */
function memoryS3() {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(client);
  const objects = new Map<string, { body: string; etag: string }>();
  const fail = (name: string, httpStatusCode: number) =>
    new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });
  mock.on(GetObjectCommand).callsFake(async ({ Key }: { Key: string }) => {
    const found = objects.get(Key);
    if (!found) throw fail('NoSuchKey', 404);
    return { ETag: found.etag, Body: { transformToString: async () => found.body } };
  });
  mock.on(PutObjectCommand).callsFake(async ({ Key, Body, IfMatch, IfNoneMatch }) => {
    const existing = objects.get(Key!);
    if ((IfNoneMatch === '*' && existing) || (IfMatch && existing?.etag !== IfMatch))
      throw fail('PreconditionFailed', 412);
    const body = String(Body);
    objects.set(Key!, { body, etag: `"${createHash('md5').update(body).digest('hex')}"` });
    return {};
  });
  return { client, objects };
}

const lostRace = (write: Promise<void>): Promise<boolean> =>
  write.then(
    () => false,
    (e: unknown) => isPreconditionFailed(e),
  );

describe('registry records and live.json', () => {
  it('reads back exactly what was written', async () => {
    const { client, objects } = memoryS3();
    expect(await readLivePointer(client, 'artifacts')).toBeUndefined();
    expect(await readModelRecord(client, 'artifacts', RECORD.trainingJobName)).toBeUndefined();

    await writeModelRecord(client, 'artifacts', RECORD);
    await writeLivePointer(client, 'artifacts', POINTER, { etag: null });

    expect(await readModelRecord(client, 'artifacts', RECORD.trainingJobName)).toEqual(RECORD);
    const live = await readLivePointer(client, 'artifacts');
    expect(live).toEqual({ value: POINTER, etag: objects.get('registry/live.json')!.etag });
    expect(objects.get(`registry/models/${RECORD.trainingJobName}.json`)!.body).toBe(encodeRegistryJson(RECORD));
  });

  it('replaces live.json only from the version that was read', async () => {
    const { client } = memoryS3();
    await writeLivePointer(client, 'artifacts', POINTER, { etag: null });
    const read = await readLivePointer(client, 'artifacts');
    const next = { ...POINTER, trainingJobName: 'digits-dev-2' };

    expect(await lostRace(writeLivePointer(client, 'artifacts', next, { etag: null }))).toBe(true);

    await writeLivePointer(client, 'artifacts', next, { etag: read!.etag });
    expect(await lostRace(writeLivePointer(client, 'artifacts', POINTER, { etag: read!.etag }))).toBe(true);
    expect((await readLivePointer(client, 'artifacts'))!.value.trainingJobName).toBe('digits-dev-2');
  });

  it.each([
    ['not JSON', '{', /is not valid JSON/],
    // Inference once accepted these (it checked three fields, training four): now both refuse them.
    ['no modelName', { ...POINTER, modelName: undefined }, /is not a live pointer/],
    ['no history', { ...POINTER, history: undefined }, /is not a live pointer/],
    ['no deployedAt', { ...POINTER, deployedAt: undefined }, /is not a live pointer/],
    [
      'a history entry without its endpoint config',
      { ...POINTER, history: [{ ...ENTRY, endpointConfigName: 1 }] },
      /history/,
    ],
  ])('refuses a live.json that is %s', (_what, doc, message) => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    expect(() => parseLivePointer(text)).toThrow(RegistryError);
    expect(() => parseLivePointer(text)).toThrow(message);
  });

  it.each([
    ['of another job', { ...RECORD, trainingJobName: 'other' }],
    ['without a gate decision', { ...RECORD, gate: undefined }],
    ['without metrics', { ...RECORD, metrics: undefined }],
  ])('refuses a model record %s', (_what, doc) => {
    expect(() => parseModelRecord(JSON.stringify(doc), RECORD.trainingJobName)).toThrow(
      `registry/models/${RECORD.trainingJobName}.json is not a model record of ${RECORD.trainingJobName}`,
    );
  });
});
