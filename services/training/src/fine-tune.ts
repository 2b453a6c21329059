/**
 * A corrections dataset is learnt by fine-tuning the live model: its job gets two more channels,
 * `init` (the live model's model.tar.gz) and `replay` (the train split of the data the live model's
 * line of models first learnt from, e.g. MNIST, so it does not forget), and the stage's fine-tuning
 * hyperparameters (FINE_TUNE_HYPERPARAMETERS) over its defaults.
 * No live model → refused: corrections are answers to a live model, and without one there is neither
 * weights to start from, nor data to replay, nor a baseline for the gate.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { CORRECTIONS_DATASET, readLivePointer, readModelRecord, RegistryError, type ModelRecord } from '@digits/common';
import { TrainingRequestError } from './errors';

/** How far back the registry is followed to find the data a line of fine-tuned models started from. */
const MAX_ANCESTORS = 100;

export interface FineTunePlan {
  /** The live model: its weights are the starting point, its scores the gate's baseline. */
  initModel: string;
  /** s3:// URI of its model.tar.gz. */
  initArtifact: string;
  /** The processed dataset version whose train split is replayed. */
  replay: { dataset: string; version: string };
}

export const isCorrectionsDataset = (dataset: string): boolean => dataset === CORRECTIONS_DATASET;

export async function planFineTune(s3: S3Client, artifactsBucket: string): Promise<FineTunePlan> {
  try {
    const live = await readLivePointer(s3, artifactsBucket);
    if (!live)
      throw new TrainingRequestError(
        `no model is live: corrections fine-tune the live model, so deploy a model first (train on a dataset such as mnist)`,
      );
    const initModel = live.value.trainingJobName;
    const record = await requiredRecord(s3, artifactsBucket, initModel, 'the live model');
    if (!record.modelArtifact)
      throw new TrainingRequestError(`the live model ${initModel}'s registry record names no model artifact`);
    return { initModel, initArtifact: record.modelArtifact, replay: await replaySource(s3, artifactsBucket, record) };
  } catch (e) {
    if (e instanceof RegistryError) throw new TrainingRequestError(e.message);
    throw e;
  }
}

/** The first model up the init chain trained on something other than corrections: its data is replayed. */
async function replaySource(
  s3: S3Client,
  bucket: string,
  start: ModelRecord,
): Promise<{ dataset: string; version: string }> {
  let record = start;
  for (let step = 0; step < MAX_ANCESTORS; step++) {
    if (!record.dataset || !record.datasetVersion)
      throw new TrainingRequestError(`model ${record.trainingJobName}'s registry record names no dataset to replay`);
    if (!isCorrectionsDataset(record.dataset)) return { dataset: record.dataset, version: record.datasetVersion };
    const parent = record.feedback?.initModel;
    if (!parent)
      throw new TrainingRequestError(
        `model ${record.trainingJobName} learnt from corrections but names no init model: no data to replay`,
      );
    record = await requiredRecord(s3, bucket, parent, `model ${record.trainingJobName}'s init model`);
  }
  throw new TrainingRequestError(`more than ${MAX_ANCESTORS} fine-tuned models in a row from ${start.trainingJobName}`);
}

async function requiredRecord(s3: S3Client, bucket: string, name: string, what: string): Promise<ModelRecord> {
  const record = await readModelRecord(s3, bucket, name);
  if (!record) throw new TrainingRequestError(`${what} ${name} has no registry record`);
  return record;
}
