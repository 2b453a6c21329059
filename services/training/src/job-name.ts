/**
 * Deterministic SageMaker names. A training job's name is a function of (dataset, version,
 * effective hyperparameters), so the same manifest delivered twice asks for the same job and
 * SageMaker's name uniqueness turns the second request into "already started". The model and
 * endpoint config deployed from a job carry the job's name, so a redelivered deploy event finds
 * them instead of creating copies.
 */
import { createHash } from 'node:crypto';
import type { Hyperparameters } from '@digits/common';

/** SageMaker's limit for training job, model and endpoint config names. */
export const MAX_NAME_LENGTH = 63;
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const HASH_LENGTH = 10;
const VERSION_LENGTH = 12;

/** sha256 of the sorted key/value pairs: the same hyperparameters in any order hash alike. */
export function hyperparametersHash(dataset: string, version: string, hyperparameters: Hyperparameters): string {
  const entries = Object.entries(hyperparameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify({ dataset, version, hyperparameters: entries }))
    .digest('hex')
    .slice(0, HASH_LENGTH);
}

/** Lower-case letters, digits and single dashes (SageMaker ARNs are lower-case; IAM matches them by prefix). */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function trainingJobName(
  prefix: string,
  dataset: string,
  version: string,
  hyperparameters: Hyperparameters,
): string {
  const hash = hyperparametersHash(dataset, version, hyperparameters);
  const ver = slug(version.replace(/^v-/, '')).slice(0, VERSION_LENGTH).replace(/-+$/, '');
  const room = MAX_NAME_LENGTH - prefix.length - ver.length - hash.length - 3;
  const ds = slug(dataset).slice(0, Math.max(room, 0)).replace(/-+$/, '');
  const name = [prefix, ds, ver, hash].filter(Boolean).join('-');
  if (!NAME.test(name) || name.length > MAX_NAME_LENGTH)
    throw new Error(`derived training job name "${name}" is not a valid SageMaker name`);
  return name;
}

/** True for names this stage's services created (the EventBridge rule filters on the same prefix). */
export function isStageJob(prefix: string, jobName: string): boolean {
  return jobName.startsWith(`${prefix}-`);
}
