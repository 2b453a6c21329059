import { decodeS3Key } from '@digits/common';
import { s3EventRecord, s3SourceMatches, unencodedRuleValues } from '../../src/functions/s3-notifications';
import type { S3EventSource } from '../../src/functions/types';

const source: S3EventSource = {
  bucket: 'raw',
  event: 's3:ObjectCreated:*',
  prefix: 'mnist/',
  suffix: '.gz',
  existing: true,
};

describe('s3SourceMatches', () => {
  it('needs the bucket, event type, prefix and suffix to match', () => {
    expect(
      s3SourceMatches(source, { bucket: 'raw', key: 'mnist/train images.gz', eventName: 'ObjectCreated:Put' }),
    ).toBe(true);
    expect(
      s3SourceMatches(source, {
        bucket: 'raw',
        key: 'mnist/train.gz',
        eventName: 'ObjectCreated:CompleteMultipartUpload',
      }),
    ).toBe(true);
    expect(s3SourceMatches(source, { bucket: 'other', key: 'mnist/train.gz', eventName: 'ObjectCreated:Put' })).toBe(
      false,
    );
    expect(s3SourceMatches(source, { bucket: 'raw', key: 'mnist/train.gz', eventName: 'ObjectRemoved:Delete' })).toBe(
      false,
    );
    expect(s3SourceMatches(source, { bucket: 'raw', key: 'other/train.gz', eventName: 'ObjectCreated:Put' })).toBe(
      false,
    );
    expect(s3SourceMatches(source, { bucket: 'raw', key: 'mnist/train.csv', eventName: 'ObjectCreated:Put' })).toBe(
      false,
    );
  });

  it('matches exact event types and compares rules with the URL-encoded key, as S3 does', () => {
    const copyOnly: S3EventSource = { bucket: 'raw', event: 's3:ObjectCreated:Copy', existing: false };
    expect(s3SourceMatches(copyOnly, { bucket: 'raw', key: 'a', eventName: 'ObjectCreated:Copy' })).toBe(true);
    expect(s3SourceMatches(copyOnly, { bucket: 'raw', key: 'a', eventName: 'ObjectCreated:Put' })).toBe(false);
    const spaced: S3EventSource = { bucket: 'raw', event: 's3:ObjectCreated:*', prefix: 'my folder/', existing: false };
    const encoded: S3EventSource = { ...spaced, prefix: 'my+folder/' };
    expect(s3SourceMatches(spaced, { bucket: 'raw', key: 'my folder/x', eventName: 'ObjectCreated:Put' })).toBe(false);
    expect(s3SourceMatches(encoded, { bucket: 'raw', key: 'my folder/x', eventName: 'ObjectCreated:Put' })).toBe(true);
    expect(unencodedRuleValues(spaced)).toEqual(['my folder/']);
    expect(unencodedRuleValues(encoded)).toEqual([]);
  });
});

describe('s3EventRecord', () => {
  it('is shaped like the record S3 delivers, with the key URL-encoded', () => {
    const record = s3EventRecord(
      {
        bucket: 'raw',
        key: 'uploads/my digit 1.png',
        eventName: 'ObjectCreated:Put',
        size: 42,
        eTag: 'abc',
        sequencer: '00AB',
        eventTime: '2026-01-01T00:00:00.000Z',
        sourceIp: '127.0.0.1',
      },
      'us-east-1',
      'cfg-1',
    );
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        configurationId: 'cfg-1',
        bucket: { name: 'raw', arn: 'arn:aws:s3:::raw' },
        object: { key: 'uploads/my+digit+1.png', size: 42, eTag: 'abc', sequencer: '00AB' },
      },
    });
    expect(decodeS3Key(record.s3.object.key)).toBe('uploads/my digit 1.png');
  });
});
