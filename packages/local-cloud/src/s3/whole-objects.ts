import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import S3Object from 's3rver/lib/models/object';
import { stageWhole, writeWhole } from '../whole-file';
import { ContainedFilesystemStore } from './key-paths';

/**
 * On AWS a PUT or a copy is all or nothing: an object is there whole, or the old one is. s3rver
 * writes the object file in place (truncating the old one first), resolves a buffered write before
 * it is flushed and writes its metadata after, so a crash, a killed `pnpm start` or an aborted
 * upload leaves a truncated object that lists, heads and reads as if whole. Here every file is
 * written whole (whole-file.ts), the object's bytes are staged before anything is touched, its
 * metadata goes in next, and renaming the bytes into place is what makes the new version visible.
 * A crash before that leaves the key as it was (for a new key: absent; s3rver keys existence on
 * the object file). Readers take the key's lock (conditional-requests.ts), so none sees the new
 * metadata beside the old bytes in the moment between.
 */
export class WholeObjectStore extends ContainedFilesystemStore {
  override async putObject(object: S3Object): Promise<{ size: number; md5: string }> {
    const content = Buffer.isBuffer(object.content) ? [object.content] : (object.content as AsyncIterable<Buffer>);
    return this.storeObject(object.bucket, object.key, content, object.metadata);
  }

  override async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata?: Record<string, string>,
  ): Promise<Record<string, string>> {
    const source = this.getResourcePath(srcBucket, srcKey, 'object');
    if (source === this.getResourcePath(destBucket, destKey, 'object')) {
      // An in-place copy only replaces the metadata (s3rver's own case).
      if (replacementMetadata) await this.putMetadata(destBucket, destKey, replacementMetadata);
    } else {
      const metadata =
        replacementMetadata ??
        JSON.parse(await readFile(this.getResourcePath(srcBucket, srcKey, 'metadata.json'), 'utf8'));
      await this.storeObject(destBucket, destKey, createReadStream(source), metadata);
    }
    return this.getMetadata(destBucket, destKey);
  }

  override async putMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, string>,
    md5?: string,
  ): Promise<void> {
    // What s3rver keeps of a request's headers: the allowed ones and the user's x-amz-meta-*.
    const kept = Object.fromEntries(
      Object.entries(metadata).filter(
        ([name]) => S3Object.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'),
      ),
    );
    if (md5) await writeWhole(this.getResourcePath(bucket, key, 'object.md5'), md5);
    await writeWhole(this.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(kept, null, 2));
  }

  /** The object file goes first, so a delete cut short leaves nothing that reads as an object. */
  override async deleteObject(bucket: string, key: string): Promise<void> {
    await unlink(this.getResourcePath(bucket, key, 'object')).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await super.deleteObject(bucket, key);
  }

  private async storeObject(
    bucket: string,
    key: string,
    content: AsyncIterable<Uint8Array> | Uint8Array[],
    metadata: Record<string, string>,
  ): Promise<{ size: number; md5: string }> {
    const objectPath = this.getResourcePath(bucket, key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const hash = createHash('md5');
    let size = 0;
    const staged = await stageWhole(
      objectPath,
      (async function* () {
        for await (const chunk of content) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      })(),
    );
    const md5 = hash.digest('hex');
    try {
      await this.putMetadata(bucket, key, metadata, md5);
    } catch (error) {
      await staged.discard();
      throw error;
    }
    await staged.commit();
    return { size, md5 };
  }
}
