import { Readable } from 'node:stream';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { encodeModelMetadata, modelRecordKey, type ModelMetadata, type ModelRecord } from '@digits/common';
import { create as createTar } from 'tar';
import { deployModel } from '../src/deploy-model';
import { readModelEvaluation } from '../src/model-evaluation';
import {
  DEPLOY_SETTINGS,
  ARTIFACTS,
  PREFIX,
  ROBUSTNESS_SCORES,
  completedJob,
  evenReferenceScores,
  fakeS3,
  fakeSageMaker,
  memoryLogger,
  type FakeS3,
} from './aws-fakes';
import { trainingJobStateChange as stateChange } from '@digits/test-kit';

const confusionMatrix = Array.from({ length: 10 }, (_, actual) =>
  Array.from({ length: 10 }, (_, predicted): number =>
    actual === predicted ? 95 : actual === 4 && predicted === 9 ? 5 : 0,
  ),
);
const perClassAccuracy = confusionMatrix.map((row, d) => row[d]! / row.reduce((a, b) => a + b, 0));
const reference = evenReferenceScores(0.99);
const metadata: ModelMetadata = {
  hyperparameters: { epochs: 2 },
  trainRows: 8000,
  testRows: 1005,
  testAccuracy: 0.995,
  perClassAccuracy,
  confusionMatrix,
  trainingSeconds: 100,
  trainedAt: '2026-01-01T00:58:00.000Z',
  versions: {},
  backend: 'wasm',
  input: { shape: [28, 28, 1], scale: '0..1' },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-evaluation-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** model.tar.gz as SageMaker (and the local stand-in) writes it: the model folder's files at the top. */
async function modelTarball(files: Record<string, string>, entries = Object.keys(files)): Promise<Buffer> {
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  const file = join(dir, 'model.tar.gz');
  await createTar({ gzip: true, cwd: dir, file }, entries);
  return readFile(file);
}

function serveArtifact(s3: FakeS3, key: string, bytes: Uint8Array) {
  s3.mock
    .on(GetObjectCommand, { Bucket: ARTIFACTS, Key: key })
    .resolves({ ContentLength: bytes.length, Body: Readable.from(chunksOf(bytes, 1000)) } as never);
}

/** The artifact as S3 streams it: many small chunks (the parser must never need it whole). */
function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('readModelEvaluation', () => {
  it.each([['metadata.json'], ['./metadata.json']])(
    'reads per-class accuracy and the confusion matrix from model.tar.gz (entry %s)',
    async (entry) => {
      const s3 = fakeS3();
      const tarball = await modelTarball(
        { 'weights.bin': 'x'.repeat(5000), 'metadata.json': encodeModelMetadata(metadata) },
        ['weights.bin', entry],
      );
      serveArtifact(s3, 'training/job/output/model.tar.gz', tarball);

      const evaluation = await readModelEvaluation(s3.client, `s3://${ARTIFACTS}/training/job/output/model.tar.gz`);

      expect(evaluation).toEqual({ testRows: 1005, perClassAccuracy, confusionMatrix });
    },
  );

  it.each([
    ['no metadata.json', async () => modelTarball({ 'model.json': '{}' }), /holds no metadata\.json/],
    ['not a tarball', async () => gzipSync(Buffer.from('hello')), /not a readable tar\.gz|holds no metadata/],
    ['metadata that is not JSON', async () => modelTarball({ 'metadata.json': '{oops' }), /not valid JSON/],
    [
      'a 9-row confusion matrix',
      async () =>
        modelTarball({ 'metadata.json': JSON.stringify({ ...metadata, confusionMatrix: confusionMatrix.slice(1) }) }),
      /confusionMatrix must be 10×10/,
    ],
    [
      'an accuracy above 1',
      async () =>
        modelTarball({
          'metadata.json': JSON.stringify({ ...metadata, perClassAccuracy: [...perClassAccuracy.slice(1), 1.5] }),
        }),
      /perClassAccuracy/,
    ],
  ])('names what is wrong with %s', async (_what, make, message) => {
    const s3 = fakeS3();
    serveArtifact(s3, 'm.tar.gz', await make());
    await expect(readModelEvaluation(s3.client, `s3://${ARTIFACTS}/m.tar.gz`)).rejects.toThrow(message);
  });
});

describe('deployModel records the model report', () => {
  const job = `${PREFIX}--mnist-0123456789ab-bbbbbbbbbb`;

  /** A completed job whose artifact holds `report` (none: no artifact at all), and its deployModel outcome. */
  async function deployWith(report: ModelMetadata | undefined) {
    const s3 = fakeS3();
    const sm = fakeSageMaker();
    const logger = memoryLogger();
    sm.jobs.set(job, completedJob(job, 0.995));
    if (report)
      serveArtifact(
        s3,
        `training/${job}/output/model.tar.gz`,
        await modelTarball({ 'metadata.json': encodeModelMetadata(report) }),
      );
    const out = await deployModel(stateChange({ TrainingJobName: job }).detail, {
      s3: s3.client,
      sagemaker: sm.client,
      settings: DEPLOY_SETTINGS,
      logger,
      busyWait: { maxWaitMs: 0, pollMs: 0 },
    });
    return { out, sm, logger, record: s3.json<ModelRecord>(ARTIFACTS, modelRecordKey(job)) };
  }

  it('copies metadata.json into the registry record of a deployed model', async () => {
    const { out, record } = await deployWith({ ...metadata, reference, robustness: ROBUSTNESS_SCORES });

    expect(out.action).toBe('deploy-requested');
    expect(record?.evaluation).toEqual({ testRows: 1005, perClassAccuracy, confusionMatrix });
    expect(record?.reference).toEqual(reference);
    expect(record?.robustness).toEqual(ROBUSTNESS_SCORES);
    expect(record?.hyperparameters).toEqual(metadata.hyperparameters);
    expect(record?.gate).toMatchObject({ deploy: true, referenceVersion: reference.version });
  });

  it('refuses a model whose metadata.json holds no reference scores, recording its test split scores', async () => {
    const { out, record, sm } = await deployWith(metadata);

    expect(out).toMatchObject({ action: 'not-deployed', reason: expect.stringMatching(/no reference scores/) });
    expect(record?.evaluation?.testRows).toBe(1005);
    expect(sm.models.has(job)).toBe(false);
  });

  it('refuses, and says so, when the artifact has no readable report', async () => {
    const { out, record, logger } = await deployWith(undefined);

    expect(out).toMatchObject({ action: 'not-deployed', reason: expect.stringMatching(/no reference scores/) });
    expect(record).not.toHaveProperty('evaluation');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/model report unreadable/) }),
    );
  });
});
