/**
 * Model monitoring's input: a sampled share of /predict requests (DIGITS_CAPTURE_RATE) written to
 * the monitoring bucket — the normalised 28×28 the model saw, its answer, the model version and the
 * time; never the upload itself or who sent it. A capture that fails is logged and counted; the
 * prediction is answered anyway.
 */
import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CAPTURE_SCHEMA_VERSION,
  captureKey,
  encodeCapturedInput,
  type CaptureRecord,
  type DigitPrediction,
} from '@digits/common';
import type { NormalisedInput } from './normalise-inputs';

/** Where captures go; `sampled()` decides, per request, whether this one is kept. */
export interface CaptureSink {
  sampled(): boolean;
  write(record: CaptureRecord, at: Date): Promise<void>;
}

export function s3CaptureSink(s3: S3Client, bucket: string, rate: number, random = Math.random): CaptureSink {
  return {
    sampled: () => rate > 0 && random() < rate,
    async write(record, at) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: captureKey(at, randomUUID()),
          Body: JSON.stringify(record),
          ContentType: 'application/json',
        }),
      );
    },
  };
}

export function captureRecord(
  predictions: DigitPrediction[],
  inputs: NormalisedInput[],
  model: string | null,
  at: Date,
): CaptureRecord {
  return {
    schemaVersion: CAPTURE_SCHEMA_VERSION,
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
