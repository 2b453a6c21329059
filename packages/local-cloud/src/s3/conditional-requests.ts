import type { KoaContext, KoaMiddleware } from 's3rver/lib/koa';
import S3Error from 's3rver/lib/models/error';
import type FilesystemStore from 's3rver/lib/stores/filesystem';
import { copySourceOf, safeDecode } from './key-paths';

/**
 * S3's conditional requests, which s3rver 3.7 ignores (it honours If-None-Match on GET only):
 * PutObject and CompleteMultipartUpload If-None-Match: * / If-Match, CopyObject
 * x-amz-copy-source-if-(none-)match / -(un)modified-since and the destination's If-(None-)Match,
 * DeleteObject If-Match, GetObject/HeadObject If-Match / If-Unmodified-Since. A failed condition
 * answers 412 PreconditionFailed, If-Match on a missing object 404 NoSuchKey, as AWS does.
 * A condition is checked and the write done while no other write to the same key runs, so of two
 * racing conditional writes exactly one wins.
 */

interface Version {
  etag: string;
  lastModified: Date;
}

/** Sub-resources: a request naming one is not a plain object read or write (the SDK's `x-id` is not one). */
const SUB_RESOURCES = ['uploadId', 'uploads', 'partNumber', 'tagging', 'acl', 'legal-hold', 'retention', 'torrent'];

const preconditionFailed = (condition: string) =>
  new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });
const noSuchKey = (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });

function header(ctx: KoaContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** RFC 7232 entity-tag list match; S3 compares ETags without their quotes. */
function etagMatches(list: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '');
  return list
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/"/g, ''))
    .some((tag) => tag === '*' || tag === bare);
}

function modifiedAfter(version: Version, date: string): boolean {
  const since = Date.parse(date);
  return Number.isFinite(since) && version.lastModified.getTime() > since;
}

/** Target object of an object-level request, decoded as s3rver's router decodes it. */
function objectOf(ctx: KoaContext): { bucket: string; key: string } | undefined {
  const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
  return m ? { bucket: safeDecode(m[1]!), key: safeDecode(m[2]!) } : undefined;
}

/** Per-key exclusive sections; several keys are taken in sorted order so two copies cannot deadlock. */
class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(ids: string[], work: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const id of [...new Set(ids)].sort()) {
        const previous = this.tails.get(id) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((r) => (release = r));
        const tail = previous.then(() => mine);
        this.tails.set(id, tail);
        releases.push(() => {
          release();
          if (this.tails.get(id) === tail) this.tails.delete(id);
        });
        await previous;
      }
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }
}

export function conditionalRequests(store: FilesystemStore): KoaMiddleware {
  const locks = new KeyLocks();
  const versionOf = async (bucket: string, key: string): Promise<Version | undefined> => {
    try {
      const metadata = await store.getMetadata(bucket, key);
      return { etag: metadata.etag, lastModified: new Date(metadata['last-modified']) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  /** If-Match / If-None-Match on the object a write replaces (PutObject, CopyObject, CompleteMultipartUpload). */
  const checkWriteTarget = (ctx: KoaContext, key: string, current: Version | undefined) => {
    const ifNoneMatch = header(ctx, 'if-none-match');
    if (ifNoneMatch !== undefined) {
      if (ifNoneMatch.trim() !== '*')
        throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', {
          Header: 'If-None-Match',
        });
      if (current) throw preconditionFailed('If-None-Match');
    }
    const ifMatch = header(ctx, 'if-match');
    if (ifMatch !== undefined) {
      if (!current) throw noSuchKey(key);
      if (!etagMatches(ifMatch, current.etag)) throw preconditionFailed('If-Match');
    }
  };

  /** x-amz-copy-source-if-*: if-match wins over if-unmodified-since, if-none-match over if-modified-since. */
  const checkCopySource = (ctx: KoaContext, source: Version | undefined) => {
    if (!source) return; // s3rver answers NoSuchKey for the missing source
    const ifMatch = header(ctx, 'x-amz-copy-source-if-match');
    const ifNoneMatch = header(ctx, 'x-amz-copy-source-if-none-match');
    const ifUnmodifiedSince = header(ctx, 'x-amz-copy-source-if-unmodified-since');
    const ifModifiedSince = header(ctx, 'x-amz-copy-source-if-modified-since');
    if (ifMatch !== undefined) {
      if (!etagMatches(ifMatch, source.etag)) throw preconditionFailed('x-amz-copy-source-If-Match');
    } else if (ifUnmodifiedSince !== undefined && modifiedAfter(source, ifUnmodifiedSince)) {
      throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
    }
    if (ifNoneMatch !== undefined) {
      if (etagMatches(ifNoneMatch, source.etag)) throw preconditionFailed('x-amz-copy-source-If-None-Match');
    } else if (ifModifiedSince !== undefined && !modifiedAfter(source, ifModifiedSince)) {
      throw preconditionFailed('x-amz-copy-source-If-Modified-Since');
    }
  };

  return async (ctx, next) => {
    const target = objectOf(ctx);
    if (!target) return next();
    const { bucket, key } = target;
    const subResources = SUB_RESOURCES.filter((name) => name in ctx.query);
    const plain = subResources.length === 0;
    const id = (b: string, k: string) => `${b}/${k}`;

    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && plain) {
      // Under the key's lock: a write puts metadata and bytes in place one after the other
      // (whole-objects.ts), and a read opens the bytes before the lock is released, so it answers
      // one version's ETag with that version's bytes.
      return locks.run([id(bucket, key)], async () => {
        const ifMatch = header(ctx, 'if-match');
        const ifUnmodifiedSince = header(ctx, 'if-unmodified-since');
        if (ifMatch !== undefined || ifUnmodifiedSince !== undefined) {
          const current = await versionOf(bucket, key);
          if (current && ifMatch !== undefined && !etagMatches(ifMatch, current.etag))
            throw preconditionFailed('If-Match');
          if (current && ifMatch === undefined && ifUnmodifiedSince && modifiedAfter(current, ifUnmodifiedSince))
            throw preconditionFailed('If-Unmodified-Since');
        }
        await next();
      });
    }
    if (ctx.method === 'PUT' && plain) {
      const source = copySourceOf(ctx);
      const ids = source ? [id(bucket, key), id(source.bucket, source.key)] : [id(bucket, key)];
      return locks.run(ids, async () => {
        if (source) checkCopySource(ctx, await versionOf(source.bucket, source.key));
        checkWriteTarget(ctx, key, await versionOf(bucket, key));
        await next();
      });
    }
    const completingUpload = ctx.method === 'POST' && subResources.length === 1 && subResources[0] === 'uploadId';
    if (completingUpload) {
      return locks.run([id(bucket, key)], async () => {
        checkWriteTarget(ctx, key, await versionOf(bucket, key));
        await next();
      });
    }
    if (ctx.method === 'DELETE' && plain) {
      return locks.run([id(bucket, key)], async () => {
        const ifMatch = header(ctx, 'if-match');
        if (ifMatch !== undefined) {
          const current = await versionOf(bucket, key);
          if (!current) throw noSuchKey(key);
          if (!etagMatches(ifMatch, current.etag)) throw preconditionFailed('If-Match');
        }
        await next();
      });
    }
    return next();
  };
}
