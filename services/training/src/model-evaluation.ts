/**
 * The model's own test report (metadata.json inside model.tar.gz, @digits/common's model-report):
 * per-class accuracy and the confusion matrix, copied into the registry record so the inference
 * API can show them without opening the artifact.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  MODEL_METADATA_FILE,
  ModelReportError,
  modelEvaluation,
  parseModelMetadata,
  type ModelEvaluation,
  type FeedbackScores,
  type ReferenceScores,
  type RobustnessScores,
} from '@digits/common';
import { Parser } from 'tar';

/** A model artifact larger than this is not downloaded for its report (the CNN's is ~0.4 MB). */
export const MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024 * 1024;

export class ModelEvaluationError extends Error {
  override name = 'ModelEvaluationError';
}

/** What the registry record and the gate take from a model's metadata.json. */
export interface ModelReport {
  /** Scores on the dataset's own test split. */
  evaluation: ModelEvaluation;
  /** Scores on the stage's reference set; absent if the job had no reference channel. */
  reference?: ReferenceScores;
  /** A model trained on corrections: its and its init model's held-out scores. */
  feedback?: FeedbackScores;
  /** Accuracy under the corruption suite; absent for models trained before it was scored. */
  robustness?: RobustnessScores;
  /** What it was trained with, as the trainer recorded it. */
  hyperparameters?: Record<string, string | number>;
}

export async function readModelEvaluation(s3: S3Client, artifactUri: string): Promise<ModelEvaluation> {
  return (await readModelReport(s3, artifactUri)).evaluation;
}

export async function readModelReport(s3: S3Client, artifactUri: string): Promise<ModelReport> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(artifactUri);
  if (!m) throw new ModelEvaluationError(`${artifactUri} is not an s3:// URI`);
  const res = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  if ((res.ContentLength ?? 0) > MAX_ARTIFACT_BYTES)
    throw new ModelEvaluationError(`${artifactUri} is ${res.ContentLength} bytes; not reading it for its report`);
  // Streamed through the tar parser, never held whole: deployModel's memory stays small whatever
  // the artifact's size (a wider model or an ensemble is still one small metadata.json).
  const text = await metadataFrom(res.Body as AsyncIterable<Uint8Array>, artifactUri);
  try {
    const metadata = parseModelMetadata(text, `${artifactUri}: ${MODEL_METADATA_FILE}`);
    return {
      evaluation: modelEvaluation(metadata),
      ...(metadata.reference ? { reference: metadata.reference } : {}),
      ...(metadata.feedback ? { feedback: metadata.feedback } : {}),
      ...(metadata.robustness ? { robustness: metadata.robustness } : {}),
      hyperparameters: metadata.hyperparameters,
    };
  } catch (e) {
    if (e instanceof ModelReportError) throw new ModelEvaluationError(e.message);
    throw e;
  }
}

/** metadata.json's text from a (gzipped) tarball stream; entries may be named `x` or `./x`, as tar writes them. */
function metadataFrom(tarball: AsyncIterable<Uint8Array>, what: string): Promise<string> {
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
    feed(parser, tarball).catch((e: Error) =>
      reject(new ModelEvaluationError(`${what} could not be read (${e.message})`)),
    );
  });
}

/** Writes the stream into the parser, waiting whenever the parser asks for a pause. */
async function feed(parser: Parser, source: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of source) {
    if (!parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
      await new Promise((resolve) => parser.once('drain', resolve));
    }
  }
  parser.end();
}
