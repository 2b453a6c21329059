/**
 * The CreateTrainingJob request for one processed dataset version: the project's image, the
 * `train`/`test` channels from the manifest, the stage's `reference` channel, output under the artifacts bucket, metric regexes and
 * tags that tie the job to its data. Pure: no AWS calls.
 */
import type { CreateTrainingJobRequest, Tag, TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import {
  CHANNELS,
  CSV_FORMAT,
  HYPERPARAMETERS,
  METRIC_DEFINITIONS,
  TRAINING_OUTPUT_PREFIX,
  manifestKey,
  INIT_CHANNEL,
  REFERENCE_CHANNEL,
  REPLAY_CHANNEL,
  processedVersionPrefix,
  referenceVersionPrefix,
  type Hyperparameters,
  type Manifest,
} from '@digits/common';
import type { TrainingSettings } from './config';
import { TrainingRequestError } from './errors';
import { hyperparametersHash, trainingJobName } from './job-name';

export const TAG_KEYS = {
  dataset: 'digits:dataset',
  datasetVersion: 'digits:dataset-version',
  manifest: 'digits:manifest',
  hyperparametersHash: 'digits:hyperparameters-hash',
  referenceVersion: 'digits:reference-version',
  initModel: 'digits:init-model',
} as const;

/** A corrections job's extra inputs (fine-tune.ts): the live model to start from and the data to replay. */
export interface FineTuneInputs {
  initModel: string;
  initArtifact: string;
  replayManifest: Manifest;
}

export interface PlannedTrainingJob {
  name: string;
  hyperparameters: Hyperparameters;
  request: CreateTrainingJobRequest;
}

/**
 * Defaults (for a corrections job, the fine-tuning ones over them), then the caller's overrides,
 * then what the service always sets: the dataset's names and, fine-tuning, the init model.
 */
export function effectiveHyperparameters(
  settings: Pick<TrainingSettings, 'defaultHyperparameters' | 'fineTuneHyperparameters'>,
  overrides: Hyperparameters,
  manifest: Manifest,
  fineTune?: Pick<FineTuneInputs, 'initModel'>,
): Hyperparameters {
  return {
    ...settings.defaultHyperparameters,
    ...(fineTune ? settings.fineTuneHyperparameters : {}),
    ...overrides,
    [HYPERPARAMETERS.dataset]: manifest.dataset,
    [HYPERPARAMETERS.datasetVersion]: manifest.version,
    ...(fineTune ? { [HYPERPARAMETERS.initModel]: fineTune.initModel } : {}),
  };
}

/** The split's folder, after checking every shard the manifest lists lies in it (the channel reads the whole prefix). */
function channelPrefix(manifest: Manifest, split: (typeof CHANNELS)[number]): string {
  const prefix = `${processedVersionPrefix(manifest.dataset, manifest.version)}${split}/`;
  const stray = manifest.splits[split].shards.find(
    (s) => !s.key.startsWith(prefix) || s.key.slice(prefix.length).includes('/'),
  );
  if (stray)
    throw new TrainingRequestError(
      `manifest ${manifest.dataset}/${manifest.version}: ${split} shard "${stray.key}" is not directly under ${prefix}`,
    );
  return prefix;
}

// Tag values allow letters, digits, spaces and _ . : / = + - @ (max 256).
const tagValue = (v: string): string => v.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256);

export function planTrainingJob(
  manifest: Manifest,
  bucket: string,
  overrides: Hyperparameters,
  settings: TrainingSettings,
  attempt = 1,
  /** The stage's reference set version: scored through the `reference` channel (not part of the job's name). */
  referenceVersion?: string,
  /** A corrections job: the `init` and `replay` channels (the init model is part of the job's name). */
  fineTune?: FineTuneInputs,
): PlannedTrainingJob {
  const hyperparameters = effectiveHyperparameters(settings, overrides, manifest, fineTune);
  // The init model is left out of the name: a corrections version is learnt once, from the model
  // live when it arrived; otherwise every new live model would make reconcile retrain old versions.
  const { [HYPERPARAMETERS.initModel]: _init, ...identity } = hyperparameters;
  const name = trainingJobName(settings.jobPrefix, manifest.dataset, manifest.version, identity, attempt);
  const tags: Tag[] = [
    { Key: TAG_KEYS.dataset, Value: tagValue(manifest.dataset) },
    { Key: TAG_KEYS.datasetVersion, Value: tagValue(manifest.version) },
    { Key: TAG_KEYS.manifest, Value: tagValue(`s3://${bucket}/${manifestKey(manifest.dataset, manifest.version)}`) },
    {
      Key: TAG_KEYS.hyperparametersHash,
      Value: hyperparametersHash(manifest.dataset, manifest.version, identity),
    },
    ...(referenceVersion ? [{ Key: TAG_KEYS.referenceVersion, Value: referenceVersion }] : []),
    ...(fineTune ? [{ Key: TAG_KEYS.initModel, Value: tagValue(fineTune.initModel) }] : []),
  ];
  const channel = (ChannelName: string, prefix: string, uri = `s3://${bucket}/${prefix}`) => ({
    ChannelName,
    ContentType: CSV_FORMAT.contentType,
    CompressionType: 'None' as const,
    InputMode: 'File' as const,
    DataSource: {
      S3DataSource: {
        S3DataType: 'S3Prefix' as const,
        S3Uri: uri,
        S3DataDistributionType: 'FullyReplicated' as const,
      },
    },
  });
  const request: CreateTrainingJobRequest = {
    TrainingJobName: name,
    RoleArn: settings.roleArn,
    AlgorithmSpecification: {
      TrainingImage: settings.imageUri,
      TrainingInputMode: 'File',
      MetricDefinitions: METRIC_DEFINITIONS.map((m) => ({ Name: m.Name, Regex: m.Regex })),
    },
    HyperParameters: { ...hyperparameters } as Record<string, string>,
    // The reference channel (its manifest + shards) lets the trainer score the model on the same
    // images as every other model of the stage; the gate judges those scores.
    InputDataConfig: [
      ...CHANNELS.map((split) => channel(split, channelPrefix(manifest, split))),
      ...(referenceVersion ? [channel(REFERENCE_CHANNEL, referenceVersionPrefix(referenceVersion))] : []),
      ...(fineTune
        ? [
            channel(INIT_CHANNEL, '', fineTune.initArtifact),
            channel(REPLAY_CHANNEL, channelPrefix(fineTune.replayManifest, 'train')),
          ]
        : []),
    ],
    // SageMaker writes <S3OutputPath>/<job>/output/model.tar.gz: the layout keys.ts documents.
    OutputDataConfig: { S3OutputPath: `s3://${settings.artifactsBucket}/${TRAINING_OUTPUT_PREFIX.replace(/\/$/, '')}` },
    ResourceConfig: {
      InstanceType: settings.instanceType as TrainingInstanceType,
      InstanceCount: 1,
      VolumeSizeInGB: settings.volumeGb,
    },
    StoppingCondition: { MaxRuntimeInSeconds: settings.maxRuntimeSeconds },
    // The trainer reads only its channels and writes only /opt/ml: it needs no network.
    EnableNetworkIsolation: true,
    Tags: tags,
  };
  return { name, hyperparameters, request };
}
