import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { ModelRecord } from '@digits/common';
import { mockClient } from 'aws-sdk-client-mock';
import { historyEntry, readModelHistory } from '../../src/registry/history';
import { RECORD, objectBody } from '../registry-records';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const record = (job: string, recordedAt: string, extra: Partial<ModelRecord> = {}): ModelRecord => ({
  ...RECORD,
  trainingJobName: job,
  recordedAt,
  ...extra,
});

describe('historyEntry', () => {
  it('keeps what the page shows: time, data, scores, feedback scores and the gate', () => {
    const feedback = {
      initModel: 'm-0',
      corrections: 80,
      heldOut: 20,
      heldOutAccuracy: 0.9,
      initHeldOutAccuracy: 0.4,
      replayRows: 6000,
    };
    const reference = { version: 'r-1', rows: 1000, accuracy: 0.98, perClassAccuracy: [], confusionMatrix: [] };
    expect(
      historyEntry(
        record('m-1', '2026-01-02T00:00:00.000Z', {
          dataset: 'corrections',
          reference,
          feedback,
          gate: { deploy: false, reason: 'held-out corrections did not improve' },
        }),
      ),
    ).toEqual({
      trainingJobName: 'm-1',
      recordedAt: '2026-01-02T00:00:00.000Z',
      status: 'Completed',
      dataset: 'corrections',
      datasetVersion: 'v-abc123',
      testAccuracy: 0.9912,
      reference: { version: 'r-1', accuracy: 0.98 },
      feedback,
      gate: { deploy: false, reason: 'held-out corrections did not improve' },
    });
  });
});

describe('readModelHistory', () => {
  it('reads only the newest records of the listing (every page), newest first', async () => {
    const keys = Array.from({ length: 14 }, (_, i) => ({
      Key: `registry/models/job-${String(i).padStart(2, '0')}.json`,
      LastModified: new Date(Date.UTC(2026, 0, 1, i)),
    }));
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({ Contents: keys.slice(0, 7), IsTruncated: true, NextContinuationToken: 'next' })
      .on(ListObjectsV2Command, { ContinuationToken: 'next' })
      .resolves({ Contents: [...keys.slice(7), { Key: 'registry/models/notes.txt' }], IsTruncated: false });
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const job = input.Key.replace('registry/models/', '').replace('.json', '');
      const i = Number(job.slice(4));
      return objectBody(record(job, new Date(Date.UTC(2026, 0, 1, i)).toISOString()));
    });

    const history = await readModelHistory(new S3Client({}), 'artifacts', 10);

    expect(history.map((h) => h.trainingJobName)).toEqual(
      Array.from({ length: 10 }, (_, i) => `job-${String(13 - i).padStart(2, '0')}`),
    );
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(10);
  });

  it('leaves out an object that is not a model record rather than failing the list', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'registry/models/good.json' }, { Key: 'registry/models/bad.json' }],
    });
    s3.on(GetObjectCommand, { Key: 'registry/models/good.json' }).resolves(
      objectBody(record('good', '2026-01-01T00:00:00.000Z')),
    );
    s3.on(GetObjectCommand, { Key: 'registry/models/bad.json' }).resolves(objectBody('{"not": "a record"}'));
    expect((await readModelHistory(new S3Client({}), 'artifacts')).map((h) => h.trainingJobName)).toEqual(['good']);
  });
});
