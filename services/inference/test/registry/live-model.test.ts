import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readLiveModel, summarise } from '../../src/registry/live-model';
import { POINTER, RECORD, noSuchKey as missing, objectBody as body } from '../registry-records';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });

beforeEach(() => s3.reset());

describe('readLiveModel', () => {
  it('reads registry/live.json and the model record it points to', async () => {
    s3.on(GetObjectCommand, { Bucket: 'artifacts', Key: 'registry/live.json' }).resolves(body(POINTER));
    s3.on(GetObjectCommand, { Bucket: 'artifacts', Key: `registry/models/${POINTER.trainingJobName}.json` }).resolves(
      body(RECORD),
    );
    const live = await readLiveModel(client, 'artifacts');
    expect(live).toEqual({ pointer: POINTER, record: RECORD });
    expect(summarise(live!)).toEqual({
      version: POINTER.trainingJobName,
      trainedAt: RECORD.trainedAt,
      testAccuracy: 0.9912,
      dataset: 'mnist',
      datasetVersion: 'v-abc123',
      deployedAt: POINTER.deployedAt,
    });
  });

  it('is undefined before any model is deployed', async () => {
    s3.on(GetObjectCommand).rejects(missing());
    expect(await readLiveModel(client, 'artifacts')).toBeUndefined();
  });

  it('still answers with the pointer when the record is missing', async () => {
    s3.on(GetObjectCommand, { Key: 'registry/live.json' }).resolves(body(POINTER));
    s3.on(GetObjectCommand, { Key: `registry/models/${POINTER.trainingJobName}.json` }).rejects(missing());
    const live = await readLiveModel(client, 'artifacts');
    expect(live).toEqual({ pointer: POINTER });
    expect(summarise(live!)).toMatchObject({ trainedAt: null, dataset: null, testAccuracy: 0.9912 });
  });

  it.each([
    ['not JSON', '{', /registry\/live.json is not valid JSON/],
    ['not a pointer', { endpointName: 'x' }, /registry\/live.json is not a live pointer/],
  ])('names the object when live.json is %s', async (_what, doc, message) => {
    s3.on(GetObjectCommand).resolves(body(doc));
    await expect(readLiveModel(client, 'artifacts')).rejects.toThrow(message);
  });
});
