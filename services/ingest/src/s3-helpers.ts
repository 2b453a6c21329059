import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { isNotFound } from '@digits/common';

/** Small S3 helpers shared by the import and the inbox path. */

/** HeadObject, or undefined when the object does not exist (needs s3:ListBucket to tell 404 from 403). */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** CopySource is `bucket/key`, URL-encoded per path segment (a space must travel as %20). */
export const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/** ETags arrive quoted from the API and unquoted in events; compare them bare. */
export const bareEtag = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '');

/** Object metadata key (x-amz-meta-source-etag) recording which source version a raw object was copied from. */
export const SOURCE_ETAG_META = 'source-etag';
export const SOURCE_KEY_META = 'source-key';

/** True when `target` already holds the bytes of `source`: same size and a recorded or equal ETag. */
export function isSameObject(
  source: Pick<HeadObjectCommandOutput, 'ContentLength' | 'ETag'>,
  target: Pick<HeadObjectCommandOutput, 'ContentLength' | 'ETag' | 'Metadata'> | undefined,
): boolean {
  if (!target || target.ContentLength !== source.ContentLength) return false;
  const sourceEtag = bareEtag(source.ETag);
  return (
    sourceEtag !== '' &&
    (bareEtag(target.Metadata?.[SOURCE_ETAG_META]) === sourceEtag || bareEtag(target.ETag) === sourceEtag)
  );
}
