import type { KoaContext, KoaMiddleware } from 's3rver/lib/koa';
import S3Error from 's3rver/lib/models/error';
import FilesystemStore from 's3rver/lib/stores/filesystem';

/**
 * An S3 key is a name, not a path: AWS stores `../x` as the key `../x`. s3rver joins key segments
 * into file paths as they come, so `.`/`..` segments (and a bucket name like `..`, or `a/..`
 * percent-encoded) would reach files outside its folder. Here a `.`/`..` segment that names a
 * folder is stored under a reserved name, and a bucket name must be one plain folder name.
 */

const DIRECTORY_SUFFIX = '_S3rver_dir';
const DOT_SEGMENT = /^\.{1,2}$/;
const STORED_DOT_SEGMENT = new RegExp(`^(\\.{1,2})${DIRECTORY_SUFFIX}$`);

/** The key with every `.`/`..` folder segment renamed; the last segment is part of a file name already. */
export function storedKeyPath(key: string): string {
  const parts = key.split('/');
  return parts
    .map((part, i) => (i < parts.length - 1 && DOT_SEGMENT.test(part) ? part + DIRECTORY_SUFFIX : part))
    .join('/');
}

export function keyFromStoredPath(path: string): string {
  return path
    .split('/')
    .map((part) => part.replace(STORED_DOT_SEGMENT, '$1'))
    .join('/');
}

/** s3rver's store with keys mapped by `storedKeyPath`: every file it touches is inside its bucket's folder. */
export class ContainedFilesystemStore extends FilesystemStore {
  override getResourcePath(bucket: string, key?: string, resource?: string): string {
    return super.getResourcePath(bucket, key === undefined ? undefined : storedKeyPath(key), resource);
  }

  // s3rver removes emptied folders by joining the key's segments itself.
  override deleteObject(bucket: string, key: string): Promise<void> {
    return super.deleteObject(bucket, storedKeyPath(key));
  }

  override async listObjects(
    bucket: string,
    options: Parameters<FilesystemStore['listObjects']>[1],
  ): ReturnType<FilesystemStore['listObjects']> {
    const listed = await super.listObjects(bucket, {
      ...options,
      prefix: storedKeyPath(options.prefix ?? ''),
      startAfter: storedKeyPath(options.startAfter ?? ''),
    });
    for (const object of listed.objects) object.key = keyFromStoredPath(object.key);
    return { ...listed, commonPrefixes: listed.commonPrefixes.map(keyFromStoredPath) };
  }
}

/** One plain folder name: no separator, no `.`/`..` (S3's own rules are stricter; s3rver enforces them on create). */
const SAFE_BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function assertSafeBucket(name: string): void {
  if (!SAFE_BUCKET_NAME.test(name))
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
}

/** Percent-decoding that leaves a malformed escape as it is (s3rver's router does the same). */
export function safeDecode(text: string, decoder: (s: string) => string = decodeURIComponent): string {
  try {
    return decoder(text);
  } catch {
    return text;
  }
}

/** The object a CopyObject reads, as s3rver reads it: decodeURI(header) split at the first '/'. */
export function copySourceOf(ctx: KoaContext): { bucket: string; key: string } | undefined {
  const header = ctx.headers['x-amz-copy-source'];
  if (typeof header !== 'string') return undefined;
  const [bucket = '', ...key] = safeDecode(header, decodeURI).replace(/^\//, '').split('/');
  return { bucket, key: key.join('/') };
}

/** Refuses requests whose bucket, or whose copy source's bucket, is not a plain folder name. */
export const refusePathBuckets: KoaMiddleware = async (ctx, next) => {
  const first = /^\/([^/]+)/.exec(ctx.path)?.[1];
  if (first !== undefined) assertSafeBucket(safeDecode(first));
  const source = copySourceOf(ctx);
  if (source) assertSafeBucket(source.bucket);
  await next();
};
