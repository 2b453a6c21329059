/**
 * `pnpm remove:aws --stage X [--region R] [--yes]`: after a confirmation (type the stage name, or
 * --yes), deletes the stage's SageMaker endpoint, empties its buckets (every version) and removes
 * every stack in reverse pipeline order. Prints each step; stops at the first failure with the reason.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { awsStepRunner } from './aws-stage/aws-runner';
import { runSteps } from './aws-stage/run-steps';
import { checkStage, removePlan, StageError } from './aws-stage/steps';

const REPO = join(__dirname, '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stage: { type: 'string' }, region: { type: 'string' }, yes: { type: 'boolean', default: false } },
    strict: true,
  });
  const stage = checkStage(values.stage);
  const steps = removePlan(REPO, { stage, ...(values.region ? { region: values.region } : {}) });
  console.log(`remove:aws will, for stage ${stage}:`);
  for (const s of steps) console.log(`  - ${s.title}`);
  if (!values.yes) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Everything above is deleted for good. Type the stage name (${stage}) to go on: `);
    rl.close();
    if (answer.trim() !== stage) {
      console.log('not confirmed: nothing was removed');
      return 1;
    }
  }
  const result = await runSteps(steps, awsStepRunner(values.region), (l) => console.log(l));
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e instanceof StageError || e.name === 'TypeError' ? `remove:aws: ${e.message}` : e);
    process.exit(2);
  },
);
