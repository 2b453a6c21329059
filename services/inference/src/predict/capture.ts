/**
 * Model monitoring's input: a sampled share of /predict requests (DIGITS_CAPTURE_RATE) written to
 * the monitoring bucket — the normalised 28×28 the model saw, its answer, the model version and the
 * time; never the upload itself or who sent it. Records are buffered (capture-buffer.ts) and
 * written many to an object; a write that fails is logged and counted, the prediction answered anyway.
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CAPTURE_SCHEMA_VERSION,
  captureKey,
  encodeCapturedInput,
  type CaptureObject,
  type CaptureRecord,
  type DigitPrediction,
} from '@digits/common';
import { CaptureBuffer, type CaptureBatching } from './capture-buffer';
import type { NormalisedInput } from './normalise-inputs';

/** Where captures go; `sampled()` decides, per request, whether this one is kept. */
export interface CaptureSink {
  sampled(): boolean;
  /** Writes the records (oldest first) as one object, named by the oldest one's time. */
  write(records: CaptureRecord[]): Promise<void>;
}

/** A sink and the instance's buffer in front of it (one per function instance). */
export interface Capture {
  sink: CaptureSink;
  buffer: CaptureBuffer;
}

export function s3Capture(
  s3: S3Client,
  bucket: string,
  settings: { rate: number } & CaptureBatching,
  random = Math.random,
): Capture {
  const { rate, ...batching } = settings;
  return {
    sink: {
      sampled: () => rate > 0 && random() < rate,
      async write(records) {
        const object: CaptureObject = { schemaVersion: CAPTURE_SCHEMA_VERSION, records };
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: captureKey(new Date(records[0]!.capturedAt), randomUUID()),
            Body: JSON.stringify(object),
            ContentType: 'application/json',
          }),
        );
      },
    },
    buffer: new CaptureBuffer(batching),
  };
}

export function captureRecord(
  predictions: DigitPrediction[],
  inputs: NormalisedInput[],
  model: string | null,
  at: Date,
): CaptureRecord {
  return {
    capturedAt: at.toISOString(),
    model,
    instances: predictions.map((p, i) => ({
      input: encodeCapturedInput(inputs[i]!.pixels),
      digit: p.digit,
      confidence: round4(p.probability),
      probabilities: p.probabilities.map(round4),
    })),
  };
}

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;
