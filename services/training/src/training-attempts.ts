/**
 * Which attempt of a training job to act on. Attempts of one (dataset, version, hyperparameters)
 * are named ...-a1, -a2, ... (job-name.ts) and tried in order: an attempt that is running or
 * completed is the answer (a redelivered event must not start another); one that failed or was
 * stopped lets the next start; after the limit the dataset version is given up on for good.
 */
import { DescribeTrainingJobCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isNotFound } from '@digits/common';

export interface EndedAttempt {
  name: string;
  status: string;
  failureReason?: string;
}

export type AttemptDecision =
  | { action: 'start'; attempt: number; name: string; previous?: EndedAttempt }
  | { action: 'exists'; attempt: number; name: string; status: string }
  | { action: 'exhausted'; attempts: number; last: EndedAttempt };

/** States after which SageMaker will do no more with a job, and a new attempt may start. */
const ENDED_UNSUCCESSFULLY: ReadonlySet<string> = new Set(['Failed', 'Stopped']);

async function describeJob(sagemaker: SageMakerClient, name: string): Promise<EndedAttempt | undefined> {
  try {
    const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    return {
      name,
      status: job.TrainingJobStatus ?? 'Unknown',
      ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function findAttempt(
  sagemaker: SageMakerClient,
  nameOf: (attempt: number) => string,
  maxAttempts: number,
): Promise<AttemptDecision> {
  let previous: EndedAttempt | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const name = nameOf(attempt);
    const job = await describeJob(sagemaker, name);
    if (!job) return { action: 'start', attempt, name, ...(previous ? { previous } : {}) };
    if (!ENDED_UNSUCCESSFULLY.has(job.status)) return { action: 'exists', attempt, name, status: job.status };
    previous = job;
  }
  return { action: 'exhausted', attempts: maxAttempts, last: previous! };
}
