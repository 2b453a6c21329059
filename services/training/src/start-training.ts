/**
 * startTraining: read a processed dataset's manifest and start one SageMaker training job for it.
 * Idempotent: the job name is derived from (dataset, version, hyperparameters, attempt); a running
 * or completed attempt means "already started", a failed or stopped one lets the next attempt start
 * (up to the limit), and a racing duplicate CreateTrainingJob is recognised.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  MANIFEST_FILE,
  ManifestError,
  manifestKey,
  parseManifest,
  parseManifestKey,
  readReferenceManifest,
  readReferencePointer,
  ReferenceSetError,
  type Hyperparameters,
  type Logger,
  type Manifest,
  type S3ObjectRef,
  isAlreadyExists,
  isNotFound,
} from '@digits/common';
import { TRAINING_ENV, checkHyperparameters, type TrainingSettings } from './config';
import { TrainingAttemptsExhaustedError, TrainingRequestError } from './errors';
import { findAttempt } from './training-attempts';
import { planTrainingJob, type FineTuneInputs } from './training-job-request';
import { isCorrectionsDataset, planFineTune } from './fine-tune';

export interface StartTrainingDeps {
  s3: S3Client;
  sagemaker: SageMakerClient;
  settings: TrainingSettings;
  logger: Logger;
}

/** What a hand invocation passes: `sls invoke -f startTraining -d '{"dataset":"mnist","version":"v-…"}'`. */
export interface StartTrainingInput {
  dataset: string;
  version: string;
  hyperparameters?: Record<string, string | number>;
}

export interface StartTrainingResult {
  trainingJobName: string;
  /** Which attempt for this dataset version the job is (1 unless an earlier one failed or was stopped). */
  attempt: number;
  status: 'started' | 'already-started';
  dataset: string;
  version: string;
  /** Status SageMaker reported for a job that already existed. */
  existingStatus?: string;
}

export function parseStartTrainingInput(input: unknown): StartTrainingInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TrainingRequestError('startTraining input must be an object {"dataset", "version", "hyperparameters"?}');
  }
  const { dataset, version, hyperparameters, ...rest } = input as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new TrainingRequestError(`startTraining input has unknown field(s): ${extra.join(', ')}`);
  if (typeof dataset !== 'string' || typeof version !== 'string') {
    throw new TrainingRequestError('startTraining input needs "dataset" and "version" strings');
  }
  // The manifest key parser is the one definition of a valid dataset/version pair.
  if (!parseManifestKey(`${dataset}/${version}/${MANIFEST_FILE}`)) {
    throw new TrainingRequestError(`no processed dataset can be named "${dataset}" version "${version}"`);
  }
  return { dataset, version, hyperparameters: hyperparameters as StartTrainingInput['hyperparameters'] };
}

async function readManifest(s3: S3Client, bucket: string, dataset: string, version: string): Promise<Manifest> {
  const key = manifestKey(dataset, version);
  let text: string;
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await res.Body?.transformToString('utf-8')) ?? '';
  } catch (e) {
    if (isNotFound(e))
      throw new TrainingRequestError(`no manifest at s3://${bucket}/${key}: preprocess dataset "${dataset}" first`);
    throw e;
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(text);
  } catch (e) {
    if (e instanceof ManifestError) throw new TrainingRequestError(`s3://${bucket}/${key}: ${e.message}`);
    throw e;
  }
  if (manifest.dataset !== dataset || manifest.version !== version) {
    throw new TrainingRequestError(
      `s3://${bucket}/${key} describes ${manifest.dataset}/${manifest.version}, not ${dataset}/${version}`,
    );
  }
  return manifest;
}

/**
 * The stage's reference set version, checked to be stored. Without one (no import yet) the job
 * still trains, but the gate will refuse its model for want of reference scores: said here too.
 */
async function currentReference(s3: S3Client, bucket: string, logger: Logger): Promise<string | undefined> {
  try {
    const found = await readReferencePointer(s3, bucket);
    if (!found) {
      logger.warn(
        'no reference set in this stage: the model will have no reference scores and the gate will refuse it',
        {
          fix: 'sls invoke -f importPublicDataset (ingest)',
        },
      );
      return undefined;
    }
    const { version } = found.pointer;
    if (!(await readReferenceManifest(s3, bucket, version)))
      throw new TrainingRequestError(
        `reference set ${version} named by s3://${bucket}/_reference/current.json is not stored`,
      );
    return version;
  } catch (e) {
    if (e instanceof ReferenceSetError) throw new TrainingRequestError(e.message);
    throw e;
  }
}

/** A corrections dataset: the live model to start from and the manifest of the data to replay. */
async function fineTuneInputs({ s3, settings }: StartTrainingDeps): Promise<FineTuneInputs> {
  const plan = await planFineTune(s3, settings.artifactsBucket);
  const replayManifest = await readManifest(s3, settings.processedBucket, plan.replay.dataset, plan.replay.version);
  return { initModel: plan.initModel, initArtifact: plan.initArtifact, replayManifest };
}

export async function startTraining(input: StartTrainingInput, deps: StartTrainingDeps): Promise<StartTrainingResult> {
  const { s3, sagemaker, settings, logger } = deps;
  const overrides: Hyperparameters = (() => {
    try {
      return checkHyperparameters(input.hyperparameters, 'hyperparameters');
    } catch (e) {
      throw new TrainingRequestError((e as Error).message);
    }
  })();
  const bucket = settings.processedBucket;
  const manifest = await readManifest(s3, bucket, input.dataset, input.version);
  const referenceVersion = await currentReference(s3, bucket, logger);
  const fineTune = isCorrectionsDataset(manifest.dataset) ? await fineTuneInputs(deps) : undefined;
  const planOf = (attempt: number) =>
    planTrainingJob(manifest, bucket, overrides, settings, attempt, referenceVersion, fineTune);
  const decision = await findAttempt(sagemaker, (attempt) => planOf(attempt).name, settings.maxAttempts);
  const ids = { dataset: manifest.dataset, version: manifest.version };

  if (decision.action === 'exhausted') {
    const { last } = decision;
    logger.error('training gave up: attempt limit reached', { ...ids, attempts: decision.attempts, last });
    throw new TrainingAttemptsExhaustedError(
      `${ids.dataset}/${ids.version}: ${decision.attempts} training attempts failed; the last, ${last.name}, ${last.status}${last.failureReason ? `: ${last.failureReason}` : ''}. ` +
        `Raise ${TRAINING_ENV.maxAttempts} or fix the cause, then invoke startTraining by hand`,
    );
  }
  const base = { trainingJobName: decision.name, attempt: decision.attempt, ...ids };
  if (decision.action === 'exists') {
    logger.info('training job already exists; not starting another', { ...base, existingStatus: decision.status });
    return { ...base, status: 'already-started', existingStatus: decision.status };
  }
  const plan = planOf(decision.attempt);
  try {
    await sagemaker.send(new CreateTrainingJobCommand(plan.request));
  } catch (e) {
    // A duplicate delivery racing this one created it between our Describe and Create.
    if (isAlreadyExists(e)) {
      logger.info('training job was started concurrently', base);
      return { ...base, status: 'already-started' };
    }
    throw e;
  }
  logger.info('training job started', {
    ...base,
    referenceVersion: referenceVersion ?? 'none',
    ...(fineTune
      ? {
          initModel: fineTune.initModel,
          replay: `${fineTune.replayManifest.dataset}/${fineTune.replayManifest.version}`,
        }
      : {}),
    ...(decision.previous ? { retryOf: decision.previous } : {}),
    hyperparameters: plan.hyperparameters,
    image: settings.imageUri,
  });
  return { ...base, status: 'started' };
}

/** What became of one object an S3 notification named (failures are reported by the record loop). */
export interface ManifestEventOutcome {
  key: string;
  result?: StartTrainingResult;
  skipped?: string;
}

/**
 * Start training for one object of an S3 notification. Objects that are not a manifest of the
 * processed bucket are skipped with a reason; a manifest that cannot be trained on throws
 * TrainingRequestError (permanent: reported, not retried).
 */
export async function startTrainingForObject(
  object: S3ObjectRef,
  deps: StartTrainingDeps,
): Promise<ManifestEventOutcome> {
  const { processedBucket } = deps.settings;
  const skip = (skipped: string): ManifestEventOutcome => {
    deps.logger.warn('ignored S3 object', { key: object.key, reason: skipped });
    return { key: object.key, skipped };
  };
  if (object.bucket !== processedBucket)
    return skip(`bucket ${object.bucket} is not the processed bucket ${processedBucket}`);
  const id = parseManifestKey(object.key);
  if (!id) return skip('not a <dataset>/<version>/manifest.json key');
  return { key: object.key, result: await startTraining(id, deps) };
}
