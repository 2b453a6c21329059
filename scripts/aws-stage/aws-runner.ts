/** The real StepRunner: child processes (output streamed), and bucket emptying with the AWS SDK. */
import { spawn } from 'node:child_process';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import type { StepRunner } from './run-steps';

export function awsStepRunner(region?: string): StepRunner {
  const s3 = new S3Client(region ? { region } : {});
  return {
    command: (command, args, cwd) =>
      new Promise((resolve) => {
        const child = spawn(command, args, { cwd, stdio: ['inherit', 'pipe', 'pipe'] });
        let tail = '';
        const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
          to.write(chunk);
          tail = (tail + chunk.toString()).slice(-4000);
        };
        child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
        child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
        child.on('error', (e) => resolve({ code: 127, output: `${command}: ${e.message}` }));
        child.on('close', (code) => resolve({ code: code ?? 1, output: tail }));
      }),
    async emptyBucket(Bucket) {
      let deleted = 0;
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (;;) {
        let page;
        try {
          page = await s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }));
        } catch (e) {
          if ((e as { name?: string }).name === 'NoSuchBucket') return deleted;
          throw e;
        }
        const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
          Key: v.Key!,
          VersionId: v.VersionId,
        }));
        for (let i = 0; i < objects.length; i += 1000) {
          const out = await s3.send(
            new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects.slice(i, i + 1000), Quiet: true } }),
          );
          if (out.Errors?.length)
            throw new Error(`s3://${Bucket}: ${out.Errors.length} object(s) not deleted: ${out.Errors[0]!.Message}`);
          deleted += objects.slice(i, i + 1000).length;
        }
        if (!page.IsTruncated) return deleted;
        ({ NextKeyMarker: KeyMarker, NextVersionIdMarker: VersionIdMarker } = page);
      }
    },
  };
}
