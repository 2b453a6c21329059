/**
 * Scoring on the stage's reference set: the optional `reference` channel holds its manifest
 * (reference.json, @digits/common's reference-set) and CSV shards. Every model is scored on all of
 * it, whatever the dataset's own row limits, so the gate can compare models on the same images.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  REFERENCE_CHANNEL,
  REFERENCE_MANIFEST_FILE,
  REFERENCE_METRIC,
  ReferenceSetError,
  parseReferenceManifest,
  type ReferenceManifest,
  type ReferenceScores,
} from '@digits/common';
import { channelDir, readChannel, type ChannelData } from './channels';
import { TrainingInputError } from './errors';
import { evaluate, perClassAccuracy } from './fit';

export interface ReferenceData {
  manifest: ReferenceManifest;
  data: ChannelData;
}

/** The reference channel's manifest and rows; undefined when the job was given no such channel. */
export async function readReferenceChannel(mlRoot: string): Promise<ReferenceData | undefined> {
  const dir = channelDir(mlRoot, REFERENCE_CHANNEL);
  const text = await readFile(join(dir, REFERENCE_MANIFEST_FILE), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (text === undefined) {
    if (
      await stat(dir).then(
        () => true,
        () => false,
      )
    )
      throw new TrainingInputError(`channel ${REFERENCE_CHANNEL} has no ${REFERENCE_MANIFEST_FILE}`);
    return undefined;
  }
  let manifest: ReferenceManifest;
  try {
    manifest = parseReferenceManifest(text, `channel ${REFERENCE_CHANNEL}: ${REFERENCE_MANIFEST_FILE}`);
  } catch (e) {
    if (e instanceof ReferenceSetError) throw new TrainingInputError(e.message);
    throw e;
  }
  const data = await readChannel(mlRoot, REFERENCE_CHANNEL);
  if (data.rows !== manifest.rows)
    throw new TrainingInputError(
      `channel ${REFERENCE_CHANNEL}: ${data.rows} rows, but reference set ${manifest.version} has ${manifest.rows}`,
    );
  return { manifest, data };
}

export function scoreOnReference(model: tf.LayersModel, reference: ReferenceData): ReferenceScores {
  const { accuracy, confusion } = evaluate(model, reference.data);
  return {
    version: reference.manifest.version,
    rows: reference.data.rows,
    accuracy,
    perClassAccuracy: perClassAccuracy(confusion),
    confusionMatrix: confusion,
  };
}

/** The metric line SageMaker's MetricDefinitions capture (REFERENCE_METRIC), with the version for people. */
export const referenceMetricLine = (s: ReferenceScores): string =>
  `${REFERENCE_METRIC}=${s.accuracy.toFixed(4)} reference_version=${s.version} reference_rows=${s.rows} reference_per_class=${s.perClassAccuracy.map((a) => a.toFixed(3)).join(',')}`;
