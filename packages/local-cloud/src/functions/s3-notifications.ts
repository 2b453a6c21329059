import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type S3rver from 's3rver';
import { encodeS3Key } from '@digits/common';
import type { S3EventRecord } from 'aws-lambda';
import type { FunctionDefinition, S3EventSource } from './types';

/**
 * S3 → Lambda notifications, as S3 sends them. s3rver emits one unfiltered event per
 * put/copy/POST/multipart-complete/delete with the key NOT URL-encoded; this module filters by
 * each function's s3 events (bucket, event type, prefix/suffix) and builds the record AWS
 * delivers: URL-encoded key (spaces as '+'), eventVersion 2.1, bucket ARN, size/eTag/sequencer.
 *
 * Rule matching: S3 compares prefix/suffix rule values with the key as it appears in the
 * notification, i.e. URL-encoded (AWS: "if you use special characters in the value of the prefix
 * or suffix, you must enter them in URL-encoded format"). A rule `uploads/my file` never matches;
 * `uploads/my+file` does.
 */

type S3rverRecord = Parameters<Parameters<S3rver['on']>[1]>[0]['Records'][number];

export interface S3Notification {
  bucket: string;
  /** The raw (decoded) object key. */
  key: string;
  /** AWS event name without the `s3:` prefix: ObjectCreated:Put, ObjectRemoved:Delete, ... */
  eventName: string;
  size?: number;
  eTag?: string;
  sequencer: string;
  eventTime: string;
  sourceIp: string;
}

/** Does one of a function's s3 events select this notification? */
export function s3SourceMatches(
  source: S3EventSource,
  n: Pick<S3Notification, 'bucket' | 'key' | 'eventName'>,
): boolean {
  if (source.bucket !== n.bucket) return false;
  const wanted = source.event.replace(/^s3:/, '');
  const typeOk = wanted.endsWith(':*') ? n.eventName.startsWith(wanted.slice(0, -1)) : n.eventName === wanted;
  if (!typeOk) return false;
  const encoded = encodeS3Key(n.key);
  return (
    (source.prefix === undefined || encoded.startsWith(source.prefix)) &&
    (source.suffix === undefined || encoded.endsWith(source.suffix))
  );
}

/** Rule values S3 could only match in URL-encoded form (worth a warning at start). */
export function unencodedRuleValues(source: S3EventSource): string[] {
  return [source.prefix, source.suffix].filter(
    (v): v is string => v !== undefined && encodeS3Key(v) !== v && !/%[0-9A-F]{2}|\+/.test(v),
  );
}

const OWNER_ID = 'A3NL1KOZZKExample';

/** The record S3 delivers to one notification configuration. */
export function s3EventRecord(n: S3Notification, region: string, configurationId: string): S3EventRecord {
  const object: S3EventRecord['s3']['object'] = {
    key: encodeS3Key(n.key),
    sequencer: n.sequencer,
  } as S3EventRecord['s3']['object'];
  if (n.size !== undefined) object.size = n.size;
  if (n.eTag !== undefined) object.eTag = n.eTag;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: n.eventTime,
    eventName: n.eventName,
    userIdentity: { principalId: 'AWS:AIDALOCALRUNNEREXAMPLE' },
    requestParameters: { sourceIPAddress: n.sourceIp },
    responseElements: {
      'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-amz-id-2': createHash('sha256').update(n.sequencer).digest('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: n.bucket, ownerIdentity: { principalId: OWNER_ID }, arn: `arn:aws:s3:::${n.bucket}` },
      object,
    },
  };
}

/** Deterministic id per function event, like the NotificationConfiguration Id a stack gives it. */
export function configurationId(fn: FunctionDefinition, index: number): string {
  return createHash('sha1').update(`${fn.name}:s3:${index}`).digest('base64url').slice(0, 27);
}

export interface S3Target {
  definition: FunctionDefinition;
  deliver: (event: { Records: S3EventRecord[] }) => void;
}

interface StoreWithMetadata {
  getMetadata(bucket: string, key: string): Promise<{ etag?: string; 'content-length'?: number }>;
}

let lastSequencer = 0n;
/** Sequencers increase per key in S3; a process-wide monotonic hex counter keeps that order. */
function nextSequencer(): string {
  const candidate = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = candidate > lastSequencer ? candidate : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/**
 * Subscribe to an s3rver's events and deliver matching notifications. Returns a detach function.
 * s3rver reports both browser POST uploads and CompleteMultipartUpload as "Post"; in-flight
 * `POST ?uploadId=` requests tell the two apart.
 */
export function attachS3Notifications(
  server: S3rver,
  targets: S3Target[],
  region: string,
  log: (line: string) => void,
  track: (work: Promise<unknown>) => void = () => {},
): () => void {
  const completing = new Map<string, number>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.includes('uploadId=')) return;
    const id = pathObjectId(req.url);
    if (!id) return;
    completing.set(id, (completing.get(id) ?? 0) + 1);
    res.once('close', () => {
      const n = (completing.get(id) ?? 1) - 1;
      if (n <= 0) completing.delete(id);
      else completing.set(id, n);
    });
  };
  server.httpServer?.on('request', onRequest);

  const onEvent = (event: { Records: S3rverRecord[] }) => {
    for (const record of event.Records) {
      track(
        toNotification(record, server, completing)
          .then((n) => dispatch(n, targets, region))
          .catch((error: Error) =>
            log(
              `[s3-notifications] ERROR could not deliver ${record.s3.bucket.name}/${record.s3.object.key}: ${error.message}`,
            ),
          ),
      );
    }
  };
  server.on('event', onEvent);
  return () => {
    server.off('event', onEvent);
    server.httpServer?.off('request', onRequest);
  };
}

function pathObjectId(url: string): string | undefined {
  const path = url.split('?')[0]!;
  const slash = path.indexOf('/', 1);
  if (slash < 0) return undefined;
  try {
    return `${decodeURIComponent(path.slice(1, slash))}/${decodeURIComponent(path.slice(slash + 1))}`;
  } catch {
    return undefined;
  }
}

async function toNotification(
  record: S3rverRecord,
  server: S3rver,
  completing: Map<string, number>,
): Promise<S3Notification> {
  const bucket = record.s3.bucket.name;
  const key = record.s3.object.key;
  let eventName = record.eventName;
  if (eventName === 'ObjectCreated:Post' && completing.has(`${bucket}/${key}`))
    eventName = 'ObjectCreated:CompleteMultipartUpload';
  let { size, eTag } = record.s3.object;
  if (eventName.startsWith('ObjectCreated:') && eTag === undefined) {
    // s3rver's Copy event carries no eTag; S3's does. Read it from the store.
    const store = (server as unknown as { store: StoreWithMetadata }).store;
    const meta = await store.getMetadata(bucket, key).catch(() => undefined);
    if (meta?.etag) eTag = JSON.parse(meta.etag) as string;
    if (size === undefined && meta?.['content-length'] !== undefined) size = Number(meta['content-length']);
  }
  const sourceIp =
    (record as { requestParameters?: { sourceIPAddress?: string } }).requestParameters?.sourceIPAddress ?? '127.0.0.1';
  return {
    bucket,
    key,
    eventName,
    ...(size !== undefined ? { size } : {}),
    ...(eTag !== undefined ? { eTag } : {}),
    sequencer: nextSequencer(),
    eventTime: record.eventTime,
    sourceIp: sourceIp.replace(/^::ffff:/, ''),
  };
}

function dispatch(n: S3Notification, targets: S3Target[], region: string) {
  for (const { definition, deliver } of targets) {
    const index = definition.events.s3.findIndex((source) => s3SourceMatches(source, n));
    if (index >= 0) deliver({ Records: [s3EventRecord(n, region, configurationId(definition, index))] });
  }
}

/**
 * A whole S3 notification event for `keys` (one record each), exactly as the runner delivers it:
 * what tests use to drive a handler directly with an AWS-shaped event.
 */
export function s3NotificationEvent(
  bucket: string,
  keys: string[],
  options: { eventName?: string; size?: number; eTag?: string; region?: string } = {},
): { Records: S3EventRecord[] } {
  return {
    Records: keys.map((key, i) =>
      s3EventRecord(
        {
          bucket,
          key,
          eventName: options.eventName ?? 'ObjectCreated:Put',
          size: options.size,
          eTag: options.eTag,
          sequencer: String(i).padStart(16, '0'),
          eventTime: new Date().toISOString(),
          sourceIp: '127.0.0.1',
        },
        options.region ?? 'us-east-1',
        'test',
      ),
    ),
  };
}
