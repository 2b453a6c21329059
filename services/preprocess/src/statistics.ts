/**
 * The training split's image statistics (ink mass, bounding box, centre of mass, mean image, label
 * counts), written as `<dataset>/<version>/statistics.json` beside the manifest and before it: model
 * monitoring compares what the live model is asked with the data it learned from.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PIXELS, StatisticsAccumulator, statisticsKey, type IdxPair, type ImageStatistics } from '@digits/common';

export function splitStatistics(pair: IdxPair): ImageStatistics {
  const acc = new StatisticsAccumulator();
  const image = new Uint8Array(PIXELS);
  for (let i = 0; i < pair.count; i++) {
    pair.images.copy(i * PIXELS, (i + 1) * PIXELS, image);
    acc.add(image, 255, pair.labels[i]);
  }
  return acc.result();
}

export async function writeStatistics(
  s3: S3Client,
  bucket: string,
  dataset: string,
  version: string,
  statistics: ImageStatistics,
): Promise<string> {
  const Key = statisticsKey(dataset, version);
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key, Body: JSON.stringify(statistics), ContentType: 'application/json' }),
  );
  return Key;
}
