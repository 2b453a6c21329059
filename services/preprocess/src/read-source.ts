/**
 * Reading one raw IDX object: S3 → sha256 of the stored bytes → gunzip → IDX parser, all streamed.
 * The hash (of the bytes as stored) is what a dataset version is made of.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IDX_SET_META, IdxError, readIdxStream, type IdxData, type RawFile, type SourceObject } from '@digits/common';

export interface LoadedSource {
  file: RawFile;
  object: SourceObject;
  idx: IdxData;
  /** The set of files this object was written with (IDX_SET_META), if it was written as one of a set. */
  set?: string;
}

/** A file whose bytes are not a valid IDX file of the kind its name says. */
export class SourceRejected extends Error {
  override name = 'SourceRejected';
  constructor(
    readonly file: RawFile,
    readonly idxError: IdxError,
  ) {
    super(`${file.file}: ${idxError.message}`);
  }
}

async function* hashing(
  body: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
  counter: { bytes: number },
) {
  for await (const chunk of body) {
    hash.update(chunk);
    counter.bytes += chunk.length;
    yield chunk;
  }
}

export async function readSource(s3: S3Client, bucket: string, file: RawFile): Promise<LoadedSource> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: file.key }));
  if (!response.Body) throw new Error(`s3://${bucket}/${file.key} has no body`);
  const hash = createHash('sha256');
  const counter = { bytes: 0 };
  let idx: IdxData;
  try {
    idx = await readIdxStream(hashing(response.Body as AsyncIterable<Uint8Array>, hash, counter), {
      expect: file.kind,
      gzipped: file.gzipped,
    });
  } catch (e) {
    if (e instanceof IdxError) throw new SourceRejected(file, e);
    throw e;
  }
  const size = response.ContentLength ?? counter.bytes;
  if (counter.bytes !== size) throw new Error(`s3://${bucket}/${file.key}: read ${counter.bytes} of ${size} bytes`);
  const object: SourceObject = {
    bucket,
    key: file.key,
    etag: response.ETag ?? file.etag,
    ...(response.VersionId ? { versionId: response.VersionId } : {}),
    size,
    sha256: hash.digest('hex'),
  };
  const set = response.Metadata?.[IDX_SET_META];
  return { file, object, idx, ...(set ? { set } : {}) };
}
