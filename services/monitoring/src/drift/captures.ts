/**
 * The captured requests of a time window, read from the monitoring bucket's captures/ (one prefix a
 * day) and reduced to the same statistics the training set has, plus the model's answers. An object
 * holds a batch of records named by its oldest one's time, its records at most
 * CAPTURE_MAX_BATCH_SECONDS later: objects are listed from that much before the window, and each
 * record is kept when its own time is in the window. Capped at the most recent `maxObjects`, so a
 * busy day costs a bounded run.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  CAPTURE_MAX_BATCH_SECONDS,
  captureKeyTime,
  capturesDayPrefix,
  decodeCapturedInput,
  parseCaptureObject,
  StatisticsAccumulator,
  type ImageStatistics,
  type Logger,
} from '@digits/common';
import { AnswersAccumulator, type ModelAnswers } from './answers';

export interface CapturedSample {
  objects: number;
  statistics: ImageStatistics;
  answers: ModelAnswers;
  /** Objects that could not be read as capture records (named in the log). */
  unreadable: number;
}

const DAY_MS = 86_400_000;

export async function listCaptureKeys(s3: S3Client, bucket: string, from: Date, to: Date): Promise<string[]> {
  const keys: string[] = [];
  for (
    let day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    day < to.getTime();
    day += DAY_MS
  ) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: capturesDayPrefix(new Date(day)),
          ContinuationToken: token,
        }),
      );
      for (const { Key } of page.Contents ?? []) {
        const at = Key ? captureKeyTime(Key) : undefined;
        if (at && at >= from && at < to) keys.push(Key!);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return keys.sort();
}

export async function readCaptures(
  s3: S3Client,
  bucket: string,
  window: { from: Date; to: Date },
  options: { maxObjects: number; log: Logger },
): Promise<CapturedSample> {
  const listFrom = new Date(window.from.getTime() - CAPTURE_MAX_BATCH_SECONDS * 1000);
  const keys = (await listCaptureKeys(s3, bucket, listFrom, window.to)).slice(-options.maxObjects);
  const statistics = new StatisticsAccumulator();
  const answers = new AnswersAccumulator();
  let unreadable = 0;
  const CONCURRENCY = 16;
  for (let i = 0; i < keys.length; i += CONCURRENCY) {
    const texts = await Promise.all(
      keys.slice(i, i + CONCURRENCY).map(async (Key) => {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        return { Key, text: await out.Body!.transformToString() };
      }),
    );
    for (const { Key, text } of texts) {
      try {
        const records = parseCaptureObject(text, `s3://${bucket}/${Key}`).filter((r) => {
          const at = Date.parse(r.capturedAt);
          return at >= window.from.getTime() && at < window.to.getTime();
        });
        // Every input decoded before any is added: an object with a bad record adds nothing.
        const instances = records.flatMap((r) => r.instances);
        const pixels = instances.map((inst) => decodeCapturedInput(inst.input));
        instances.forEach((inst, k) => {
          statistics.add(pixels[k]!, 1);
          answers.add(inst.digit, inst.confidence);
        });
      } catch (e) {
        unreadable++;
        options.log.warn('capture unreadable; skipped', { key: Key, error: e });
      }
    }
  }
  return { objects: keys.length, statistics: statistics.result(), answers: answers.result(), unreadable };
}
