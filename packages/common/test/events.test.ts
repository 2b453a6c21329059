import { decodeS3Key, encodeS3Key, s3ObjectsFromEvent, type S3Event } from '../src/events';

describe('S3 event records', () => {
  it('decodes URL-encoded keys the way S3 sends them', () => {
    expect(decodeS3Key('inbox/my+digits/a%2Bb.gz')).toBe('inbox/my digits/a+b.gz');
    expect(decodeS3Key(encodeS3Key('inbox/my digits/a+b (1).gz'))).toBe('inbox/my digits/a+b (1).gz');
  });

  it('keeps only ObjectCreated records', () => {
    const event = {
      Records: [
        { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'x+y', size: 3, eTag: 'e' } } },
        { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'b' }, object: { key: 'z' } } },
      ],
    } as unknown as S3Event;
    expect(s3ObjectsFromEvent(event)).toEqual([
      { bucket: 'b', key: 'x y', size: 3, etag: 'e', versionId: undefined, eventName: 'ObjectCreated:Put' },
    ]);
  });
});
