/**
 * The steps of `pnpm deploy:aws --stage X` and `pnpm remove:aws --stage X`, as data: what runs,
 * where, in which order. Running them (and stopping at the first failure) is run-steps.ts; the
 * commands themselves (osls, the AWS CLI, push-image.sh) are what a person would type.
 */
export type Step =
  | { kind: 'command'; title: string; command: string; args: string[]; cwd: string; allowFailure?: RegExp }
  | { kind: 'empty-bucket'; title: string; bucket: string };

/** A stage name every resource name can carry (`digits-<stage>-…`, S3 buckets, `--` is the job-name separator). */
export const STAGE_NAME = /^[a-z0-9](?:[a-z0-9]|-(?!-)){0,19}$/;

export class StageError extends Error {
  override name = 'StageError';
}

export function checkStage(stage: string | undefined): string {
  if (!stage) throw new StageError('--stage is required (e.g. --stage dev)');
  if (!STAGE_NAME.test(stage) || stage.endsWith('-'))
    throw new StageError(`stage "${stage}" must be 1-20 lower-case letters, digits and single dashes`);
  return stage;
}

/** Pipeline order: monitoring first (its topic and bucket are named by the others), inference last. */
export const SERVICES = ['monitoring', 'ingest', 'preprocess', 'training', 'inference'] as const;

export interface DeployOptions {
  stage: string;
  region?: string;
  /** E-mail subscribed to the stage's alarm topic. */
  alarmEmail?: string;
  /** Skip building and pushing the model image (an image already in the repository). */
  skipImage?: boolean;
  /** Skip importing the public MNIST dataset. */
  skipImport?: boolean;
}

const sls = (repo: string, service: string, args: string[], title: string): Step => ({
  kind: 'command',
  title,
  command: 'pnpm',
  args: ['exec', 'sls', ...args],
  cwd: `${repo}/services/${service}`,
});

const regionArgs = (region?: string) => (region ? ['--region', region] : []);

export function deployPlan(repo: string, o: DeployOptions): Step[] {
  const common = ['--stage', o.stage, ...regionArgs(o.region)];
  const steps: Step[] = [];
  for (const service of SERVICES) {
    const params = service === 'monitoring' && o.alarmEmail ? ['--param', `alarmEmail=${o.alarmEmail}`] : [];
    steps.push(sls(repo, service, ['deploy', ...common, ...params], `deploy ${service}`));
    if (service === 'training' && !o.skipImage) {
      steps.push({
        kind: 'command',
        title: 'build and push the model image',
        command: 'bash',
        args: [`${repo}/services/training/scripts/push-image.sh`, o.stage],
        cwd: repo,
      });
    }
  }
  if (!o.skipImport)
    steps.push(
      sls(repo, 'ingest', ['invoke', '-f', 'importPublicDataset', ...common], 'import the public MNIST dataset'),
    );
  return steps;
}

/** The stage's buckets, as packages/common/serverless/shared.yml names them. */
export function stageBuckets(stage: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const prefix = env.DIGITS_BUCKET_PREFIX || `digits-${stage}`;
  return ['monitoring', 'artifacts', 'processed', 'raw', 'inbox'].map((b) => `${prefix}-${b}`);
}

/**
 * Reverse pipeline order. The endpoint is created at run time by deployModel (no stack holds it),
 * so it is deleted first; every bucket is emptied (all versions) before the stack that owns it goes.
 */
export function removePlan(
  repo: string,
  o: { stage: string; region?: string },
  env: NodeJS.ProcessEnv = process.env,
): Step[] {
  const common = ['--stage', o.stage, ...regionArgs(o.region)];
  const steps: Step[] = [
    {
      kind: 'command',
      title: `delete the SageMaker endpoint digits-${o.stage}`,
      command: 'aws',
      args: ['sagemaker', 'delete-endpoint', '--endpoint-name', `digits-${o.stage}`, ...regionArgs(o.region)],
      cwd: repo,
      // Already gone (never deployed, or removed before) is what removal wants.
      allowFailure: /Could not find endpoint|ValidationException/,
    },
  ];
  for (const bucket of stageBuckets(o.stage, env))
    steps.push({ kind: 'empty-bucket', title: `empty s3://${bucket}`, bucket });
  for (const service of [...SERVICES].reverse())
    steps.push(sls(repo, service, ['remove', ...common], `remove ${service}`));
  return steps;
}
