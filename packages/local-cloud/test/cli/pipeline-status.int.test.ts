import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { modelRecordKey } from '@digits/common';
import { readPipelineStatus, type StatusSources } from '../../src/cli/pipeline-status';
import {
  ensureBucket,
  putText,
  seedChannels,
  startStack,
  trainingJobRequest,
  waitFor,
  type Stack,
} from '../sagemaker/sagemaker-stack';

jest.setTimeout(120_000);

/** What the start CLI reads from the (local) cloud to know why no model answers yet. */
describe('readPipelineStatus', () => {
  let stack: Stack;
  let sources: StatusSources;

  beforeAll(async () => {
    stack = await startStack({}, ['data', 'artifacts']);
    sources = { s3: stack.s3Client, sageMaker: stack.sm, processedBucket: 'data', artifactsBucket: 'artifacts' };
  });
  afterAll(() => stack.close());

  const ended = (name: string) =>
    waitFor(
      () => stack.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name })),
      (d) => ['Completed', 'Failed', 'Stopped'].includes(d.TrainingJobStatus ?? ''),
    );

  it('walks a manifest from no job to a failed job, then follows the newest attempt', async () => {
    expect(await readPipelineStatus(sources)).toEqual({ stage: 'preprocessing' });

    await seedChannels(stack.s3Client);
    await putText(stack.s3Client, 'data', 'mnist/v1/manifest.json', '{}');
    expect(await readPipelineStatus(sources)).toMatchObject({
      stage: 'awaiting-training',
      manifest: { dataset: 'mnist', version: 'v1', key: 'mnist/v1/manifest.json' },
    });

    await stack.sm.send(new CreateTrainingJobCommand(trainingJobRequest('attempt-1', { fail: 'bad data' })));
    await ended('attempt-1');
    expect(await readPipelineStatus(sources)).toMatchObject({
      stage: 'training-ended',
      job: { name: 'attempt-1', status: 'Failed', failureReason: expect.stringContaining('bad data') },
    });

    await stack.sm.send(
      new CreateTrainingJobCommand(trainingJobRequest('attempt-2', { epochs: '50', epoch_ms: '200' })),
    );
    expect(await readPipelineStatus(sources)).toMatchObject({ stage: 'training', job: { name: 'attempt-2' } });
    await stack.sm.send(new StopTrainingJobCommand({ TrainingJobName: 'attempt-2' }));
    await ended('attempt-2');
    expect(await readPipelineStatus(sources)).toMatchObject({
      stage: 'training-ended',
      job: { name: 'attempt-2', status: 'Stopped' },
    });

    await stack.sm.send(new CreateTrainingJobCommand(trainingJobRequest('attempt-3', { epochs: '1' })));
    await ended('attempt-3');
    expect(await readPipelineStatus(sources)).toMatchObject({ stage: 'deploying', job: { name: 'attempt-3' } });

    await ensureBucket(stack.s3Client, 'artifacts');
    await putText(
      stack.s3Client,
      'artifacts',
      modelRecordKey('attempt-3'),
      JSON.stringify({ trainingJobName: 'attempt-3', gate: { deploy: false, reason: 'test_accuracy 0.5 < 0.9' } }),
    );
    expect(await readPipelineStatus(sources)).toMatchObject({
      stage: 'refused',
      job: { name: 'attempt-3' },
      gateReason: 'test_accuracy 0.5 < 0.9',
    });
  });

  it('ignores jobs of other manifests', async () => {
    await putText(stack.s3Client, 'data', 'other/v9/train/part-00000.csv', '1,0\n');
    await putText(stack.s3Client, 'data', 'other/v9/test/part-00000.csv', '1,0\n');
    // A newer manifest with no job of its own: the jobs of mnist/v1 do not count for it.
    await new Promise((r) => setTimeout(r, 1100));
    await putText(stack.s3Client, 'data', 'other/v9/manifest.json', '{}');
    expect(await readPipelineStatus(sources)).toMatchObject({
      stage: 'awaiting-training',
      manifest: { dataset: 'other', version: 'v9' },
    });
  });
});
