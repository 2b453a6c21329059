/**
 * Reading and writing the small JSON objects the pipeline keeps in S3 (registry records, the
 * reference set's manifest and pointer): one reader that tells "absent" from an error, one writer
 * with S3's conditional-write headers.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isNotFound } from './aws-errors';

/** An object's text and the ETag a conditional replace must match; undefined when it does not exist. */
export async function readObjectText(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ value: string; etag?: string } | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { value: (await res.Body?.transformToString('utf-8')) ?? '', etag: res.ETag };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Put a JSON text; `condition` makes it a create-only (`IfNoneMatch: '*'`) or replace-if-unchanged (`IfMatch`) write. */
export async function putJsonText(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string,
  condition: { IfMatch?: string; IfNoneMatch?: string } = {},
): Promise<void> {
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...condition }),
  );
}
