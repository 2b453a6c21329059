/**
 * The model's own test report (metadata.json inside model.tar.gz, written by packages/model's
 * train): per-class accuracy and the confusion matrix, copied into the registry record so the
 * inference API can show them without opening the artifact.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MODEL_METADATA_FILE, NUM_CLASSES, type ModelEvaluation } from '@digits/common';
import { Parser } from 'tar';

/** A model artifact larger than this is not downloaded for its report (the CNN's is ~0.4 MB). */
export const MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024 * 1024;

export class ModelEvaluationError extends Error {
  override name = 'ModelEvaluationError';
}

export async function readModelEvaluation(s3: S3Client, artifactUri: string): Promise<ModelEvaluation> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(artifactUri);
  if (!m) throw new ModelEvaluationError(`${artifactUri} is not an s3:// URI`);
  const res = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  if ((res.ContentLength ?? 0) > MAX_ARTIFACT_BYTES)
    throw new ModelEvaluationError(`${artifactUri} is ${res.ContentLength} bytes; not reading it for its report`);
  const tarball = await res.Body!.transformToByteArray();
  const text = await metadataFrom(Buffer.from(tarball), artifactUri);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ModelEvaluationError(
      `${artifactUri}: ${MODEL_METADATA_FILE} is not valid JSON (${(e as Error).message})`,
    );
  }
  return evaluationFrom(doc, `${artifactUri}: ${MODEL_METADATA_FILE}`);
}

/** metadata.json's text from a (gzipped) tarball; entries may be named `x` or `./x`, as tar writes them. */
function metadataFrom(tarball: Buffer, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let found = false;
    const parser = new Parser({
      strict: true,
      filter: (path) => path.replace(/^\.\//, '') === MODEL_METADATA_FILE,
      onReadEntry: (entry) => {
        found = true;
        entry.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_METADATA_BYTES) chunks.push(chunk);
        });
      },
    });
    parser.on('error', (e: Error) =>
      reject(new ModelEvaluationError(`${what} is not a readable tar.gz (${e.message})`)),
    );
    parser.on('end', () => {
      if (!found) reject(new ModelEvaluationError(`${what} holds no ${MODEL_METADATA_FILE}`));
      else if (size > MAX_METADATA_BYTES)
        reject(new ModelEvaluationError(`${what}: ${MODEL_METADATA_FILE} is larger than ${MAX_METADATA_BYTES} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    parser.end(tarball);
  });
}

export function evaluationFrom(doc: unknown, what: string): ModelEvaluation {
  const m = (doc ?? {}) as { testRows?: unknown; perClassAccuracy?: unknown; confusionMatrix?: unknown };
  const isRate = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!isCount(m.testRows)) throw new ModelEvaluationError(`${what}: testRows must be a count`);
  if (
    !Array.isArray(m.perClassAccuracy) ||
    m.perClassAccuracy.length !== NUM_CLASSES ||
    !m.perClassAccuracy.every(isRate)
  ) {
    throw new ModelEvaluationError(`${what}: perClassAccuracy must be ${NUM_CLASSES} numbers in 0..1`);
  }
  const matrix = m.confusionMatrix;
  if (
    !Array.isArray(matrix) ||
    matrix.length !== NUM_CLASSES ||
    !matrix.every((row) => Array.isArray(row) && row.length === NUM_CLASSES && row.every(isCount))
  ) {
    throw new ModelEvaluationError(`${what}: confusionMatrix must be ${NUM_CLASSES}×${NUM_CLASSES} counts`);
  }
  return {
    testRows: m.testRows as number,
    perClassAccuracy: m.perClassAccuracy as number[],
    confusionMatrix: matrix as number[][],
  };
}
