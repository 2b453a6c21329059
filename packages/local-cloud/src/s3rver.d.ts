// Minimal typing for s3rver 3.7 (ships none): only what local-cloud uses.
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  import type { Server } from 'node:http';
  import type FilesystemStore from 's3rver/lib/stores/filesystem';
  import type { KoaMiddleware } from 's3rver/lib/koa';
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }
  /** The event s3rver emits for every put/copy/multipart-complete/delete (keys NOT URL-encoded). */
  interface S3rverEvent {
    Records: Array<{
      eventName: string;
      eventTime: string;
      s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
    }>;
  }
  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    httpServer?: Server;
    /** The object store; requests reach it through `context.store`. */
    store: FilesystemStore;
    context: { store: FilesystemStore };
    /** Koa's middleware stack (s3rver is a Koa application); the router is the last entry. */
    middleware: KoaMiddleware[];
    on(event: 'event', listener: (event: S3rverEvent) => void): this;
  }
  export = S3rver;
}

/** The slice of Koa's context that local-cloud's middlewares read (s3rver ships no Koa types). */
declare module 's3rver/lib/koa' {
  import type { IncomingHttpHeaders } from 'node:http';
  interface KoaContext {
    method: string;
    /** The request path, still percent-encoded. */
    path: string;
    query: Record<string, string | string[] | undefined>;
    headers: IncomingHttpHeaders;
  }
  type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
}

declare module 's3rver/lib/stores/filesystem' {
  class FilesystemStore {
    constructor(rootDirectory: string);
    rootDirectory: string;
    getResourcePath(bucket: string, key?: string, resource?: string): string;
    /** Rejects (ENOENT) when the object does not exist; `etag` is quoted. */
    getMetadata(
      bucket: string,
      key: string,
    ): Promise<Record<string, string> & { etag: string; 'last-modified': string }>;
    existsObject(bucket: string, key: string): Promise<boolean>;
    putObject(object: import('s3rver/lib/models/object')): Promise<{ size: number; md5: string }>;
    copyObject(
      srcBucket: string,
      srcKey: string,
      destBucket: string,
      destKey: string,
      replacementMetadata?: Record<string, string>,
    ): Promise<Record<string, string>>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
    deleteObject(bucket: string, key: string): Promise<void>;
    listObjects(
      bucket: string,
      options: { delimiter?: string; startAfter?: string; prefix?: string; maxKeys?: number },
    ): Promise<{ objects: Array<{ key: string }>; commonPrefixes: string[]; isTruncated: boolean }>;
  }
  export = FilesystemStore;
}

declare module 's3rver/lib/models/error' {
  /** s3rver renders it as S3's XML error, with the status S3 uses for `code`. */
  class S3Error extends Error {
    constructor(code: string, message?: string, detail?: Record<string, string>);
    code: string;
    status: number;
  }
  export = S3Error;
}

declare module 's3rver/lib/models/object' {
  /** What a PUT hands the store: the request stream (or a buffer) and its headers. */
  class S3Object {
    static ALLOWED_METADATA: string[];
    bucket: string;
    key: string;
    content: NodeJS.ReadableStream | Buffer | null;
    metadata: Record<string, string>;
  }
  export = S3Object;
}
