/**
 * Deterministic SageMaker names. A training job's name is a function of (dataset, version,
 * effective hyperparameters, attempt), so the same manifest delivered twice asks for the same job
 * and SageMaker's name uniqueness turns the second request into "already started"; a failed or
 * stopped attempt is retried under the next attempt's name. The model and endpoint config deployed
 * from a job carry the job's name, so a redelivered deploy event finds them instead of creating copies.
 *
 * Every name is `<stage prefix>--<rest>`: a job prefix never contains `--` (config.ts refuses it),
 * so stage `dev`'s names (`digits-dev--…`) are never a prefix of stage `dev-2`'s (`digits-dev-2--…`),
 * in code, in the EventBridge rule and in the IAM ARNs (serverless.yml's `jobNamePrefix`).
 */
import { createHash } from 'node:crypto';
import type { Hyperparameters } from '@digits/common';

/** SageMaker's limit for training job, model and endpoint config names. */
export const MAX_NAME_LENGTH = 63;
/** Between the stage's job prefix and the rest of a name; cannot occur in a job prefix. */
export const STAGE_SEPARATOR = '--';
/** Attempts are numbered 1..MAX_ATTEMPT (two digits at most in a name). */
export const MAX_ATTEMPT = 99;
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const HASH_LENGTH = 10;
const VERSION_LENGTH = 12;
const ATTEMPT_SUFFIX = /-a([1-9][0-9]?)$/;

/** What every name of this stage starts with (the EventBridge rule and IAM ARNs use the same). */
export const stageNamePrefix = (prefix: string): string => `${prefix}${STAGE_SEPARATOR}`;

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
  attempt = 1,
): string {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > MAX_ATTEMPT)
    throw new Error(`training attempt must be an integer from 1 to ${MAX_ATTEMPT}, got ${attempt}`);
  const hash = hyperparametersHash(dataset, version, hyperparameters);
  const ver = slug(version.replace(/^v-/, '')).slice(0, VERSION_LENGTH).replace(/-+$/, '');
  const tail = [ver, hash, `a${attempt}`].filter(Boolean).join('-');
  // Room for the dataset is what the longest attempt suffix leaves, so attempts share one stem.
  const longestTail = tail.length - String(attempt).length + String(MAX_ATTEMPT).length;
  const room = MAX_NAME_LENGTH - stageNamePrefix(prefix).length - longestTail - 1;
  const ds = slug(dataset).slice(0, Math.max(room, 0)).replace(/-+$/, '');
  const name = stageNamePrefix(prefix) + [ds, tail].filter(Boolean).join('-');
  if (!NAME.test(name) || name.length > MAX_NAME_LENGTH)
    throw new Error(`derived training job name "${name}" is not a valid SageMaker name`);
  return name;
}

/** The attempt number a job name carries (names of this module end in `-a<N>`). */
export function attemptOf(jobName: string): number | undefined {
  const match = ATTEMPT_SUFFIX.exec(jobName);
  return match ? Number(match[1]) : undefined;
}

/** True for names this stage's services created (the EventBridge rule filters on the same prefix). */
export function isStageJob(prefix: string, jobName: string): boolean {
  return jobName.startsWith(stageNamePrefix(prefix));
}
