/**
 * `pnpm deploy:aws --stage X [--region R] [--alarm-email you@example.com] [--skip-image] [--skip-import]`:
 * every service in pipeline order (monitoring, ingest, preprocess, training, inference), the model
 * image built and pushed after the training stack (its repository) exists, then the public MNIST
 * import that starts the pipeline. Prints each step; stops at the first failure with the reason.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { awsStepRunner } from './aws-stage/aws-runner';
import { runSteps } from './aws-stage/run-steps';
import { checkStage, deployPlan, StageError } from './aws-stage/steps';

const REPO = join(__dirname, '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      region: { type: 'string' },
      'alarm-email': { type: 'string' },
      'skip-image': { type: 'boolean', default: false },
      'skip-import': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const stage = checkStage(values.stage);
  const steps = deployPlan(REPO, {
    stage,
    ...(values.region ? { region: values.region } : {}),
    ...(values['alarm-email'] ? { alarmEmail: values['alarm-email'] } : {}),
    skipImage: values['skip-image'],
    skipImport: values['skip-import'],
  });
  const result = await runSteps(steps, awsStepRunner(values.region), (l) => console.log(l));
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e instanceof StageError || e.name === 'TypeError' ? `deploy:aws: ${e.message}` : e);
    process.exit(2);
  },
);
