import {
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { learnedCorrectionKey, newCorrection, pendingCorrectionKey, parseCorrection } from '@digits/common';
import { mockClient } from 'aws-sdk-client-mock';
import { s3CorrectionStore } from '../../src/feedback/store';

const s3mock = mockClient(S3Client);
beforeEach(() => s3mock.reset());

const record = newCorrection(new Float32Array(784).fill(0.5), 7, {
  predicted: 1,
  model: 'm-1',
  receivedAt: new Date('2026-01-01T00:00:00Z'),
});
const store = () => s3CorrectionStore(new S3Client({}), 'inbox');
const notFound = () => new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('s3CorrectionStore', () => {
  it('writes a new correction create-only under corrections/pending/<id>.json, as the contract encodes it', async () => {
    s3mock.on(HeadObjectCommand).rejects(notFound());
    s3mock.on(PutObjectCommand).resolves({});

    expect(await store().save(record)).toBe(true);

    expect(s3mock.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'inbox',
      Key: learnedCorrectionKey(record.id),
    });
    const put = s3mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'inbox', Key: pendingCorrectionKey(record.id), IfNoneMatch: '*' });
    expect(parseCorrection(String(put.Body), 'put')).toEqual(record);
  });

  it('takes a correction already pending (412 on the create-only write) as a duplicate, not an error', async () => {
    s3mock.on(HeadObjectCommand).rejects(notFound());
    s3mock.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    expect(await store().save(record)).toBe(false);
  });

  it('takes a correction already learned from as a duplicate and writes nothing', async () => {
    s3mock.on(HeadObjectCommand).resolves({});
    expect(await store().save(record)).toBe(false);
    expect(s3mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('passes any other S3 failure on (a 500 in the logs, not a silent loss)', async () => {
    s3mock.on(HeadObjectCommand).rejects(notFound());
    s3mock.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));
    await expect(store().save(record)).rejects.toThrow('AccessDenied');
    s3mock.on(HeadObjectCommand).rejects(s3Error('SlowDown', 503));
    await expect(store().save(record)).rejects.toThrow('SlowDown');
  });

  it('counts the pending corrections over every page of the listing, and only correction keys', async () => {
    const key = (i: number) => pendingCorrectionKey(i.toString(16).padStart(32, '0'));
    s3mock
      .on(ListObjectsV2Command, { Bucket: 'inbox', Prefix: 'corrections/pending/', ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: key(1) }, { Key: key(2) }], IsTruncated: true, NextContinuationToken: 't' })
      .on(ListObjectsV2Command, { ContinuationToken: 't' })
      .resolves({ Contents: [{ Key: key(3) }, { Key: 'corrections/pending/stray.txt' }], IsTruncated: false });
    expect(await store().countPending()).toBe(3);
  });

  it('counts none when nothing is pending', async () => {
    s3mock.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    expect(await store().countPending()).toBe(0);
  });
});
