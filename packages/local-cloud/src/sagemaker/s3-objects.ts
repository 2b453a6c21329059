import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** Moving training data and model artifacts between the local S3 and a job's folder, with the unchanged SDK. */

export interface S3Location {
  bucket: string;
  key: string;
}

/** s3://bucket/key (or https://bucket.s3.../key, which SageMaker also accepts; only s3:// is served here). */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: "${uri}"`);
  return { bucket: match[1]!, key: match[2]! };
}

export async function listKeys(s3: S3Client, { bucket, key: prefix }: S3Location, max = Infinity): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined && !o.Key.endsWith('/')) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && keys.length < max);
  return keys;
}

export async function objectExists(s3: S3Client, { bucket, key }: S3Location): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || status === 403) return false;
    throw e;
  }
}

export async function downloadObject(s3: S3Client, { bucket, key }: S3Location, file: string): Promise<void> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!Body) throw new Error(`s3://${bucket}/${key} has no body`);
  await mkdir(dirname(file), { recursive: true });
  await pipeline(Body as Readable, createWriteStream(file));
}

/**
 * Every object under an S3Prefix into `dir`, each at its key relative to the prefix (a key that
 * would land outside `dir` is refused). Returns the number of files.
 */
export async function downloadPrefix(s3: S3Client, location: S3Location, dir: string): Promise<number> {
  const keys = await listKeys(s3, location);
  const root = resolve(dir);
  for (const key of keys) {
    const rel = key.slice(location.key.length).replace(/^\/+/, '') || key.split('/').pop()!;
    const file = resolve(root, rel);
    if (relative(root, file).startsWith('..') || !file.startsWith(root + sep)) {
      throw new Error(`object key "${key}" would be written outside the channel folder`);
    }
    await downloadObject(s3, { bucket: location.bucket, key }, file);
  }
  return keys.length;
}

export async function uploadFile(
  s3: S3Client,
  file: string,
  { bucket, key }: S3Location,
  contentType: string,
): Promise<void> {
  await new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: createReadStream(file), ContentType: contentType },
  }).done();
}

/** `s3://b/training` + `job/output/model.tar.gz` → `s3://b/training/job/output/model.tar.gz`. */
export function joinS3(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}
