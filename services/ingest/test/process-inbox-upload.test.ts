import {
  CopyObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { processInboxUpload } from '../src/process-inbox-upload';
import type { UploadChecks } from '../src/check-upload';

// The ordering guarantees of the inbox path, which a real S3 server cannot be made to break
// mid-way: S3 is mocked here; the integration tests run the same code against s3rver.

const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

const ctx = { inboxBucket: 'inbox', rawBucket: 'raw', now: () => new Date('2024-01-02T03:04:05Z') };
const header = {
  kind: 'images' as const,
  magic: 0x803,
  count: 1,
  rows: 28,
  cols: 28,
  headerBytes: 16,
  itemBytes: 784,
  totalBytes: 800,
};
const acceptAll: UploadChecks = { inspect: async () => ({ header, gzipped: true }), counterparts: async () => [] };

describe('processInboxUpload ordering', () => {
  const s3 = mockClient(S3Client);
  const client = new S3Client({ region: 'us-east-1' });
  beforeEach(() => {
    s3.reset();
    s3.on(HeadObjectCommand, { Bucket: 'inbox' }).resolves({ ContentLength: 5, ETag: '"e1"' });
    s3.on(HeadObjectCommand, { Bucket: 'raw' }).rejects(s3Error('NotFound', 404));
  });

  it('quarantines by copy, then reason, then a delete conditional on the ETag it checked', async () => {
    const outcome = await processInboxUpload(client, 'inbox/mnist/notes.txt', ctx);

    expect(outcome).toMatchObject({
      status: 'rejected',
      code: 'UNKNOWN_FILE',
      quarantineKey: 'quarantine/mnist/notes.txt',
    });
    const writes = s3
      .calls()
      .map((c) => c.args[0])
      .filter((c) => !(c instanceof HeadObjectCommand));
    expect(writes.map((c) => c.constructor.name)).toEqual([
      'CopyObjectCommand',
      'PutObjectCommand',
      'DeleteObjectCommand',
    ]);
    expect(writes[0]!.input).toMatchObject({
      Bucket: 'inbox',
      Key: 'quarantine/mnist/notes.txt',
      CopySource: 'inbox/inbox/mnist/notes.txt',
      CopySourceIfMatch: '"e1"',
    });
    expect(JSON.parse(String((writes[1]!.input as { Body: string }).Body))).toEqual({
      dataset: 'mnist',
      file: 'notes.txt',
      sourceKey: 'inbox/mnist/notes.txt',
      code: 'UNKNOWN_FILE',
      reason: expect.stringContaining('notes.txt'),
      size: 5,
      etag: 'e1',
      rejectedAt: '2024-01-02T03:04:05.000Z',
    });
    expect(writes[2]!.input).toMatchObject({ Bucket: 'inbox', Key: 'inbox/mnist/notes.txt', IfMatch: '"e1"' });
  });

  it('keeps the upload in the inbox when the reason cannot be written (the retry redoes it)', async () => {
    s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
    await expect(processInboxUpload(client, 'inbox/mnist/notes.txt', ctx)).rejects.toThrow('SlowDown');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('leaves a newer upload under the same key alone (conditional delete fails)', async () => {
    s3.on(DeleteObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    expect(await processInboxUpload(client, 'inbox/mnist/notes.txt', ctx)).toEqual({
      status: 'superseded',
      key: 'inbox/mnist/notes.txt',
    });
  });

  it('copies an accepted upload only from the version it checked, recording the source ETag', async () => {
    const outcome = await processInboxUpload(client, 'inbox/my set/train-images.idx3', { ...ctx, checks: acceptAll });
    expect(outcome).toEqual({
      status: 'accepted',
      key: 'inbox/my set/train-images.idx3',
      rawKey: 'datasets/my set/train-images.idx3',
    });
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'raw',
      Key: 'datasets/my set/train-images.idx3',
      CopySource: 'inbox/inbox/my%20set/train-images.idx3',
      CopySourceIfMatch: '"e1"',
      MetadataDirective: 'REPLACE',
      Metadata: { 'source-etag': 'e1', 'source-key': 'inbox/inbox/my set/train-images.idx3' },
    });
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('does not copy again when raw already holds the same bytes', async () => {
    s3.on(HeadObjectCommand, { Bucket: 'raw' }).resolves({
      ContentLength: 5,
      ETag: '"other"',
      Metadata: { 'source-etag': 'e1' },
    });
    expect(
      (await processInboxUpload(client, 'inbox/mnist/train-images.idx3', { ...ctx, checks: acceptAll })).status,
    ).toBe('unchanged');
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('treats an upload overwritten during the check as superseded', async () => {
    s3.on(CopyObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    expect(
      (await processInboxUpload(client, 'inbox/mnist/train-images.idx3', { ...ctx, checks: acceptAll })).status,
    ).toBe('superseded');
  });

  it('does nothing for an upload already moved by an earlier delivery, or a folder marker', async () => {
    s3.on(HeadObjectCommand, { Bucket: 'inbox' }).rejects(s3Error('NotFound', 404));
    expect((await processInboxUpload(client, 'inbox/mnist/notes.txt', ctx)).status).toBe('gone');
    expect((await processInboxUpload(client, 'inbox/mnist/', ctx)).status).toBe('ignored');
    expect(s3.calls().filter((c) => !(c.args[0] instanceof HeadObjectCommand))).toHaveLength(0);
  });
});
